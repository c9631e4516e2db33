import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { createJob, runJob } from '../jobs/index.ts';
import type { ProfileState } from './profiles.fold.ts';
import { profilesRebuildJob } from './profiles.jobs.ts';
import { activeDaysOf, addItems, addMembers, event, ingest, profileOf, rebuild } from './profiles.testing.ts';

const MEMBERS = ['m1', 'm2', 'm3', 'm4', 'm5'];
const TYPES = [
  'view',
  'view',
  'view',
  'search',
  'cart_add',
  'cart_add',
  'favorite',
  'order_paid',
  'order_paid',
];
const MORE_TYPES = ['order_refunded', 'review', 'login', 'share', 'coupon_use', 'signup', 'cart_remove'];
const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0',
  'Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X)',
];

/** Seeded, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

function randomEvents(ctx: TestContext, random: () => number, n: number) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  return Array.from({ length: n }, () => {
    const type = random() < 0.8 ? pick(TYPES) : pick(MORE_TYPES);
    const extra: Record<string, unknown> = { itemId: `sku-${1 + Math.floor(random() * 12)}` };
    if (type === 'order_paid' || type === 'order_refunded') {
      const currency = random() < 0.1 ? 'USD' : 'CNY';
      extra.amount = { amount: 500 + Math.floor(random() * 50_000), currency };
      if (random() < 0.5) {
        extra.quantity = 1 + Math.floor(random() * 3);
        extra.price = { amount: 100 + Math.floor(random() * 9_000), currency };
      }
    }
    if (type === 'review' && random() < 0.3) extra.rating = undefined;
    if (type === 'review' && extra.rating === undefined) extra.text = 'so-so';
    if (type === 'review' && random() < 0.7) extra.rating = 1 + Math.floor(random() * 5);
    if (random() < 0.7) extra.context = { channel: pick(['web', 'app', 'mini']), userAgent: pick(AGENTS) };
    // Up to 400 days back, to the millisecond, so decays are far from round numbers.
    return event(ctx, type, pick(MEMBERS), random() * 400, extra);
  });
}

function shuffle<T>(list: T[], random: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j] as T, list[i] as T];
  }
  return list;
}

function expectSameMap(actual: Record<string, number>, expected: Record<string, number>) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, value] of Object.entries(expected)) {
    expect(Math.abs((actual[key] as number) - value) / Math.max(Math.abs(value), 1e-300)).toBeLessThan(1e-9);
  }
}

/** Field by field; affinity scores within 1e-9 relative. */
function expectSameProfile(actual: ProfileState | undefined, expected: ProfileState | undefined) {
  expect(actual).toBeDefined();
  const { categoryAffinity: ac, brandAffinity: ab, ...a } = actual as ProfileState;
  const { categoryAffinity: ec, brandAffinity: eb, ...e } = expected as ProfileState;
  expect(a).toEqual(e);
  expectSameMap(ac, ec);
  expectSameMap(ab, eb);
}

describe.each(testDatabases())('profile rebuild on $name', (database) => {
  let ctx: TestContext;

  beforeEach(async () => {
    ctx = await createTestContext(database);
    await addMembers(ctx, ...MEMBERS, 'm6');
    await addItems(
      ctx,
      Array.from({ length: 12 }, (_, i) => ({
        id: `sku-${i + 1}`,
        category: `cat-${i % 5}`,
        ...(i % 4 === 3 ? {} : { brand: `brand-${i % 7}` }),
        price: 1_000 * (i + 1),
      })),
    );
  });
  afterEach(async () => {
    await ctx?.close();
  });

  it('rebuilds exactly what shuffled, batched ingestion accumulated', async () => {
    const random = rng(42);
    const events = shuffle(randomEvents(ctx, random, 400), random);
    for (let start = 0; start < events.length; ) {
      const size = 1 + Math.floor(random() * 60);
      await ingest(ctx, events.slice(start, start + size));
      start += size;
    }
    const incremental = await Promise.all(MEMBERS.map((id) => profileOf(ctx, id)));
    const incrementalDays = await activeDaysOf(ctx);
    const result = await rebuild(ctx, 2);
    expect(result).toEqual({ members: 6, profiles: 5, events: 400 });
    for (const [i, id] of MEMBERS.entries()) expectSameProfile(await profileOf(ctx, id), incremental[i]);
    expect(await activeDaysOf(ctx)).toEqual(incrementalDays);
    expect(await profileOf(ctx, 'm6')).toBeUndefined();
  });

  it('replaces what was there, including rows of deleted members, and runs a step twice harmlessly', async () => {
    await ingest(ctx, randomEvents(ctx, rng(7), 80));
    const expected = await Promise.all(MEMBERS.map((id) => profileOf(ctx, id)));
    const days = await activeDaysOf(ctx);
    // Damage: a wrong counter, a stray day, a profile for a member that does not exist.
    await ctx.db.updateTable('memberProfiles').set({ views: 999 }).where('memberId', '=', 'm2').execute();
    await ctx.db.insertInto('memberActiveDays').values({ memberId: 'm3', day: 1, flags: 7 }).execute();
    const ghost = {
      ...(await ctx.db
        .selectFrom('memberProfiles')
        .selectAll()
        .where('memberId', '=', 'm1')
        .executeTakeFirstOrThrow()),
    };
    await ctx.db
      .insertInto('memberProfiles')
      .values({ ...ghost, memberId: 'm1x' })
      .execute();

    const first = await profilesRebuildJob.step(
      ctx,
      { chunkSize: 3 },
      { cursor: null, done: 0, result: profilesRebuildJob.initialResult },
    );
    expect(first.cursor).toBe('m3');
    // The runner died before saving the cursor: the same step runs again.
    const again = await profilesRebuildJob.step(
      ctx,
      { chunkSize: 3 },
      { cursor: null, done: 0, result: profilesRebuildJob.initialResult },
    );
    expect(again.cursor).toBe('m3');
    let state = again;
    while (state.cursor !== null) state = await profilesRebuildJob.step(ctx, { chunkSize: 3 }, state);
    expect(state.done).toBe(6);
    for (const [i, id] of MEMBERS.entries()) expectSameProfile(await profileOf(ctx, id), expected[i]);
    expect(await activeDaysOf(ctx)).toEqual(days);
    expect(await profileOf(ctx, 'm1x')).toBeUndefined();
  });

  it('runs as a job through the job runner', async () => {
    await ingest(ctx, randomEvents(ctx, rng(3), 30));
    const job = await createJob(ctx, 'profiles.rebuild', {}, 'test');
    const done = await runJob(ctx, job.id);
    expect(done?.status).toBe('succeeded');
    expect(done?.progress).toMatchObject({ done: 6, total: 6 });
    expect(done?.result).toMatchObject({ members: 6, events: 30 });
  });
});
