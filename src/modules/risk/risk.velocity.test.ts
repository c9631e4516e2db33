import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  VELOCITY_WINDOW_ORDER,
  VELOCITY_WINDOWS,
  type VelocityObservation,
  type VelocityStats,
  type VelocityStore,
} from './risk.velocity.ts';
import { createMemoryVelocityStore } from './risk.velocity-memory.ts';
import { createRedisVelocityStore } from './risk.velocity-redis.ts';
import { deterministicSteps, ReferenceVelocityStore } from './risk.velocity-reference.testing.ts';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const REDIS_URL = process.env.MEMBRAIN_TEST_REDIS_URL;

interface Backend {
  name: string;
  /** A store with its own empty key space. */
  create(options?: { retentionMs?: number; maxEventsPerKey?: number }): VelocityStore;
  /** How many entries the last created store holds for `key`, where the backend can tell. */
  entryCount(key: string): Promise<number | null>;
  propertyRuns: number;
}

const memoryBackend: Backend = {
  name: 'memory',
  create: (options) => createMemoryVelocityStore(options),
  entryCount: async () => null,
  propertyRuns: 300,
};

// One client and one random prefix per run; every store gets its own sub-prefix, deleted afterwards.
let redis: Redis | undefined;
const runPrefix = `membrain:test:velocity:${randomBytes(6).toString('hex')}:`;
let storeCount = 0;
const redisBackend: Backend = {
  name: 'redis',
  create: (options) => {
    if (!redis) throw new Error('Redis client not connected');
    storeCount += 1;
    return createRedisVelocityStore(redis, { ...options, prefix: `${runPrefix}${storeCount}:` });
  },
  entryCount: async (key) => (redis as Redis).zcard(`${runPrefix}${storeCount}:{${key}}:e`),
  propertyRuns: 60,
};

const backends = [memoryBackend];
if (REDIS_URL) backends.push(redisBackend);
else
  console.warn(
    'risk.velocity.test: MEMBRAIN_TEST_REDIS_URL is not set, so the Redis store tests are skipped',
  );

