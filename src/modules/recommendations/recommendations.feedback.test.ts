import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { ingestEvents } from '../events/index.ts';
import { recordFeedbackForEvents, recordServed } from './recommendations.feedback.ts';

describe.each(testDatabases())('recommendation feedback on $name', (database) => {
  let ctx: TestContext;
  const at = (minutesAgo: number) => new Date(Date.UTC(2026, 0, 15, 12) - minutesAgo * 60_000).toISOString();

  beforeAll(async () => {
    ctx = await createTestContext(database, { config: { events: { autoCreateMembers: true } } });
    await recordServed(ctx.db, [
      {
        id: 'rec_list1',
        memberId: 'fb-1',
        surface: 'member',
        modelId: 'mdl_x',
        variant: null,
        strategy: 'online',
        itemIds: ['i1', 'i2', 'i3'],
        servedAt: Date.UTC(2026, 0, 15, 11),
      },
    ]);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const feedbackRows = () =>
    ctx.db.selectFrom('recommendationFeedback').selectAll().orderBy('eventId').execute();

  const batch = [
    {
      id: 'fb-e1',
      type: 'view',
      memberId: 'fb-1',
      itemId: 'i1',
      occurredAt: at(50),
      properties: { recommendationId: 'rec_list1' },
    },
    {
      id: 'fb-e2',
      type: 'cart_add',
      memberId: 'fb-1',
      itemId: 'i1',
      occurredAt: at(40),
      properties: { recommendationId: 'rec_list1' },
    },
    {
      id: 'fb-e3',
      type: 'order_paid',
      memberId: 'fb-1',
      itemId: 'i1',
      orderId: 'o-1',
      occurredAt: at(30),
      amount: { amount: 1999, currency: 'CNY' },
      properties: { recommendationId: 'rec_list1' },
    },
    // Not feedback: a search, a stale id, no id at all.
    {
      id: 'fb-e4',
      type: 'search',
      memberId: 'fb-1',
      text: 'tea',
      occurredAt: at(20),
      properties: { recommendationId: 'rec_list1' },
    },
    {
      id: 'fb-e5',
      type: 'view',
      memberId: 'fb-1',
      itemId: 'i2',
      occurredAt: at(10),
      properties: { recommendationId: 'rec_stale' },
    },
    { id: 'fb-e6', type: 'view', memberId: 'fb-1', itemId: 'i3', occurredAt: at(5) },
    // An item the list did not show.
    {
      id: 'fb-e7',
      type: 'view',
      memberId: 'fb-1',
      itemId: 'i9',
      occurredAt: at(4),
      properties: { recommendationId: 'rec_list1' },
    },
  ];

  it('stores views, carts and orders of listed items that name a served list, with the ingest', async () => {
    const result = await ingestEvents(ctx, batch);
    expect(result.accepted).toBe(7);
    const rows = await feedbackRows();
    expect(rows.map((r) => [r.eventId, r.type, r.itemId, r.recommendationId])).toEqual([
      ['fb-e1', 'view', 'i1', 'rec_list1'],
      ['fb-e2', 'cart_add', 'i1', 'rec_list1'],
      ['fb-e3', 'order_paid', 'i1', 'rec_list1'],
    ]);
    expect(rows[0]).toMatchObject({ memberId: 'fb-1' });
    expect(Number(rows[0]?.occurredAt)).toBe(Date.parse(at(50)));
  });

  it('records feedback once when the store retries the batch', async () => {
    const result = await ingestEvents(ctx, batch);
    expect(result.duplicates).toBe(7);
    expect(await feedbackRows()).toHaveLength(3);
  });

  it('keeps a second call on the same events idempotent too', async () => {
    const rows = batch.slice(0, 2).map((e) => ({
      id: e.id,
      type: e.type,
      memberId: e.memberId,
      itemId: e.itemId,
      occurredAt: Date.parse(e.occurredAt),
      properties: JSON.stringify(e.properties),
    }));
    await recordFeedbackForEvents(ctx.db, rows);
    expect(await feedbackRows()).toHaveLength(3);
  });

  it('does not touch the database when no event carries a list id', async () => {
    const untouchable = new Proxy({} as Database, {
      get() {
        throw new Error('the database was used');
      },
    });
    const rows = [
      { id: 'x1', type: 'view', memberId: 'm', itemId: 'i', occurredAt: 1, properties: null },
      { id: 'x2', type: 'view', memberId: 'm', itemId: 'i', occurredAt: 1, properties: '{"source":"home"}' },
      {
        id: 'x3',
        type: 'login',
        memberId: 'm',
        occurredAt: 1,
        properties: '{"recommendationId":"rec_list1"}',
      },
    ];
    expect(await recordFeedbackForEvents(untouchable, rows)).toBe(0);
  });
});
