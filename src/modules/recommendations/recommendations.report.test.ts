import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { recordServed } from './recommendations.feedback.ts';
import { buildReport, normalCdf, twoProportionPValue, wilsonInterval } from './recommendations.report.ts';

describe('report statistics', () => {
  it('gives the Wilson 95 % interval of a proportion', () => {
    const { low, high } = wilsonInterval(5, 10);
    expect(low).toBeCloseTo(0.236593, 5);
    expect(high).toBeCloseTo(0.763407, 5);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    expect(wilsonInterval(0, 50).low).toBe(0);
  });

  it('computes the normal CDF and the two-proportion z-test', () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    expect(twoProportionPValue(3, 30, 5, 30)).toBeCloseTo(0.447521, 5);
    expect(twoProportionPValue(100, 1000, 160, 1000)).toBeLessThan(0.001);
    expect(twoProportionPValue(0, 0, 1, 10)).toBe(1);
  });
});

describe.each(testDatabases())('recommendation report on $name', (database) => {
  let ctx: TestContext;
  const day = (d: number, hour = 10) => Date.UTC(2026, 0, d, hour);
  let sequence = 0;

  async function serve(
    id: string,
    variant: string | null,
    memberId: string,
    servedAt: number,
    surface = 'member',
  ) {
    await recordServed(ctx.db, [
      {
        id,
        memberId,
        surface: surface as 'member',
        modelId: variant === 'b' ? 'mdl_b' : 'mdl_a',
        variant,
        strategy: 'online',
        itemIds: Array.from({ length: 10 }, (_, k) => `i${k}`),
        servedAt,
      },
    ]);
  }
  async function feedback(recommendationId: string, type: string, itemId: string, at: number) {
    sequence += 1;
    await ctx.db
      .insertInto('recommendationFeedback')
      .values({ eventId: `e${sequence}`, recommendationId, memberId: 'x', itemId, type, occurredAt: at })
      .execute();
  }

  beforeAll(async () => {
    ctx = await createTestContext(database);
    const model = (id: string, kind: string) => ({
      id,
      kind: 'recommend',
      state: 'active',
      createdAt: day(1),
      dataThrough: day(1),
      params: JSON.stringify({ model: kind }),
      metrics: '{}',
      artifact: null,
      jobId: null,
    });
    await ctx.db
      .insertInto('models')
      .values([model('mdl_a', 'item-knn'), model('mdl_b', 'als')])
      .execute();
    await serve('rec_a1', 'a', 'm1', day(10));
    await serve('rec_a2', 'a', 'm2', day(10, 23));
    await serve('rec_a3', 'a', 'm1', day(11));
    await serve('rec_b1', 'b', 'm3', day(10));
    await serve('rec_b2', 'b', 'm3', day(11));
    await serve('rec_b3', 'b', 'm4', day(11));
    // Outside the range, or another surface: not counted.
    await serve('rec_late', 'a', 'm1', day(20));
    await serve('rec_sim', 'a', 'm1', day(10), 'similar');
    // a: i1 clicked twice from one list counts once; a cart and an order.
    await feedback('rec_a1', 'view', 'i1', day(10, 11));
    await feedback('rec_a1', 'view', 'i1', day(10, 12));
    await feedback('rec_a1', 'view', 'i2', day(10, 12));
    await feedback('rec_a1', 'cart_add', 'i1', day(10, 13));
    await feedback('rec_a1', 'order_paid', 'i1', day(10, 14));
    // Clicked the next day: still the day the list was served.
    await feedback('rec_a2', 'view', 'i3', day(11, 9));
    await feedback('rec_b1', 'view', 'i1', day(10, 11));
    for (const item of ['i1', 'i2', 'i3', 'i4']) await feedback('rec_b2', 'view', item, day(11, 11));
    await feedback('rec_b2', 'order_paid', 'i1', day(11, 12));
    await feedback('rec_b2', 'order_paid', 'i2', day(11, 12));
    await feedback('rec_late', 'view', 'i1', day(20, 11));
    await feedback('rec_sim', 'view', 'i1', day(10, 11));
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('counts lists, members, items shown, clicks, carts, orders and conversion per variant', async () => {
    const report = await buildReport(
      ctx.db,
      { from: '2026-01-10', to: '2026-01-11' },
      { variantOrder: ['a', 'b'] },
    );
    expect(report.variants).toHaveLength(2);
    const [a, b] = report.variants;
    expect(a).toMatchObject({
      variant: 'a',
      modelId: 'mdl_a',
      modelKind: 'item-knn',
      lists: 3,
      members: 2,
      itemsShown: 30,
      clicks: 3,
      carts: 1,
      orders: 1,
    });
    expect(a?.ctr).toBeCloseTo(0.1, 10);
    expect(a?.ctrLow).toBeCloseTo(0.0346, 4);
    expect(a?.ctrHigh).toBeCloseTo(0.2562, 4);
    expect(a?.conversion).toBeCloseTo(1 / 3, 10);
    expect(b).toMatchObject({
      variant: 'b',
      modelKind: 'als',
      lists: 3,
      members: 2,
      itemsShown: 30,
      clicks: 5,
      orders: 2,
    });
    expect(b?.conversion).toBeCloseTo(1 / 3, 10);
    expect(report.comparison?.control).toBe('a');
    expect(report.comparison?.treatment).toBe('b');
    expect(report.comparison?.ctrLift).toBeCloseTo(2 / 3, 10);
    expect(report.comparison?.pValue).toBeCloseTo(0.4475, 4);
  });

  it('gives a daily series by the day each list was served', async () => {
    const report = await buildReport(
      ctx.db,
      { from: '2026-01-10', to: '2026-01-11' },
      { variantOrder: ['a', 'b'] },
    );
    expect(report.daily).toEqual([
      { day: '2026-01-10', variant: 'a', lists: 2, itemsShown: 20, clicks: 3, orders: 1 },
      { day: '2026-01-10', variant: 'b', lists: 1, itemsShown: 10, clicks: 1, orders: 0 },
      { day: '2026-01-11', variant: 'a', lists: 1, itemsShown: 10, clicks: 0, orders: 0 },
      { day: '2026-01-11', variant: 'b', lists: 2, itemsShown: 20, clicks: 4, orders: 2 },
    ]);
  });

  it('reports other surfaces on request, and nothing to compare with one variant', async () => {
    const report = await buildReport(
      ctx.db,
      { from: '2026-01-10', to: '2026-01-10' },
      { surface: 'similar' },
    );
    expect(report.variants).toHaveLength(1);
    expect(report.variants[0]).toMatchObject({ variant: 'a', lists: 1, clicks: 1 });
    expect(report.comparison).toBeNull();
  });

  it('is empty for a range with no lists', async () => {
    const report = await buildReport(ctx.db, { from: '2025-01-01', to: '2025-01-31' });
    expect(report).toEqual({
      from: '2025-01-01',
      to: '2025-01-31',
      variants: [],
      daily: [],
      comparison: null,
    });
  });
});
