import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMemberEvents } from '../modules/events/index.ts';
import { getItem } from '../modules/items/index.ts';
import { getMemberById } from '../modules/members/index.ts';
import { createTestContext, type TestContext, testDatabases } from '../testing/test-context.ts';
import { itemIdOf, parseRetailRow } from './online-retail.parse.ts';
import { importOnlineRetail, retailFiles } from './online-retail.ts';

const datasets = process.env.MEMBRAIN_DATASETS;
const byDay = datasets ? join(datasets, 'online-retail', 'by-day') : '';
if (!datasets)
  console.log(
    'online-retail.test.ts: MEMBRAIN_DATASETS is not set; the Online Retail import tests are skipped.',
  );

describe('parseRetailRow', () => {
  const row = {
    InvoiceNo: 'C536379',
    StockCode: 'BANK CHARGES',
    Description: ' Bank  charges ',
    Quantity: '-1',
    InvoiceDate: '2010-12-01 09:41:00',
    UnitPrice: '27.5',
    CustomerID: '14527.0',
    Country: 'United Kingdom',
  };

  it('reads a cancellation row: member id from the float CustomerID, UK time taken as UTC, id made safe', () => {
    expect(parseRetailRow(row)).toEqual({
      kind: 'row',
      row: {
        invoiceNo: 'C536379',
        itemId: 'BANK_CHARGES',
        title: 'Bank charges',
        quantity: -1,
        occurredAt: Date.UTC(2010, 11, 1, 9, 41),
        unitPrice: 27.5,
        memberId: 'or-14527',
        region: 'United Kingdom',
      },
    });
  });

  it('skips rows without a customer and rejects unreadable ones with every reason', () => {
    expect(parseRetailRow({ ...row, CustomerID: '' })).toEqual({ kind: 'skip' });
    const bad = parseRetailRow({
      ...row,
      Quantity: '1.5',
      UnitPrice: '-11062.06',
      InvoiceDate: '01/12/2010 09:41',
    });
    expect(bad).toEqual({
      kind: 'reject',
      errors: [
        expect.stringMatching(/^Quantity/),
        expect.stringMatching(/^UnitPrice/),
        expect.stringMatching(/^InvoiceDate/),
      ],
    });
  });
});

/** What three files hold, computed independently of the importer. */
function expectedCounts(files: string[]) {
  const customers = new Set<string>();
  const invoices = new Map<string, boolean>();
  const items = new Set<string>();
  let skipped = 0;
  for (const file of files) {
    const rows = parse(gunzipSync(readFileSync(file)), { columns: true }) as Record<string, string>[];
    for (const row of rows) {
      if (!row.CustomerID) {
        skipped += 1;
        continue;
      }
      customers.add(row.CustomerID);
      invoices.set(row.InvoiceNo as string, (row.InvoiceNo as string).startsWith('C'));
      items.add(itemIdOf(row.StockCode as string));
    }
  }
  const refunds = [...invoices.values()].filter(Boolean).length;
  return { members: customers.size, items: items.size, orders: invoices.size - refunds, refunds, skipped };
}

describe.skipIf(!datasets).each(testDatabases())('UCI Online Retail import on %s', (database) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(database);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('imports three by-day files into members, items, orders and refunds', async () => {
    const files = retailFiles(byDay, 3);
    expect(files.map((f) => f.slice(-17))).toEqual([
      '2010-12-01.csv.gz',
      '2010-12-02.csv.gz',
      '2010-12-03.csv.gz',
    ]);
    const expected = expectedCounts(files);
    const summary = await importOnlineRetail(ctx, byDay, { limit: 3 });
    expect(summary).toMatchObject({
      files: 3,
      membersCreated: expected.members,
      itemsCreated: expected.items,
      orders: expected.orders,
      refunds: expected.refunds,
      skippedNoCustomer: expected.skipped,
      rowsRejected: 0,
    });
  });

  it('stores the first invoice as an order_paid event in pence with its lines and quantity', async () => {
    const member = await getMemberById(ctx, 'or-17850');
    expect(member).toMatchObject({ region: 'United Kingdom', registeredAt: '2010-12-01T08:26:00.000Z' });
    const page = await listMemberEvents(ctx, 'or-17850', { limit: 500, type: 'order_paid' });
    const first = page.data.find((e) => e.id === 'or-inv-536365');
    // 6×2.55 + 6×3.39 + 8×2.75 + 6×3.39 + 6×3.39 + 2×7.65 + 6×4.25 = £139.12
    expect(first).toMatchObject({
      orderId: '536365',
      occurredAt: '2010-12-01T08:26:00.000Z',
      amount: { amount: 13912, currency: 'GBP' },
      properties: { lines: 7, quantity: 40 },
    });
    expect(await getItem(ctx, '85123A')).toMatchObject({
      categoryPath: ['Online Retail'],
      price: { currency: 'GBP' },
    });
  });

  it('does nothing on a rerun, and a forced rerun stores no duplicates', async () => {
    const count = async () =>
      Number(
        (
          await ctx.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const again = await importOnlineRetail(ctx, byDay, { limit: 3 });
    expect(again).toMatchObject({ filesAlreadyImported: 3, orders: 0, membersCreated: 0 });
    const forced = await importOnlineRetail(ctx, byDay, { limit: 3, restart: true });
    expect(forced).toMatchObject({
      filesAlreadyImported: 0,
      orders: 0,
      refunds: 0,
      membersCreated: 0,
      itemsCreated: 0,
    });
    expect(forced.duplicateEvents).toBe(before);
    expect(await count()).toBe(before);
  });
});
