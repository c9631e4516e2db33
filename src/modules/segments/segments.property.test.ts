import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { ensureDefaultTiers } from '../tiers/index.ts';
import { opsOf, SEGMENT_FIELDS } from './segments.fields.ts';
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

// SQL membership must equal in-memory evaluation for every member, for random definitions over
// a random population that hits the awkward cases: no profile, null churn risk, tied category
// scores, other currencies, events at window edges, deleted members, tier overrides.

const RUN_ID = 'clu_01JBBBBBBBBBBBBBBBBBBBBBBB';
const REGIONS = ['Beijing', 'Shanghai', '上海', "'; drop table members; --"];
const CHANNELS = ['app', 'web'];
const CATEGORIES = ['手机数码', '服饰', 'Home'];
const TIERS = ['member', 'silver', 'gold', 'platinum'];
const EVENT_TYPES = ['order_paid', 'view', 'cart_add'] as const;
const ITEMS: [string, string, string | null][] = [
  ['i1', '手机数码 > 手机', 'Novaphone'],
  ['i2', '手机数码 > 配件 > 充电器', null],
  ['i3', '服饰 > 女装', 'Lumi'],
];
const COUNTS = [0, 1, 2, 3, 5, 10];
const MONEY = [0, 500, 999, 1000, 5000, 20000];
const RATIOS = [0, 0.1, 0.25, 0.5, 1];
const DAYS = [0, 1, 7, 30, 90, 365];

/** Seeded xorshift: the population is the same on every run and database. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return { next, pick, chance: (p: number) => next() < p };
}

async function buildPopulation(ctx: TestContext, size: number, seed: number): Promise<string[]> {
  const r = rng(seed);
  const now = ctx.clock.now();
  for (const [id, path, brand] of ITEMS) await addItem(ctx, id, path, brand);
  const ids: string[] = [];
  const clusters: Record<string, number> = {};
  for (let i = 0; i < size; i++) {
    const id = `m${String(i).padStart(2, '0')}`;
    ids.push(id);
    await addMember(ctx, id, {
      ...(r.chance(0.8) ? { region: r.pick(REGIONS) } : {}),
      ...(r.chance(0.8) ? { gender: r.pick(['female', 'male', 'other', 'unknown']) } : {}),
      ...(r.chance(0.7) ? { channel: r.pick(CHANNELS) } : {}),
      registeredAt: now - r.pick(DAYS) * DAY - (r.chance(0.5) ? 1 : 0),
      ...(r.chance(0.08) ? { deletedAt: now - DAY } : {}),
    });
    if (r.chance(0.75)) await addRandomProfile(ctx, id, r, now);
    if (r.chance(0.6))
      await addScores(ctx, id, {
        clv: r.pick(MONEY),
        expectedSpend: r.pick(MONEY),
        pAlive: r.pick(RATIOS),
        churnRisk: r.chance(0.3) ? null : r.pick(RATIOS),
        tierMove: r.pick([-1, 0, 1]),
      });
    if (r.chance(0.5)) await addPoints(ctx, id, r.pick(MONEY), r.pick(MONEY));
    if (r.chance(0.5)) await addTier(ctx, id, r, now);
    for (let e = Math.floor(r.next() * 6); e > 0; e--) {
      const type = r.pick(EVENT_TYPES);
      await addEvent(ctx, id, type, {
        at: now - r.pick(DAYS) * DAY + (r.chance(0.3) ? 1 : 0),
        ...(r.chance(0.8) ? { itemId: r.pick([...ITEMS.map((item) => item[0]), 'unknown-item']) } : {}),
        ...(type === 'order_paid' ? { amount: r.pick(MONEY), currency: r.chance(0.8) ? 'CNY' : 'USD' } : {}),
      });
    }
    if (r.chance(0.8)) clusters[id] = Math.floor(r.next() * 3);
  }
  await addClusterRun(ctx, RUN_ID, clusters);
  return ids;
}

async function addRandomProfile(ctx: TestContext, id: string, r: ReturnType<typeof rng>, now: number) {
  const orders = r.pick(COUNTS);
  const cartDays = r.pick(COUNTS);
  const ratings = r.pick([0, 1, 2, 3]);
  const affinity = Object.fromEntries(
    CATEGORIES.filter(() => r.chance(0.5)).map((c) => [c, r.pick([0.5, 1, 2])]),
  );
  await addProfile(ctx, id, {
    orders,
    revenue: orders === 0 ? 0 : r.pick(MONEY) * orders + r.pick([0, 1, 2]),
    refunds: Math.min(orders, r.pick(COUNTS)),
    cartDays,
    cartDaysOrdered: Math.floor(cartDays * r.pick(RATIOS)),
    ratings,
    ratingSum: ratings * r.pick([1, 3, 4, 5]) - (ratings > 1 ? 1 : 0),
    activeDays: r.pick(COUNTS),
    reviews: r.pick(COUNTS),
    lastOrderAt: orders === 0 ? null : now - r.pick(DAYS) * DAY - (r.chance(0.5) ? 1 : 0),
    categoryAffinity: JSON.stringify(affinity),
  });
}

async function addPoints(ctx: TestContext, memberId: string, available: number, lifetimeEarned: number) {
  await ctx.db
    .insertInto('pointsAccounts')
    .values({
      memberId,
      available,
      pending: 0,
      lifetimeEarned,
      lifetimeRedeemed: 0,
      debt: 0,
      tierPoints: 0,
      version: 1,
      updatedAt: 0,
    })
    .execute();
}

async function addTier(ctx: TestContext, memberId: string, r: ReturnType<typeof rng>, now: number) {
  const override = r.chance(0.4);
  await ctx.db
    .insertInto('memberTiers')
    .values({
      memberId,
      tierId: r.pick(TIERS),
      since: 0,
      validUntil: null,
      metricValue: 0,
      overrideTierId: override ? r.pick(TIERS) : null,
      overrideUntil: override && r.chance(0.5) ? now + r.pick([-DAY, DAY]) : null,
      overrideReason: override ? 'test' : null,
      belowRetainSince: null,
      evaluatedAt: 0,
      version: 1,
    })
    .execute();
}

/** Operand candidates per field, from the same value sets the population uses, so equality hits. */
function operand(field: string): fc.Arbitrary<unknown> {
  const spec = SEGMENT_FIELDS.find((s) => s.field === field);
  if (field === 'tier') return fc.constantFrom(...TIERS);
  if (field === 'member.region') return fc.constantFrom(...REGIONS);
  if (field === 'member.channel') return fc.constantFrom(...CHANNELS);
  if (field === 'profile.topCategory' || field === 'profile.topBrand') return fc.constantFrom(...CATEGORIES);
  if (spec?.values) return fc.constantFrom(...spec.values);
  if (field === 'value.tierMove') return fc.constantFrom(-1, 0, 1);
  if (spec?.unit === 'ratio' || field === 'profile.meanRating') return fc.constantFrom(...RATIOS, 2.5, 4);
  if (spec?.unit === 'money' || spec?.unit === 'points') return fc.constantFrom(...MONEY);
  if (spec?.unit === 'days') return fc.constantFrom(...DAYS);
  return fc.constantFrom(...COUNTS);
}