beforeAll(() => {
  if (REDIS_URL) redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  if (!redis) return;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${runPrefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
});

/** The stats of one observation, in a call of its own. */
async function observeOne(
  store: VelocityStore,
  observation: VelocityObservation,
  at: number,
): Promise<VelocityStats> {
  const [stats] = await store.observe([observation], at);
  return stats as VelocityStats;
}

async function peekOne(
  store: VelocityStore,
  observation: VelocityObservation,
  at: number,
): Promise<VelocityStats> {
  const [stats] = await store.peek([observation], at);
  return stats as VelocityStats;
}

const counts = (stats: VelocityStats) => VELOCITY_WINDOW_ORDER.map((w) => stats[w].count);

describe.each(backends)('the $name velocity store', (backend) => {
  describe('happy path', () => {
    it('counts a first observation once in every window and knows when the key was first seen', async () => {
      const stats = await observeOne(backend.create(), { key: 'member:1', amount: 500, value: 'd1' }, T0);
      for (const window of VELOCITY_WINDOW_ORDER)
        expect(stats[window]).toEqual({ count: 1, sum: 500, distinct: 1 });
      expect(stats.valueSeenBefore).toBe(false);
      expect(stats.firstSeenAt).toBe(T0);
    });

    it('sums amounts per window, counting a missing amount as 0', async () => {
      const store = backend.create();
      await observeOne(store, { key: 'k', amount: 1000 }, T0);
      await observeOne(store, { key: 'k', amount: 250 }, T0 + 2 * HOUR);
      await observeOne(store, { key: 'k' }, T0 + 2 * HOUR + 30 * MINUTE);
      const stats = await observeOne(store, { key: 'k', amount: 7 }, T0 + 2 * HOUR + 30 * MINUTE + 30_000);
      expect(stats['1m']).toMatchObject({ count: 2, sum: 7 });
      expect(stats['1h']).toMatchObject({ count: 3, sum: 257 });
      expect(stats['24h']).toMatchObject({ count: 4, sum: 1257 });
    });

    it('counts each value once per window, in the windows its latest occurrence falls in', async () => {
      const store = backend.create();
      await observeOne(store, { key: 'device:x', value: 'm1' }, T0);
      await observeOne(store, { key: 'device:x', value: 'm2' }, T0 + 30 * MINUTE);
      await observeOne(store, { key: 'device:x', value: 'm1' }, T0 + 59 * MINUTE + 30_000);
      const stats = await observeOne(store, { key: 'device:x' }, T0 + HOUR);
      expect(stats['1m']).toEqual({ count: 2, sum: 0, distinct: 1 });
      expect(stats['1h']).toEqual({ count: 3, sum: 0, distinct: 2 });
      expect(stats['24h']).toEqual({ count: 4, sum: 0, distinct: 2 });
    });

    it('says whether the value was seen on the key before', async () => {
      const store = backend.create();
      expect((await observeOne(store, { key: 'member:1:devices', value: 'd1' }, T0)).valueSeenBefore).toBe(
        false,
      );
      expect(
        (await observeOne(store, { key: 'member:1:devices', value: 'd2' }, T0 + DAY)).valueSeenBefore,
      ).toBe(false);
      expect(
        (await observeOne(store, { key: 'member:1:devices', value: 'd1' }, T0 + 2 * DAY)).valueSeenBefore,
      ).toBe(true);
      expect((await observeOne(store, { key: 'member:1:devices' }, T0 + 2 * DAY)).valueSeenBefore).toBe(
        false,
      );
      expect(
        (await peekOne(store, { key: 'member:1:devices', value: 'd2' }, T0 + 3 * DAY)).valueSeenBefore,
      ).toBe(true);
    });

    it('records several keys in one call and answers in the order asked', async () => {
      const store = backend.create();
      await observeOne(store, { key: 'ip:a', amount: 1 }, T0);
      const stats = await store.observe(
        [
          { key: 'ip:a', amount: 10 },
          { key: 'ip:b', amount: 20, value: 'm' },
          { key: 'ip:a', amount: 100 },
        ],
        T0 + 1000,
      );
      expect(stats.map((s) => s['1m'])).toEqual([
        { count: 2, sum: 11, distinct: 0 },
        { count: 1, sum: 20, distinct: 1 },
        { count: 3, sum: 111, distinct: 0 },
      ]);
      expect(await store.observe([], T0)).toEqual([]);
    });

    it('peeks without recording', async () => {
      const store = backend.create();
      await observeOne(store, { key: 'k', amount: 5, value: 'v' }, T0);
      const peeked = await peekOne(store, { key: 'k', amount: 1000, value: 'w' }, T0 + 1000);
      expect(peeked['1m']).toEqual({ count: 1, sum: 5, distinct: 1 });
      expect(peeked.valueSeenBefore).toBe(false);
      await peekOne(store, { key: 'k', value: 'w' }, T0 + 2000);
      const observed = await observeOne(store, { key: 'k', value: 'w' }, T0 + 3000);
      expect(observed['1m']).toEqual({ count: 2, sum: 5, distinct: 2 });
      expect(observed.valueSeenBefore).toBe(false);
      const unknown = await peekOne(store, { key: 'never-seen', value: 'v' }, T0);
      expect(counts(unknown)).toEqual([0, 0, 0, 0]);
      expect(unknown).toMatchObject({ valueSeenBefore: false, firstSeenAt: null });
    });
  });

  describe('edges and exit conditions', () => {
    it.each(VELOCITY_WINDOW_ORDER)(
      'leaves out of the %s window an observation exactly one window ago',
      async (window) => {
        const store = backend.create({ retentionMs: 30 * DAY });
        await observeOne(store, { key: 'k', amount: 3, value: 'v' }, T0);
        const length = VELOCITY_WINDOWS[window];
        const inside = await peekOne(store, { key: 'k' }, T0 + length - 1);
        const edge = await peekOne(store, { key: 'k' }, T0 + length);
        expect(inside[window]).toEqual({ count: 1, sum: 3, distinct: 1 });
        expect(edge[window]).toEqual({ count: 0, sum: 0, distinct: 0 });
        for (const larger of VELOCITY_WINDOW_ORDER.filter((w) => VELOCITY_WINDOWS[w] > length)) {
          expect(edge[larger].count).toBe(1);
        }
      },
    );

    it('answers a late (out-of-order) observation as of its own time', async () => {
      const store = backend.create();
      await observeOne(store, { key: 'k', amount: 100, value: 'later' }, T0 + 10 * MINUTE);
      const late = await observeOne(store, { key: 'k', amount: 1, value: 'later' }, T0);
      expect(late['1m']).toEqual({ count: 1, sum: 1, distinct: 1 });
      expect(late['1h']).toEqual({ count: 1, sum: 1, distinct: 1 });
      expect(late.valueSeenBefore).toBe(false);
      expect(late.firstSeenAt).toBe(T0);
      const next = await observeOne(store, { key: 'k', amount: 10, value: 'later' }, T0 + 10 * MINUTE + 1);
      expect(next['1m']).toEqual({ count: 2, sum: 110, distinct: 1 });
      expect(next['1h']).toEqual({ count: 3, sum: 111, distinct: 1 });
      expect(next.valueSeenBefore).toBe(true);
    });

    it('remembers values for the retention, longer than the longest window, then forgets them', async () => {
      const store = backend.create({ retentionMs: 30 * DAY });
      await observeOne(store, { key: 'member:1:devices', value: 'old-phone' }, T0);
      const twentyDays = await observeOne(store, { key: 'member:1:devices', value: 'laptop' }, T0 + 20 * DAY);
      expect(twentyDays['7d'].count).toBe(1);
      expect(twentyDays.firstSeenAt).toBe(T0);
      const back = await observeOne(store, { key: 'member:1:devices', value: 'old-phone' }, T0 + 29 * DAY);
      expect(back.valueSeenBefore).toBe(true);
      const forgotten = await observeOne(store, { key: 'member:1:devices', value: 'tablet' }, T0 + 50 * DAY);
      expect(forgotten.firstSeenAt).toBe(T0 + 29 * DAY);
      expect(forgotten.valueSeenBefore).toBe(false);
      const gone = await peekOne(store, { key: 'member:1:devices', value: 'laptop' }, T0 + 50 * DAY);
      expect(gone.valueSeenBefore).toBe(false);
    });

    it('prunes by the retention counted back from the key latest observation, exactly at the edge', async () => {
      const store = backend.create();
      await observeOne(store, { key: 'k', value: 'v' }, T0);
      const atEdge = await observeOne(store, { key: 'k' }, T0 + 7 * DAY);
      expect(atEdge.firstSeenAt).toBe(T0 + 7 * DAY);
      expect(counts(atEdge)).toEqual([1, 1, 1, 1]);
      // Pruned for good: a late peek as of an earlier time no longer sees it.
      const late = await peekOne(store, { key: 'k', value: 'v' }, T0 + 1);
      expect(late).toMatchObject({ valueSeenBefore: false, firstSeenAt: null });
    });

    it('does not keep an observation already past retention', async () => {
      const store = backend.create();
      await observeOne(store, { key: 'k' }, T0 + 8 * DAY);
      const ancient = await observeOne(store, { key: 'k', value: 'v' }, T0);
      expect(counts(ancient)).toEqual([0, 0, 0, 0]);
      expect(ancient.firstSeenAt).toBeNull();
      expect((await peekOne(store, { key: 'k' }, T0 + 8 * DAY))['1m'].count).toBe(1);
    });
  });

  describe('bounds', () => {
    it('merges an abusive key into buckets: bounded, totals exact, edges only overcount, same answers as memory', async () => {
      const options = { maxEventsPerKey: 64 };
      const store = backend.create(options);
      const memory = createMemoryVelocityStore(options);
      const reference = new ReferenceVelocityStore();
      const recorded: { time: number; amount: number }[] = [];
      let at = T0;
      for (const [i, step] of deterministicSteps(11, 1200, 400_000).entries()) {
        at += step;
        const observation = { key: 'ip', amount: i % 97, value: `m${i % 40}` };
        const [stats] = await store.observe([observation], at);
        expect(stats).toEqual((await memory.observe([observation], at))[0]);
        expect(stats?.valueSeenBefore).toBe(reference.observe([observation], at)[0]?.valueSeenBefore);
        recorded.push({ time: at, amount: observation.amount });
      }
      expect(await backend.entryCount('ip')).toSatisfy((n: number | null) => n === null || n <= 64);
      const final = await peekOne(store, { key: 'ip' }, at);
      const since = (lower: number) => recorded.filter((r) => r.time > lower && r.time > at - 7 * DAY);
      for (const window of VELOCITY_WINDOW_ORDER) {
        const exact = since(at - VELOCITY_WINDOWS[window]);
        expect(final[window].count).toBeGreaterThanOrEqual(exact.length);
        expect(final[window].count).toBeLessThanOrEqual(since(at - VELOCITY_WINDOWS[window] - DAY).length);
        expect(final[window].sum).toBeGreaterThanOrEqual(exact.reduce((total, r) => total + r.amount, 0));
      }
      expect(final['1m']).toEqual(reference.peek([{ key: 'ip' }], at)[0]?.['1m']);
    });

    it('keeps the count and sum of a flood of distinct values exact', async () => {
      const store = backend.create({ maxEventsPerKey: 64 });
      for (let i = 0; i < 2000; i += 100) {
        const flood = Array.from({ length: 100 }, (_, j) => ({
          key: 'ip',
          amount: 2,
          value: `member-${i + j}`,
        }));
        await store.observe(flood, T0 + i);
      }
      expect(await backend.entryCount('ip')).toSatisfy((n: number | null) => n === null || n <= 64);
      const stats = await peekOne(store, { key: 'ip' }, T0 + 2000);
      expect(stats['1m']).toMatchObject({ count: 2000, sum: 4000 });
      expect(stats.firstSeenAt).toBe(T0);
    });
  });

  describe('errors', () => {
    it('refuses a retention shorter than the longest window and a non-integer time', async () => {
      expect(() => backend.create({ retentionMs: 6 * DAY })).toThrow(RangeError);
      await expect(backend.create().observe([{ key: 'k' }], 1.5)).rejects.toThrow(RangeError);
      await expect(backend.create().observe([{ key: 'k', amount: Number.NaN }], T0)).rejects.toThrow(
        RangeError,
      );
    });
  });

  describe('properties', () => {
    it('agrees with a brute-force reference over random sequences of calls', async () => {
      const observation = fc.record(
        {
          key: fc.constantFrom('a', 'b', 'c'),
          amount: fc.integer({ min: -50, max: 1000 }),
          // Few values that repeat, and many that do not (so value tables are collected and renumbered).
          value: fc.oneof(
            fc.constantFrom('x', 'y', 'z', 'a:b', ''),
            fc.integer({ min: 0, max: 60 }).map((n) => `v${n}`),
          ),
        },
        { requiredKeys: ['key'] },
      );
      // Steps that land on window edges (±1 ms), plus small, large and backward (late) steps.
      const edge = fc
        .tuple(fc.constantFrom(...Object.values(VELOCITY_WINDOWS), 8 * DAY), fc.integer({ min: -1, max: 1 }))
        .map(([length, nudge]) => length + nudge);
      const step = fc.oneof(
        fc.integer({ min: 0, max: 2000 }),
        edge,
        fc.integer({ min: -2 * HOUR, max: 0 }),
        fc.integer({ min: 0, max: 3 * DAY }),
      );
      const call = fc.record({
        step,
        peek: fc.boolean(),
        observations: fc.array(observation, { minLength: 1, maxLength: 3 }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(call, { minLength: 1, maxLength: 60 }),
          fc.boolean(),
          async (calls, longRetention) => {
            const retentionMs = longRetention ? 9 * DAY : undefined;
            const store = backend.create({ retentionMs });
            const reference = new ReferenceVelocityStore(retentionMs);
            let at = T0;
            for (const c of calls) {
              at += c.step;
              const actual = c.peek
                ? await store.peek(c.observations, at)
                : await store.observe(c.observations, at);
              const expected = c.peek
                ? reference.peek(c.observations, at)
                : reference.observe(c.observations, at);
              expect(actual).toEqual(expected);
            }
          },
        ),
        { numRuns: backend.propertyRuns, seed: 20261204 },
      );
    });
  });
});
