import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { ingestEvents } from '../events/index.ts';
import { createSegment } from '../segments/index.ts';
import { getMemberProfile, PROFILE_FEATURES, profileFeatureSql } from './index.ts';
import { activeDaysOf, addItems, addMembers, DAY, event, ingest, profileOf } from './profiles.testing.ts';

describe.each(testDatabases())('incremental member profiles on $name', (database) => {
  let ctx: TestContext;

  beforeEach(async () => {
    ctx = await createTestContext(database);
    await addMembers(ctx, 'm1', 'm2');
    await addItems(ctx, [
      { id: 'sku-1', category: '服饰', brand: 'Acme', price: 10_000 },
      { id: 'sku-2', category: '数码', brand: 'Zeta', price: 200_000 },
      { id: 'sku-3', category: '美妆', price: 5_000 },
    ]);
  });
  afterEach(async () => {
    await ctx?.close();
  });

  describe('counters', () => {
    it('counts every event type, orders, revenue, items bought and ratings', async () => {
      await ingest(ctx, [
        event(ctx, 'view', 'm1', 3),
        event(ctx, 'view', 'm1', 2),
        event(ctx, 'search', 'm1', 2),
        event(ctx, 'cart_add', 'm1', 2),
        event(ctx, 'favorite', 'm1', 1),
        event(ctx, 'login', 'm1', 1),
        event(ctx, 'share', 'm1', 1),
        event(ctx, 'coupon_use', 'm1', 1),
        event(ctx, 'order_paid', 'm1', 1, {
          itemId: 'sku-1',
          quantity: 2,
          price: { amount: 4_000, currency: 'CNY' },
          amount: { amount: 8_000, currency: 'CNY' },
        }),
        event(ctx, 'order_paid', 'm1', 0, { amount: { amount: 3_000, currency: 'CNY' } }),
        event(ctx, 'review', 'm1', 0, { itemId: 'sku-1', rating: 4 }),
        event(ctx, 'review', 'm1', 0, { itemId: 'sku-1', rating: undefined, text: 'fine' }),
      ]);
      const p = await profileOf(ctx, 'm1');
      expect(p).toMatchObject({
        events: 12,
        views: 2,
        searches: 1,
        cartAdds: 1,
        favorites: 1,
        logins: 1,
        shares: 1,
        couponUses: 1,
        orders: 2,
        revenue: 11_000,
        itemsBought: 3,
        itemPriceSum: 11_000,
        reviews: 2,
        ratings: 1,
        ratingSum: 4,
        firstEventAt: ctx.clock.now() - 3 * DAY,
        lastEventAt: ctx.clock.now(),
        firstOrderAt: ctx.clock.now() - DAY,
        lastOrderAt: ctx.clock.now(),
      });
      expect(await profileOf(ctx, 'm2')).toBeUndefined();
    });

    it('counts orders in another currency as orders but not as money', async () => {
      await ingest(ctx, [
        event(ctx, 'order_paid', 'm1', 2, { amount: { amount: 5_000, currency: 'CNY' } }),
        event(ctx, 'order_paid', 'm1', 1, { amount: { amount: 900, currency: 'USD' } }),
        event(ctx, 'order_refunded', 'm1', 0, { amount: { amount: 900, currency: 'USD' } }),
      ]);
      const p = await profileOf(ctx, 'm1');
      expect(p).toMatchObject({ orders: 2, revenue: 5_000, itemsBought: 1, refunds: 1, refundAmount: 0 });
      const dto = await getMemberProfile(ctx, 'm1');
      expect(dto.monetary).toEqual({ amount: 5_000, currency: 'CNY' });
      expect(dto.refundAmount).toEqual({ amount: 0, currency: 'CNY' });
    });

    it('gives refunds per order and the refunded amount', async () => {
      await ingest(ctx, [
        event(ctx, 'order_paid', 'm1', 5),
        event(ctx, 'order_paid', 'm1', 4),
        event(ctx, 'order_paid', 'm1', 3),
        event(ctx, 'order_paid', 'm1', 2),
        event(ctx, 'order_refunded', 'm1', 1, { amount: { amount: 2_500, currency: 'CNY' } }),
      ]);
      const dto = await getMemberProfile(ctx, 'm1');
      expect(dto.refunds).toBe(1);
      expect(dto.refundRate).toBe(0.25);
      expect(dto.refundAmount.amount).toBe(2_500);
      expect(dto.averageOrderValue).toEqual({ amount: 10_000, currency: 'CNY' });
    });

    it('averages ratings over the reviews that carry one', async () => {
      await ingest(ctx, [
        event(ctx, 'review', 'm1', 2, { rating: 5 }),
        event(ctx, 'review', 'm1', 1, { rating: 2 }),
        event(ctx, 'review', 'm1', 0, { rating: undefined, text: 'ok' }),
      ]);
      const dto = await getMemberProfile(ctx, 'm1');
      expect(dto.reviews).toBe(3);
      expect(dto.meanRating).toBe(3.5);
    });

    it('counts channels and device classes', async () => {
      const iphone =
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';
      await ingest(ctx, [
        event(ctx, 'view', 'm1', 1, { context: { channel: 'web', userAgent: iphone } }),
        event(ctx, 'view', 'm1', 1, { context: { channel: 'web', userAgent: iphone } }),
        event(ctx, 'login', 'm1', 0, { context: { channel: 'app', deviceId: 'dev-1' } }),
        event(ctx, 'login', 'm1', 0),
      ]);
      const p = await profileOf(ctx, 'm1');
      expect(p?.channels).toEqual({ web: 2, app: 1 });
      expect(p?.devices).toEqual({ mobile: 2, app: 1 });
    });
  });

  describe('active days', () => {
    it('counts each day and flag once, across batches and out of order', async () => {
      // Day 3: cart then (later batch) order; day 2: cart only; day 1: view only.
      await ingest(ctx, [event(ctx, 'order_paid', 'm1', 3), event(ctx, 'view', 'm1', 1)]);
      await ingest(ctx, [event(ctx, 'cart_add', 'm1', 2), event(ctx, 'cart_add', 'm1', 3)]);
      await ingest(ctx, [event(ctx, 'cart_add', 'm1', 2), event(ctx, 'view', 'm1', 3)]);
      const p = await profileOf(ctx, 'm1');
      expect(p).toMatchObject({ activeDays: 3, cartDays: 2, cartDaysOrdered: 1, orderDays: 1 });
      const today = Math.floor(ctx.clock.now() / DAY);
      expect(await activeDaysOf(ctx, 'm1')).toEqual([
        `m1:${today - 3}:7`,
        `m1:${today - 2}:3`,
        `m1:${today - 1}:1`,
      ]);
      const dto = await getMemberProfile(ctx, 'm1');
      expect(dto.cartAbandonmentRate).toBe(0.5);
      expect(dto.activeDays).toBe(3);
    });

    it('gives the mean interval between order days and the recency of the last order', async () => {
      await ingest(ctx, [
        event(ctx, 'order_paid', 'm1', 20),
        event(ctx, 'order_paid', 'm1', 20),
        event(ctx, 'order_paid', 'm1', 10),
        event(ctx, 'order_paid', 'm1', 4),
      ]);
      const dto = await getMemberProfile(ctx, 'm1');
      expect(dto.frequency).toBe(4);
      expect(dto.orderDays).toBe(3);
      expect(dto.purchaseIntervalDays).toBeCloseTo(8, 9);
      expect(dto.recencyDays).toBe(4);
    });
  });

  describe('affinities', () => {
    it('decays older events by the half-life and rescales on a newer one', async () => {
      // Newest first: an order of sku-2 today (weight 5), then a view of sku-1 30 days ago (1 → ½).
      await ingest(ctx, [event(ctx, 'order_paid', 'm1', 0, { itemId: 'sku-2' })]);
      await ingest(ctx, [event(ctx, 'view', 'm1', 30, { itemId: 'sku-1' })]);
      let p = await profileOf(ctx, 'm1');
      expect(p?.affinityAt).toBe(ctx.clock.now());
      expect(p?.categoryAffinity.数码).toBeCloseTo(5, 12);
      expect(p?.categoryAffinity.服饰).toBeCloseTo(0.5, 12);
      expect(p?.brandAffinity).toEqual({ Zeta: 5, Acme: expect.closeTo(0.5, 12) });
      // 60 days later a cart_add of sku-3 (weight 3, no brand): the older scores fall by 2^-2.
      ctx.clock.advance(60 * DAY);
      await ingest(ctx, [event(ctx, 'cart_add', 'm1', 0, { itemId: 'sku-3' })]);
      p = await profileOf(ctx, 'm1');
      expect(p?.categoryAffinity.数码).toBeCloseTo(1.25, 12);
      expect(p?.categoryAffinity.服饰).toBeCloseTo(0.125, 12);
      expect(p?.categoryAffinity.美妆).toBe(3);
      // Read 30 days later still: everything halves once more, sorted highest first.
      ctx.clock.advance(30 * DAY);
      const dto = await getMemberProfile(ctx, 'm1');
      expect(dto.topCategories.map((c) => c.name)).toEqual(['美妆', '数码', '服饰']);
      expect(dto.topCategories[0]?.score).toBeCloseTo(1.5, 12);
      expect(dto.topBrands).toEqual([
        { name: 'Zeta', score: expect.closeTo(0.625, 12) },
        { name: 'Acme', score: expect.closeTo(0.0625, 12) },
      ]);
    });

    it('places the mean item price in a band of the catalogue’s price quartiles', async () => {
      await ingest(ctx, [
        event(ctx, 'order_paid', 'm1', 1, {
          itemId: 'sku-2',
          price: { amount: 200_000, currency: 'CNY' },
          amount: { amount: 200_000, currency: 'CNY' },
        }),
        event(ctx, 'order_paid', 'm2', 1, {
          itemId: 'sku-3',
          price: { amount: 5_000, currency: 'CNY' },
          amount: { amount: 5_000, currency: 'CNY' },
        }),
      ]);
      expect((await getMemberProfile(ctx, 'm1')).priceBand).toBe('luxury');
      expect((await getMemberProfile(ctx, 'm2')).priceBand).toBe('budget');
      expect((await getMemberProfile(ctx, 'm2')).meanItemPrice).toEqual({ amount: 5_000, currency: 'CNY' });
    });
  });

  describe('reading', () => {
    it('gives a member without events a valid empty profile', async () => {
      const dto = await getMemberProfile(ctx, 'm2');
      expect(dto).toMatchObject({
        memberId: 'm2',
        updatedAt: null,
        recencyDays: null,
        frequency: 0,
        monetary: { amount: 0, currency: 'CNY' },
        averageOrderValue: null,
        cartAbandonmentRate: null,
        refundRate: null,
        meanRating: null,
        topCategories: [],
        priceBand: null,
        tier: { id: 'member' },
        points: { available: 0, pending: 0, lifetimeEarned: 0 },
        value: { status: 'not_scored', reason: 'no_model' },
        segments: [],
      });
    });

    it('lists the segments the member is in', async () => {
      await ingest(ctx, [event(ctx, 'order_paid', 'm1', 1)]);
      const buyers = await createSegment(
        ctx,
        { actorType: 'system', actorId: 'test' },
        { name: 'Buyers', definition: { field: 'profile.orders', op: 'gte', value: 1 } },
      );
      expect((await getMemberProfile(ctx, 'm1')).segments).toEqual([{ id: buyers.id, name: 'Buyers' }]);
      expect((await getMemberProfile(ctx, 'm2')).segments).toEqual([]);
    });

    it('refuses unknown members', async () => {
      await expect(getMemberProfile(ctx, 'nobody')).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
    });

    it('evaluates every profile feature in SQL', async () => {
      await ingest(ctx, [
        event(ctx, 'cart_add', 'm1', 3),
        event(ctx, 'order_paid', 'm1', 3),
        event(ctx, 'order_paid', 'm1', 1),
        event(ctx, 'review', 'm1', 0, { rating: 3 }),
      ]);
      const now = ctx.clock.now();
      const row = await ctx.db
        .selectFrom('memberProfiles as p')
        .select(PROFILE_FEATURES.map((f) => profileFeatureSql(f, now, 'p').as(f.name)))
        .where('p.memberId', '=', 'm1')
        .executeTakeFirstOrThrow();
      const values = Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, v === null ? null : Number(v)]),
      );
      expect(values).toMatchObject({
        orders: 2,
        revenue: 20_000,
        averageOrderValue: 10_000,
        recencyDays: 1,
        purchaseIntervalDays: 2,
        cartAbandonmentRate: 0,
        refundRate: 0,
        meanRating: 3,
        activeDays: 3,
      });
    });
  });

  describe('atomicity', () => {
    it('writes no profile rows when the ingest transaction fails', async () => {
      await expect(
        ctx.db.transaction().execute(async (trx) => {
          await ingestEvents(ctx, [event(ctx, 'order_paid', 'm1', 1)], { db: trx });
          throw new Error('later failure in the same transaction');
        }),
      ).rejects.toThrow('later failure');
      expect(await profileOf(ctx, 'm1')).toBeUndefined();
      expect(await activeDaysOf(ctx)).toEqual([]);
    });

    it('leaves profiles unchanged when a strict batch is refused', async () => {
      const first = event(ctx, 'view', 'm1', 1);
      await ingest(ctx, [first]);
      const before = await profileOf(ctx, 'm1');
      await expect(
        ingest(ctx, [event(ctx, 'order_paid', 'm1', 0), { ...first, itemId: 'sku-2' }]),
      ).rejects.toMatchObject({ status: 409 });
      expect(await profileOf(ctx, 'm1')).toEqual(before);
    });
  });
});
