import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppError } from '../../errors.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { ensureDefaultTiers } from '../tiers/index.ts';
import { archiveSegment, countSegmentDefinition, createSegment, updateSegment } from './index.ts';
import {
  addClusterRun,
  addEvent,
  addItem,
  addMember,
  addProfile,
  addScores,
  DAY,
  memoryMembers,
  sqlMembers,
} from './segments.testing.ts';

const actor = { actorType: 'operator', actorId: 'op_test' };
const ALL = ['a', 'b', 'c', 'd', 'e'];

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a failure');
}

describe.each(testDatabases())('segment definitions on $name', (database) => {
  let ctx: TestContext;

  beforeEach(async () => {
    ctx = await createTestContext(database);
    await ensureDefaultTiers(ctx);
    const now = ctx.clock.now();
    // a: loyal big spender; b: one cheap order long ago; c: profile without orders; d: no profile.
    await addMember(ctx, 'a', {
      region: 'Beijing',
      gender: 'female',
      channel: 'app',
      registeredAt: now - 400 * DAY,
    });
    await addMember(ctx, 'b', {
      region: 'Shanghai',
      gender: 'male',
      channel: 'web',
      registeredAt: now - 30 * DAY,
    });
    await addMember(ctx, 'c', { region: 'Beijing', gender: 'other' });
    await addMember(ctx, 'd');
    await addMember(ctx, 'e', { region: 'Beijing', deletedAt: now - DAY });
    await addProfile(ctx, 'a', {
      orders: 10,
      revenue: 100_000,
      refunds: 1,
      ratings: 2,
      ratingSum: 9,
      cartDays: 4,
      cartDaysOrdered: 3,
      activeDays: 40,
      lastOrderAt: now - 5 * DAY,
      categoryAffinity: JSON.stringify({ 手机数码: 3.5, 服饰: 1.2 }),
    });
    await addProfile(ctx, 'b', {
      orders: 1,
      revenue: 999,
      lastOrderAt: now - 200 * DAY - 1,
      categoryAffinity: JSON.stringify({ 服饰: 0.3 }),
    });
    await addProfile(ctx, 'c', { activeDays: 2 });
    await addProfile(ctx, 'e', { orders: 50, revenue: 1_000_000 });
    await addScores(ctx, 'a', { clv: 50_000, pAlive: 0.9, churnRisk: 0.1, tierMove: 1 });
    await addScores(ctx, 'b', { clv: 100, pAlive: 0.2, churnRisk: 0.8, tierMove: -1 });
  });
  afterEach(async () => {
    await ctx?.close();
  });

  /** Both evaluations, which must agree; returns the members. */
  async function members(definition: unknown): Promise<string[]> {
    const bySql = await sqlMembers(ctx, definition);
    expect(await memoryMembers(ctx, definition, ALL)).toEqual(bySql);
    return bySql;
  }

  describe('field leaves', () => {
    it('compares numbers with every operator, and a member without a profile fails all but ne and notIn', async () => {
      const orders = (op: string, value?: unknown) => members({ field: 'profile.orders', op, value });
      expect(await orders('eq', 1)).toEqual(['b']);
      expect(await orders('ne', 1)).toEqual(['a', 'c', 'd']);
      expect(await orders('gt', 1)).toEqual(['a']);
      expect(await orders('gte', 1)).toEqual(['a', 'b']);
      expect(await orders('lt', 10)).toEqual(['b', 'c']);
      expect(await orders('lte', 10)).toEqual(['a', 'b', 'c']);
      expect(await orders('between', [1, 5])).toEqual(['b']);
      expect(await orders('in', [0, 10])).toEqual(['a', 'c']);
      expect(await orders('notIn', [0, 10])).toEqual(['b', 'd']);
      expect(await orders('exists')).toEqual(['a', 'b', 'c']);
      expect(await orders('notExists')).toEqual(['d']);
    });

    it('derives average order value, recency, rates and mean rating, absent when undefined', async () => {
      expect(await members({ field: 'profile.averageOrderValue', op: 'eq', value: 10_000 })).toEqual(['a']);
      expect(await members({ field: 'profile.averageOrderValue', op: 'notExists' })).toEqual(['c', 'd']);
      expect(await members({ field: 'profile.recencyDays', op: 'eq', value: 5 })).toEqual(['a']);
      // 200 days and 1 ms ago is 200 whole days.
      expect(await members({ field: 'profile.recencyDays', op: 'gte', value: 200 })).toEqual(['b']);
      expect(await members({ field: 'profile.recencyDays', op: 'gt', value: 200 })).toEqual([]);
      expect(await members({ field: 'profile.refundRate', op: 'eq', value: 0.1 })).toEqual(['a']);
      expect(await members({ field: 'profile.cartAbandonmentRate', op: 'eq', value: 0.25 })).toEqual(['a']);
      expect(await members({ field: 'profile.meanRating', op: 'gte', value: 4.5 })).toEqual(['a']);
      expect(await members({ field: 'profile.activeDays', op: 'between', value: [1, 10] })).toEqual(['c']);
    });

    it('finds the favourite category from the affinity scores', async () => {
      expect(await members({ field: 'profile.topCategory', op: 'eq', value: '手机数码' })).toEqual(['a']);
      expect(await members({ field: 'profile.topCategory', op: 'in', value: ['服饰', '家居'] })).toEqual([
        'b',
      ]);
      expect(await members({ field: 'profile.topCategory', op: 'notExists' })).toEqual(['c', 'd']);
    });

    it('reads value scores, treating a null churn risk as absent', async () => {
      expect(await members({ field: 'value.churnRisk', op: 'gt', value: 0.5 })).toEqual(['b']);
      expect(await members({ field: 'value.clv', op: 'gte', value: 100 })).toEqual(['a', 'b']);
      expect(await members({ field: 'value.pAlive', op: 'lt', value: 0.5 })).toEqual(['b']);
      expect(await members({ field: 'value.tierMove', op: 'eq', value: -1 })).toEqual(['b']);
      expect(await members({ field: 'value.expectedSpend', op: 'exists' })).toEqual(['a', 'b']);
    });

    it('reads member columns, registration age, points (0 without an account) and the tier in force', async () => {
      expect(await members({ field: 'member.region', op: 'eq', value: 'Beijing' })).toEqual(['a', 'c']);
      expect(await members({ field: 'member.region', op: 'ne', value: 'Beijing' })).toEqual(['b', 'd']);
      expect(await members({ field: 'member.gender', op: 'in', value: ['female', 'other'] })).toEqual([
        'a',
        'c',
      ]);
      expect(await members({ field: 'member.channel', op: 'notExists' })).toEqual(['c', 'd']);
      expect(await members({ field: 'member.registeredDays', op: 'gte', value: 365 })).toEqual(['a']);
      expect(await members({ field: 'points.available', op: 'eq', value: 0 })).toEqual(ALL.slice(0, 4));
      await ctx.db
        .insertInto('pointsAccounts')
        .values({
          memberId: 'a',
          available: 500,
          pending: 0,
          lifetimeEarned: 800,
          lifetimeRedeemed: 300,
          debt: 0,
          tierPoints: 0,
          version: 1,
          updatedAt: 0,
        })
        .execute();
      expect(await members({ field: 'points.lifetimeEarned', op: 'gt', value: 700 })).toEqual(['a']);
      // Members never evaluated are on the entry tier; an active override wins.
      expect(await members({ field: 'tier', op: 'eq', value: 'member' })).toEqual(ALL.slice(0, 4));
      await ctx.db
        .insertInto('memberTiers')
        .values({
          memberId: 'b',
          tierId: 'silver',
          since: 0,
          validUntil: null,
          metricValue: 0,
          overrideTierId: 'gold',
          overrideUntil: ctx.clock.now() + DAY,
          overrideReason: 'test',
          belowRetainSince: null,
          evaluatedAt: 0,
          version: 1,
        })
        .execute();
      expect(await members({ field: 'tier', op: 'eq', value: 'gold' })).toEqual(['b']);
      ctx.clock.advance(2 * DAY);
      expect(await members({ field: 'tier', op: 'eq', value: 'silver' })).toEqual(['b']);
    });

    it('treats a value like an injection as a plain value', async () => {
      const value = "'); drop table members; --";
      expect(await members({ field: 'member.region', op: 'eq', value })).toEqual([]);
      expect(await members({ event: { type: 'order_paid', category: value, brand: `${value}"` } })).toEqual(
        [],
      );
      expect(await members({ field: 'member.region', op: 'in', value: [value, 'Shanghai'] })).toEqual(['b']);
      const rows = await ctx.db.selectFrom('members').select('id').execute();
      expect(rows).toHaveLength(5);
    });
  });

  describe('event leaves', () => {
    beforeEach(async () => {
      const now = ctx.clock.now();
      await addItem(ctx, 'phone', '手机数码 > 手机', 'Novaphone');
      await addItem(ctx, 'case', '手机数码 > 配件 > 手机壳', 'Orbit');
      await addEvent(ctx, 'a', 'order_paid', { itemId: 'phone', amount: 300_000, at: now - 10 * DAY });
      await addEvent(ctx, 'a', 'order_paid', { itemId: 'phone', amount: 200_000, at: now - 80 * DAY });
      await addEvent(ctx, 'a', 'order_paid', { itemId: 'case', amount: 5_000, at: now - 100 * DAY });
      await addEvent(ctx, 'b', 'order_paid', {
        itemId: 'phone',
        amount: 9_900,
        currency: 'USD',
        at: now - 2 * DAY,
      });
      await addEvent(ctx, 'b', 'view', { itemId: 'nowhere', at: now - DAY });
      await addEvent(ctx, 'e', 'order_paid', { itemId: 'phone', amount: 1, at: now - DAY });
    });

    it('counts events in a category at any level of its path within a window that moves with the clock', async () => {
      const twice = {
        event: { type: 'order_paid', category: '手机', withinDays: 90 },
        count: { op: 'gte', value: 2 },
      };
      expect(await members(twice)).toEqual(['a']);
      expect(
        await members({
          event: { type: 'order_paid', category: '手机数码', withinDays: 120 },
          count: { op: 'eq', value: 3 },
        }),
      ).toEqual(['a']);
      ctx.clock.advance(11 * DAY);
      expect(await members(twice)).toEqual([]);
    });

    it('defaults to at least one event, and counts zero events for lt and eq 0', async () => {
      expect(await members({ event: { type: 'view' } })).toEqual(['b']);
      expect(await members({ event: { type: 'view' }, count: { op: 'eq', value: 0 } })).toEqual([
        'a',
        'c',
        'd',
      ]);
      expect(await members({ event: { type: 'view', category: '手机' } })).toEqual([]);
      expect(await members({ event: { type: 'order_paid', itemId: 'case' } })).toEqual(['a']);
      expect(
        await members({ event: { type: 'order_paid', brand: 'Novaphone' }, count: { op: 'gt', value: 1 } }),
      ).toEqual(['a']);
    });

    it('sums amounts in the programme currency only, and a from/to window is half-open', async () => {
      const spent = (value: number) => ({
        event: { type: 'order_paid', withinDays: 365 },
        amount: { op: 'gte', value },
      });
      expect(await members(spent(500_000))).toEqual(['a']);
      expect(await members(spent(1))).toEqual(['a']);
      expect(await members({ event: { type: 'order_paid' }, amount: { op: 'lt', value: 100 } })).toEqual([
        'b',
        'c',
        'd',
      ]);
      const now = ctx.clock.now();
      const window = (from: number, to: number) => ({
        event: { type: 'order_paid', from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      });
      expect(await members(window(now - 10 * DAY, now))).toEqual(['a', 'b']);
      expect(await members(window(now - 9 * DAY, now - 2 * DAY))).toEqual([]);
    });
  });

  describe('trees, references and clusters', () => {
    it('nests all, any and not to any depth allowed', async () => {
      const definition = {
        all: [
          {
            any: [
              { field: 'member.region', op: 'eq', value: 'Beijing' },
              { field: 'value.churnRisk', op: 'gt', value: 0.5 },
            ],
          },
          {
            not: {
              all: [
                { field: 'profile.orders', op: 'eq', value: 0 },
                { not: { field: 'member.channel', op: 'exists' } },
              ],
            },
          },
        ],
      };
      expect(await members(definition)).toEqual(['a', 'b']);
    });

    it('inlines referenced segments recursively and refuses cycles', async () => {
      const buyers = await createSegment(ctx, actor, {
        name: 'Buyers',
        definition: { field: 'profile.orders', op: 'gte', value: 1 },
      });
      const beijingBuyers = await createSegment(ctx, actor, {
        name: 'Beijing buyers',
        definition: { all: [{ segment: buyers.id }, { field: 'member.region', op: 'eq', value: 'Beijing' }] },
      });
      expect(beijingBuyers.size).toBe(1);
      expect(await members({ not: { segment: beijingBuyers.id } })).toEqual(['b', 'c', 'd']);
      const cycle = await failure(
        updateSegment(ctx, actor, buyers.id, {
          name: 'Buyers',
          version: 1,
          definition: { any: [{ segment: beijingBuyers.id }] },
        }),
      );
      expect(cycle.code).toBe('SEGMENT_CYCLE');
      expect(cycle.status).toBe(422);
      const self = await failure(
        updateSegment(ctx, actor, buyers.id, {
          name: 'Buyers',
          version: 1,
          definition: { segment: buyers.id },
        }),
      );
      expect(self.code).toBe('SEGMENT_CYCLE');
      const inUse = await failure(archiveSegment(ctx, actor, buyers.id));
      expect(inUse.code).toBe('SEGMENT_IN_USE');
    });

    it('selects a cluster of a run', async () => {
      const runId = 'clu_01JAAAAAAAAAAAAAAAAAAAAAAA';
      await addClusterRun(ctx, runId, { a: 0, b: 1, c: 1, e: 1 });
      expect(await members({ cluster: { runId, index: 1 } })).toEqual(['b', 'c']);
      expect(await members({ not: { cluster: { runId, index: 1 } } })).toEqual(['a', 'd']);
    });

    it('never includes deleted members', async () => {
      expect(await countSegmentDefinition(ctx, { field: 'profile.orders', op: 'gte', value: 50 })).toBe(0);
    });
  });

  describe('validation', () => {
    it('lists every problem with its path', async () => {
      const error = await failure(
        countSegmentDefinition(ctx, {
          all: [
            { field: 'profile.nope', op: 'eq', value: 1 },
            { field: 'profile.orders', op: 'eq', value: 'ten' },
            { field: 'member.region', op: 'gt', value: 'A' },
            { field: 'member.gender', op: 'eq', value: 'robot' },
            { any: [] },
            { event: { type: 'teleport', withinDays: 0 }, count: { op: 'gte', value: 1.5 } },
            { segment: 'seg_01JAAAAAAAAAAAAAAAAAAAAAAA' },
            { field: 'profile.orders', op: 'between', value: [5, 1] },
            { field: 'profile.orders', op: 'exists', value: 3 },
          ],
        }),
      );
      expect(error.code).toBe('SEGMENT_DEFINITION_INVALID');
      expect(error.status).toBe(400);
      const paths = error.details?.map((d) => d.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'definition.all.0.field',
          'definition.all.1.value',
          'definition.all.2.op',
          'definition.all.3.value',
          'definition.all.4.any',
          'definition.all.5.event.type',
          'definition.all.5.event.withinDays',
          'definition.all.5.count.value',
          'definition.all.7.value',
          'definition.all.8.value',
        ]),
      );
      // The unknown segment id is reported once the tree is well-formed.
      const unknown = await failure(
        countSegmentDefinition(ctx, { segment: 'seg_01JAAAAAAAAAAAAAAAAAAAAAAA' }),
      );
      expect(unknown.details).toEqual([
        { path: 'definition.segment', message: 'unknown segment seg_01JAAAAAAAAAAAAAAAAAAAAAAA' },
      ]);
    });

    it('limits depth to 8 and leaves to 100', async () => {
      let deep: unknown = { field: 'profile.orders', op: 'exists' };
      for (let i = 0; i < 8; i++) deep = { not: deep };
      expect((await failure(countSegmentDefinition(ctx, deep))).details?.[0]?.message).toMatch(
        /at most 8 levels/,
      );
      const wide = { any: Array.from({ length: 101 }, () => ({ field: 'profile.orders', op: 'exists' })) };
      expect((await failure(countSegmentDefinition(ctx, wide))).details?.[0]?.message).toMatch(/at most 100/);
    });
  });
});
