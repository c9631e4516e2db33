// Velocity store latency: µs per observe call of 4 keys (member, device, IP, payment fingerprint),
// the shape of one risk check, for the memory store and (when a Redis URL is given) the Redis store.
// Keys are warmed with a week of simulated traffic first, so walks cover realistic histories; a
// "hot IP" row sends every call through one IP key held at its maxEventsPerKey bound (the worst case:
// each call walks up to 1024 entries).
//   nice -n 10 npx tsx bench/risk-velocity.bench.ts
//   MEMBRAIN_TEST_REDIS_URL=redis://127.0.0.1:6379 nice -n 10 npx tsx bench/risk-velocity.bench.ts
// Timings on a shared 2-core VM are noisy; read p50 as the typical cost and p99 as an upper hint.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { VelocityObservation, VelocityStore } from '../src/modules/risk/risk.velocity.ts';
import { createMemoryVelocityStore } from '../src/modules/risk/risk.velocity-memory.ts';
import { createRedisVelocityStore } from '../src/modules/risk/risk.velocity-redis.ts';
import { report } from './lib/report.ts';

const MEMBERS = 50_000;
const IPS = 20_000;
const CARDS = 40_000;
const WEEK_MS = 7 * 86_400_000;
const WARM_CALLS = Number(process.env.BENCH_WARM_CALLS ?? 200_000);
const MEMORY_CALLS = Number(process.env.BENCH_CALLS ?? 100_000);
const REDIS_CALLS = Number(process.env.BENCH_REDIS_CALLS ?? 5_000);
const REDIS_URL = process.env.MEMBRAIN_TEST_REDIS_URL;
const T0 = Date.UTC(2026, 0, 1);

/** Deterministic traffic: call n is an order by some member, from their device, IP and card. */
function checkFor(n: number, hotIp: boolean): VelocityObservation[] {
  const member = (n * 2_654_435_761) % MEMBERS;
  const ip = hotIp ? 'ip:hot' : `ip:${(member * 7919) % IPS}`;
  const amount = 1000 + ((n * 37) % 50_000);
  return [
    { key: `member:${member}:order`, amount, value: `dev-${member % 45_000}` },
    { key: `device:dev-${member % 45_000}`, value: `m${member}` },
    { key: ip, amount, value: `m${member}` },
    { key: `card:${member % CARDS}`, amount, value: `m${member}` },
  ];
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

/** Warms the store with a week of traffic, then times `calls` sequential observe calls (µs each). */
async function measure(store: VelocityStore, calls: number, hotIp: boolean, warmCalls: number) {
  const warmStep = Math.floor(WEEK_MS / warmCalls);
  const batch: Promise<unknown>[] = [];
  for (let n = 0; n < warmCalls; n++) {
    batch.push(store.observe(checkFor(n, hotIp), T0 + n * warmStep));
    if (batch.length === 200) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  const start = T0 + warmCalls * warmStep;
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const check = checkFor(warmCalls + i, hotIp);
    const began = process.hrtime.bigint();
    await store.observe(check, start + i * 50);
    times[i] = Number(process.hrtime.bigint() - began) / 1000;
  }
  times.sort();
  return {
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    mean: times.reduce((a, b) => a + b, 0) / calls,
  };
}

const rows: Record<string, string | number>[] = [];
const row = (store: string, traffic: string, calls: number, r: { p50: number; p99: number; mean: number }) =>
  rows.push({
    store,
    traffic,
    calls,
    'p50 µs': +r.p50.toFixed(1),
    'p99 µs': +r.p99.toFixed(1),
    'mean µs': +r.mean.toFixed(1),
  });

row(
  'memory',
  'uniform',
  MEMORY_CALLS,
  await measure(createMemoryVelocityStore(), MEMORY_CALLS, false, WARM_CALLS),
);
row(
  'memory',
  'hot IP',
  MEMORY_CALLS,
  await measure(createMemoryVelocityStore(), MEMORY_CALLS, true, WARM_CALLS),
);

if (REDIS_URL) {
  const redis = new Redis(REDIS_URL);
  const prefix = `membrain:bench:velocity:${randomBytes(6).toString('hex')}:`;
  // A shorter warm-up (each call is a round trip); the hot IP still reaches its 1024-entry bound.
  const warm = Math.min(WARM_CALLS, 20_000);
  try {
    const uniform = createRedisVelocityStore(redis, { prefix: `${prefix}u:` });
    row('redis', 'uniform', REDIS_CALLS, await measure(uniform, REDIS_CALLS, false, warm));
    const hot = createRedisVelocityStore(redis, { prefix: `${prefix}h:` });
    row('redis', 'hot IP', REDIS_CALLS, await measure(hot, REDIS_CALLS, true, warm));
  } finally {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
} else {
  console.log(
    'Redis rows skipped: set MEMBRAIN_TEST_REDIS_URL=redis://127.0.0.1:6379 to measure the Redis store',
  );
}

report('risk-velocity', rows, { warmCalls: WARM_CALLS, keysPerCall: 4 });
