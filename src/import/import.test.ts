import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem } from '../modules/items/index.ts';
import { getMemberById, upsertMember } from '../modules/members/index.ts';
import { createTestContext, type TestContext, testDatabases } from '../testing/test-context.ts';
import { parseFieldMap } from './field-mapping.ts';
import { importFile } from './import-runner.ts';

const dir = mkdtempSync(join(tmpdir(), 'membrain-import-'));

function writeTemp(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function countRows(ctx: TestContext, table: 'events' | 'items'): Promise<number> {
  const row = await ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function eventLines(prefix: string, count: number, badAt: number): string {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      id: `${prefix}-${i}`,
      type: 'view',
      memberId: 'imp-m1',
      itemId: `sku-${i % 3}`,
      occurredAt: new Date(Date.UTC(2025, 5, 1) + i * 60_000).toISOString(),
      ...(i === badAt ? { quantity: -1 } : {}),
    }),
  );
  return `${lines.join('\n')}\n`;
}

describe('parseFieldMap', () => {
  it('reads field=column pairs with dotted fields', () => {
    expect(parseFieldMap('email=mail, price.amount=price_cents')).toEqual([
      { target: ['email'], source: 'mail' },
      { target: ['price', 'amount'], source: 'price_cents' },
    ]);
    expect(() => parseFieldMap('email')).toThrow(/field=column/);
  });
});

