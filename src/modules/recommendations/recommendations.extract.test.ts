import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { ingestEvents } from '../events/index.ts';
import { upsertItems } from '../items/index.ts';
import { upsertMember } from '../members/index.ts';
import { DAY_MS, extractInteractions } from './recommendations.extract.ts';
import { memberHistory } from './recommendations.history.ts';
import { DEFAULT_RECOMMENDATION_SETTINGS } from './recommendations.settings-types.ts';

const settings = { ...DEFAULT_RECOMMENDATION_SETTINGS, halfLifeDays: 10 };
const cny = (amount: number) => ({ amount, currency: 'CNY' });

describe.each(testDatabases())('extractInteractions on $name', (database) => {
  let ctx: TestContext;
  let T: number;

  beforeEach(async () => {
    ctx = await createTestContext(database);
    T = ctx.clock.now() - 2 * DAY_MS;
    await upsertItems(
      ctx,
      ['i1', 'i2', 'i3'].map((id) => ({ id, title: id, categoryPath: ['c'], price: cny(100) })),
    );
    await ctx.db.transaction().execute(async (trx) => {
      for (const id of ['m1', 'm2', 'm3'])
        await upsertMember(ctx, trx, { id }, { actorType: 'test', actorId: 't' });
    });
    const at = (daysFromT: number) => new Date(T + daysFromT * DAY_MS).toISOString();
    await ingestEvents(ctx, [
      { id: 'e1', type: 'view', memberId: 'm1', itemId: 'i1', occurredAt: at(-10) },
      {
        id: 'e2',
        type: 'order_paid',
        memberId: 'm1',
        itemId: 'i1',
        orderId: 'o1',
        amount: cny(100),
        occurredAt: at(-20),
      },
      { id: 'e3', type: 'favorite', memberId: 'm1', itemId: 'i2', occurredAt: at(0) },
      { id: 'e4', type: 'share', memberId: 'm2', itemId: 'i2', occurredAt: at(-5) },
      { id: 'e5', type: 'review', memberId: 'm2', itemId: 'i1', rating: 5, occurredAt: at(-30) },
      // Not behaviour towards an item the models learn from:
      { id: 'e6', type: 'cart_remove', memberId: 'm2', itemId: 'i3', occurredAt: at(-1) },
      { id: 'e7', type: 'order_paid', memberId: 'm2', orderId: 'o2', amount: cny(500), occurredAt: at(-1) },
      { id: 'e8', type: 'view', memberId: 'm2', itemId: 'not-in-catalogue', occurredAt: at(-1) },
      { id: 'e9', type: 'search', memberId: 'm2', text: 'phone', occurredAt: at(-1) },
      // After T: left out when extracting until T.
      { id: 'e10', type: 'view', memberId: 'm3', itemId: 'i3', occurredAt: at(1) },
    ]);
  });
  afterEach(async () => {
    await ctx?.close();
  });

  /** user → item → [weight, time] */
  function table(data: Awaited<ReturnType<typeof extractInteractions>>['data']) {
    const out: Record<string, Record<string, [number, number]>> = {};
    for (let u = 0; u < data.nUsers; u++) {
      const row: Record<string, [number, number]> = {};
      for (let p = data.byUser.indptr[u]!; p < data.byUser.indptr[u + 1]!; p++) {
        row[data.itemIds[data.byUser.indices[p]!]!] = [data.byUser.weights[p]!, data.byUser.times[p]!];
      }
      out[data.userIds[u]!] = row;
    }
    return out;
  }

  it('weighs each behaviour by its weight halved every half-life back from `until`, summed per member and item', async () => {
    const { data, members, items, dataThrough } = await extractInteractions(ctx, settings, { until: T });
    expect({ members, items, dataThrough }).toEqual({ members: 2, items: 2, dataThrough: T });
    const t = table(data);
    expect(Object.keys(t).sort()).toEqual(['m1', 'm2']);
    // view 1 × 0.5 (10 days) + order 8 × 0.25 (20 days); the time is the latest of the two.
    expect(t.m1?.i1?.[0]).toBeCloseTo(1 * 0.5 + 8 * 0.25, 6);
    expect(t.m1?.i1?.[1]).toBe(T - 10 * DAY_MS);
    expect(t.m1?.i2).toEqual([3, T]);
    expect(t.m2?.i2?.[0]).toBeCloseTo(1.5 * 0.5 ** 0.5, 6);
    expect(t.m2?.i1?.[0]).toBeCloseTo(4 * 0.125, 6);
    expect(Object.keys(t.m2 ?? {}).sort()).toEqual(['i1', 'i2']);
  });

  it('measures ages from the latest item event when no `until` is given', async () => {
    const { data, dataThrough } = await extractInteractions(ctx, settings);
    expect(dataThrough).toBe(T + DAY_MS);
    const t = table(data);
    expect(t.m3?.i3?.[0]).toBe(1);
    expect(t.m1?.i2?.[0]).toBeCloseTo(3 * 0.5 ** 0.1, 6);
  });

  it('weighs a member’s history for serving exactly as training does, with seen and bought items', async () => {
    const { data } = await extractInteractions(ctx, settings, { until: T });
    const itemIndex = new Map(data.itemIds.map((id, i) => [id, i] as const));
    const { history, itemIds, boughtItemIds } = await memberHistory(
      ctx,
      'm1',
      { dataThrough: T, itemIndex },
      settings,
    );
    const weights = Object.fromEntries(
      Array.from(history.items, (item, h) => [data.itemIds[item] as string, history.weights[h] as number]),
    );
    expect(weights.i1).toBeCloseTo(table(data).m1?.i1?.[0] as number, 6);
    expect(weights.i2).toBeCloseTo(3, 6);
    expect(itemIds).toEqual(['i2', 'i1']);
    expect([...boughtItemIds]).toEqual(['i1']);
  });

  it('gives the same data whatever the chunk size, and drops behaviours weighted 0', async () => {
    const whole = await extractInteractions(ctx, settings, { until: T });
    const chunked = await extractInteractions(ctx, settings, { until: T, chunkSize: 2 });
    expect(table(chunked.data)).toEqual(table(whole.data));
    const noViews = { ...settings, behaviourWeights: { ...settings.behaviourWeights, view: 0 } };
    const t = table((await extractInteractions(ctx, noViews, { until: T })).data);
    expect(t.m1?.i1?.[0]).toBeCloseTo(2, 6);
    expect(t.m1?.i1?.[1]).toBe(T - 20 * DAY_MS);
  });
});
