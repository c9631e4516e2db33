import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvents } from '../modules/events/index.ts';
import { upsertItems } from '../modules/items/index.ts';
import { createTestContext, type TestContext, testDatabases } from '../testing/test-context.ts';
import { runEvalRecommend, shopEventsFrom } from './eval-recommend.ts';

// A shop with two tastes: 40 members view and cart either tea or coffee items, four events each.
describe.each(testDatabases())('membrain eval recommend --source db on $name', (database) => {
  let ctx: TestContext;
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 10) + minutes * 60_000).toISOString();

  beforeAll(async () => {
    ctx = await createTestContext(database, { config: { events: { autoCreateMembers: true } } });
    const items = ['tea', 'coffee'].flatMap((kind) =>
      Array.from({ length: 6 }, (_, k) => ({
        id: `${kind}-${k}`,
        title: `${kind} ${k}`,
        categoryPath: ['drinks', kind],
        price: { amount: 1_000 + k * 500, currency: 'CNY' },
      })),
    );
    await upsertItems(ctx, items);
    const events = [];
    for (let m = 0; m < 40; m++) {
      const kind = m % 2 ? 'coffee' : 'tea';
      for (let s = 0; s < 4; s++) {
        events.push({
          id: `ev-${m}-${s}`,
          type: s === 3 ? 'cart_add' : 'view',
          memberId: `mem-${m}`,
          itemId: `${kind}-${(m + s) % 6}`,
          occurredAt: at(m * 10 + s),
        });
      }
    }
    const result = await ingestEvents(ctx, events, { mode: 'lenient' });
    expect(result.accepted).toBe(160);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('evaluates the shop’s weighted item events, the content model among the candidates', async () => {
    const r = await runEvalRecommend({ source: 'db', model: 'auto' }, () => shopEventsFrom(ctx));
    expect(r.users).toBe(40);
    expect(r.items).toBe(12);
    expect(r.interactions).toBe(160);
    expect(r.candidates?.map((c) => c.kind)).toEqual(
      expect.arrayContaining(['popularity', 'item-knn', 'content']),
    );
    expect(r['hr@10']).toBeGreaterThan(0.5);
  }, 60_000);
});