describe.each(testDatabases())('file importers on %s', (database) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(database);
    await ctx.db.transaction().execute(async (trx) => {
      await upsertMember(ctx, trx, { id: 'imp-m1' }, { actorType: 'system', actorId: 'test' });
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('imports items from CSV with renamed and nested columns, typed values and rejected lines', async () => {
    const file = writeTemp(
      `items-${database.name}.csv`,
      [
        'sku,name,cat,price_cents,currency,stock,colour',
        'csv-1,Green tea,Food > Tea,1299,CNY,yes,green',
        'csv-2,"Mug, large",Home|Kitchen,2500,CNY,false,white',
        'csv-3,Broken,Home,-5,CNY,true,red',
        'csv-4,Short row,Home',
        'csv-5,Bad money,Home,12.5,CNY,1,blue',
      ].join('\n'),
    );
    const summary = await importFile(ctx, {
      kind: 'items',
      file,
      map: 'id=sku,title=name,categoryPath=cat,price.amount=price_cents,price.currency=currency,inStock=stock',
    });
    expect(summary).toMatchObject({
      status: 'completed',
      linesDone: 5,
      rowsOk: 2,
      rowsRejected: 3,
      ignoredColumns: ['colour'],
    });
    expect(summary.rejects.map((r) => r.line)).toEqual([4, 5, 6]);
    expect(summary.rejects[0]?.errors[0]).toMatch(/^price\.amount: /);
    expect(summary.rejects[1]?.errors[0]).toMatch(/expected 7 fields, found 3/);
    expect(await getItem(ctx, 'csv-1')).toMatchObject({
      categoryPath: ['Food', 'Tea'],
      price: { amount: 1299 },
      inStock: true,
    });
    expect(await getItem(ctx, 'csv-2')).toMatchObject({
      title: 'Mug, large',
      categoryPath: ['Home', 'Kitchen'],
      inStock: false,
    });
  });

  it('imports members from JSONL, rejecting bad lines by their line number and keeping the rest of the batch', async () => {
    const lines = [
      JSON.stringify({ id: 'j-1', mail: 'one@example.com', mobile: '+86 138 0013 8000', region: 'Shanghai' }),
      '',
      '{"id": "j-2", "mail": "not-an-email"}',
      '{"id": "j-3", broken json',
      JSON.stringify({ id: 'j-4', mail: 'one@example.com' }),
      JSON.stringify({ id: 'j-5', mail: 'five@example.com', shoeSize: 42 }),
      JSON.stringify({ id: 'j-6', mail: 'six@example.com' }),
    ];
    const file = writeTemp(`members-${database.name}.jsonl`, `${lines.join('\n')}\n`);
    const summary = await importFile(ctx, { kind: 'members', file, map: 'email=mail,phone=mobile' });
    expect(summary).toMatchObject({ linesDone: 6, rowsOk: 2, rowsRejected: 4 });
    expect(summary.rejects.map((r) => r.line)).toEqual([3, 4, 5, 6]);
    expect(summary.rejects[0]?.errors[0]).toMatch(/^email: /);
    expect(summary.rejects[1]?.errors[0]).toMatch(/not valid JSON/);
    expect(summary.rejects[2]?.errors[0]).toMatch(/MEMBER_EMAIL_TAKEN/);
    expect(await getMemberById(ctx, 'j-1')).toMatchObject({ email: 'one@example.com', region: 'Shanghai' });
    // The row after the refused one, in the same transaction, was still written.
    expect(await getMemberById(ctx, 'j-6')).toMatchObject({ email: 'six@example.com' });
    expect(await getMemberById(ctx, 'j-4')).toBeNull();
  });

  it('imports events from CSV with dotted columns and rejects unknown members by line', async () => {
    const file = writeTemp(
      `events-${database.name}.csv`,
      [
        'id,type,memberId,itemId,occurredAt,quantity,price.amount,price.currency,ip',
        'c-1,cart_add,imp-m1,sku-1,2025-06-01T10:00:00Z,2,1299,CNY,203.0.113.5',
        'c-2,view,nobody,sku-1,2025-06-01T10:01:00Z,,,,',
        'c-3,review,imp-m1,sku-1,2025-06-01T10:02:00Z,,,,',
      ].join('\r\n'),
    );
    const summary = await importFile(ctx, { kind: 'events', file, map: 'context.ip=ip' });
    expect(summary).toMatchObject({ rowsOk: 1, rowsRejected: 2 });
    expect(summary.rejects).toEqual([
      { line: 3, errors: [expect.stringContaining('nobody')] },
      { line: 4, errors: [expect.stringContaining('rating')] },
    ]);
    const stored = await ctx.db
      .selectFrom('events')
      .selectAll()
      .where('id', '=', 'c-1')
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ quantity: 2, ip: '203.0.113.5', currency: 'CNY' });
    expect(Number(stored.priceAmount)).toBe(1299);
  });

  it('resumes after a crash without duplicates and ends where a clean run ends', async () => {
    const file = writeTemp(`resume-${database.name}.jsonl`, eventLines(`res-${database.name}`, 23, 7));
    const before = await countRows(ctx, 'events');
    const crash = importFile(ctx, {
      kind: 'events',
      file,
      batchSize: 5,
      afterBatch: (n) => {
        if (n === 2) throw new Error('simulated crash');
      },
    });
    await expect(crash).rejects.toThrow('simulated crash');
    expect(await countRows(ctx, 'events')).toBe(before + 9);

    const resumed = await importFile(ctx, { kind: 'events', file, batchSize: 5 });
    expect(resumed).toMatchObject({
      status: 'completed',
      resumedAfter: 10,
      linesDone: 23,
      rowsOk: 22,
      rowsRejected: 1,
    });
    expect(resumed.rejects.map((r) => r.line)).toEqual([8]);
    expect(await countRows(ctx, 'events')).toBe(before + 22);

    const again = await importFile(ctx, { kind: 'events', file, batchSize: 5 });
    expect(again.status).toBe('already-imported');

    const clean = await importFile(ctx, { kind: 'events', file, batchSize: 5, restart: true });
    expect(clean).toMatchObject({ resumedAfter: 0, linesDone: 23, rowsOk: 22, rowsRejected: 1 });
    expect(await countRows(ctx, 'events')).toBe(before + 22);
  });

  it('reads gzip-compressed files', async () => {
    const rows = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({
        id: `gz-${i}`,
        title: `Gz ${i}`,
        categoryPath: ['Gz'],
        price: { amount: i, currency: 'EUR' },
      }),
    );
    const file = writeTemp(`items-${database.name}.jsonl.gz`, gzipSync(`${rows.join('\n')}\n`));
    const before = await countRows(ctx, 'items');
    const progress: number[] = [];
    const summary = await importFile(ctx, {
      kind: 'items',
      file,
      batchSize: 7,
      onProgress: (p) => progress.push(p.rows),
    });
    expect(summary).toMatchObject({ linesDone: 30, rowsOk: 30, rowsRejected: 0 });
    expect(await countRows(ctx, 'items')).toBe(before + 30);
    expect(progress.at(-1)).toBe(30);
    expect(await getItem(ctx, 'gz-29')).toMatchObject({ price: { amount: 29, currency: 'EUR' } });
  });

  it('refuses a file whose format it cannot tell', async () => {
    const file = writeTemp('mystery.txt', 'id\n1\n');
    await expect(importFile(ctx, { kind: 'items', file })).rejects.toThrow(/--format/);
  });
});
