import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSegment } from '../modules/segments/index.ts';
import { addMember, addProfile } from '../modules/segments/segments.testing.ts';
import { createTestContext, type TestContext, testDatabases } from '../testing/test-context.ts';
import { runSegmentsCount, runSegmentsExport, runSegmentsList } from './segments.command.ts';

describe.each(testDatabases())('membrain segments on $name', (database) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(database);
  });
  afterEach(async () => {
    await ctx?.close();
  });

  it('lists, counts and exports a segment as CSV of member ids', async () => {
    for (const id of ['m1', 'm2', 'm3']) await addMember(ctx, id);
    await addProfile(ctx, 'm2', { orders: 1 });
    const segment = await createSegment(
      ctx,
      { actorType: 'cli', actorId: 'test' },
      { name: 'Buyers', definition: { field: 'profile.orders', op: 'gte', value: 1 } },
    );
    const lines: string[] = [];
    await runSegmentsList(ctx, (line) => lines.push(line));
    expect(lines[1]).toMatch(new RegExp(`^${segment.id}\\t1\\t`));
    await addProfile(ctx, 'm3', { orders: 2 });
    await runSegmentsCount(ctx, segment.id, (line) => lines.push(line));
    expect(lines[2]).toMatch(new RegExp(`^${segment.id}\\t2\\t`));
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    expect(await runSegmentsExport(ctx, segment.id, out)).toBe(2);
    expect(Buffer.concat(chunks).toString()).toBe('member_id\nm2\nm3\n');
  });
});