const fieldLeaf = fc.constantFrom(...SEGMENT_FIELDS).chain((spec) =>
  fc.constantFrom(...opsOf(spec)).chain((op): fc.Arbitrary<unknown> => {
    const value = operand(spec.field);
    if (op === 'exists' || op === 'notExists') return fc.constant({ field: spec.field, op });
    if (op === 'in' || op === 'notIn')
      return fc
        .array(value, { minLength: 1, maxLength: 3 })
        .map((v) => ({ field: spec.field, op, value: v }));
    if (op === 'between')
      return fc.tuple(value, value).map(([a, b]) => ({
        field: spec.field,
        op,
        value: (a as number) <= (b as number) ? [a, b] : [b, a],
      }));
    return value.map((v) => ({ field: spec.field, op, value: v }));
  }),
);

const comparison = (values: number[]) =>
  fc.record({ op: fc.constantFrom('gte', 'lte', 'eq', 'gt', 'lt'), value: fc.constantFrom(...values) });

const eventLeaf = fc.record(
  {
    event: fc.record(
      {
        type: fc.constantFrom(...EVENT_TYPES),
        category: fc.constantFrom('手机', '手机数码', '服饰', '配件'),
        brand: fc.constantFrom('Novaphone', 'Lumi'),
        itemId: fc.constantFrom('i1', 'i2', 'unknown-item'),
        withinDays: fc.constantFrom(1, 7, 30, 90),
      },
      { requiredKeys: ['type'] },
    ),
    count: comparison([0, 1, 2, 3]),
    amount: comparison(MONEY),
  },
  { requiredKeys: ['event'] },
);

const clusterLeaf = fc.integer({ min: 0, max: 2 }).map((index) => ({ cluster: { runId: RUN_ID, index } }));

const definition = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 4, depthSize: 'small', withCrossShrink: true },
    fieldLeaf,
    eventLeaf,
    clusterLeaf,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie('node').map((not) => ({ not })),
  ),
})).node;

describe.each(testDatabases())('SQL and in-memory membership agree on $name', (database) => {
  let ctx: TestContext;
  let ids: string[];

  beforeAll(async () => {
    ctx = await createTestContext(database);
    await ensureDefaultTiers(ctx);
    ids = await buildPopulation(ctx, 24, 7);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('gives the same members for random definitions, member by member', async () => {
    await fc.assert(
      fc.asyncProperty(definition, async (tree) => {
        expect(await memoryMembers(ctx, tree, ids)).toEqual(await sqlMembers(ctx, tree));
      }),
      { numRuns: database.name === 'postgres' ? 20 : 50, seed: 20261204 },
    );
  });

  it('finds members in and out of typical definitions (the population is not degenerate)', async () => {
    const sizes = await Promise.all(
      [
        { field: 'profile.orders', op: 'gte', value: 1 },
        { event: { type: 'order_paid', withinDays: 90 } },
        { field: 'profile.topCategory', op: 'eq', value: '手机数码' },
        { cluster: { runId: RUN_ID, index: 1 } },
      ].map(async (d) => (await sqlMembers(ctx, d)).length),
    );
    for (const size of sizes) {
      expect(size).toBeGreaterThan(0);
      expect(size).toBeLessThan(ids.length);
    }
  });
});
