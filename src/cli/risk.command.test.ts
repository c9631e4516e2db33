import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipCountryLookup } from '../modules/risk/risk.ip-ranges.ts';
import { createTestContext, type TestContext, testDatabases } from '../testing/test-context.ts';
import { loadIpRangesFile, parseIpRangesCsv } from './risk.command.ts';

describe('IP ranges CSV', () => {
  it('reads the fraud data set’s layout (header, numbers, quoted names) and dotted bounds', () => {
    const text =
      '\uFEFFlower_bound_ip_address,upper_bound_ip_address,country\n16777216,16777471,Australia\n' +
      '16777472.0,16777727.0,China\n1.0.4.0,1.0.7.255,"Korea, Republic of"\n';
    expect(parseIpRangesCsv(text)).toEqual({
      ranges: [
        { lower: 16_777_216, upper: 16_777_471, country: 'Australia' },
        { lower: 16_777_472, upper: 16_777_727, country: 'China' },
        { lower: 16_778_240, upper: 16_779_263, country: 'Korea, Republic of' },
      ],
      problems: [],
    });
  });

  it('lists every unreadable line', () => {
    const { problems } = parseIpRangesCsv('1,2,AU\nx,3,CN\n4,5\n6,7,\n');
    expect(problems).toEqual([
      'line 2: expected lower,upper,country — got x,3,CN',
      'line 3: expected lower,upper,country — got 4,5',
      'line 4: expected lower,upper,country — got 6,7,',
    ]);
  });
});

describe.each(testDatabases())('membrain risk ip-ranges load on $name', (database) => {
  let ctx: TestContext;
  const dir = mkdtempSync(join(tmpdir(), 'membrain-ip-'));
  beforeAll(async () => {
    ctx = await createTestContext(database);
  });
  afterAll(async () => {
    await ctx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces the table and the lookup follows; overlapping ranges load nothing', async () => {
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'lower,upper,country\n1.0.0.0,1.0.0.255,au\n1.0.1.0,1.0.3.255,cn\n');
    expect(await loadIpRangesFile(ctx, good)).toEqual({
      ok: true,
      lines: ['loaded 2 IP ranges (the previous table was replaced)'],
    });
    const lookup = await ipCountryLookup(ctx);
    expect([lookup('1.0.0.7'), lookup('1.0.2.9'), lookup('1.0.4.1'), lookup('::1')]).toEqual([
      'AU',
      'CN',
      null,
      null,
    ]);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, '1.0.0.0,1.0.1.255,JP\n1.0.1.0,1.0.3.255,KR\n');
    await expect(loadIpRangesFile(ctx, bad)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ message: 'ranges 16777216–16777727 and 16777472–16778239 overlap' }],
    });
    expect(await ctx.db.selectFrom('riskIpRanges').select('country').orderBy('lower').execute()).toEqual([
      { country: 'AU' },
      { country: 'CN' },
    ]);
  });
});
