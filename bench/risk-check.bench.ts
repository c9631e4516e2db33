// Risk decision latency in process and throughput over HTTP.
//
// In process: `checkRisk` for orders from 5,000 members, each with their own device, IP, card and
// address, except one check in ten from a pool of 50 shared devices and IPs (a farm), so the
// velocity store holds realistic key counts and decisions are mostly allow; with the default
// order scenario: features (velocity observe on 9 keys, member and profile read), scenario, lists,
// and the stored decision (one insert; a review also opens a case). p50/p99 over 20,000 checks
// after 5,000 warm-up ones, SQLite file, memory velocity store.
// Over HTTP: POST /v1/risk/check under autocannon (50 connections, in its own process) as a ratio
// to a bare Fastify route returning a constant, measured in the same run. Every request carries
// the same body (autocannon sends one), so the member's own keys are hot: the worst case for the
// per-key logs.
// Usage: node bin/run-ts.mjs bench/risk-check.bench.ts
import { upsertMember } from '../src/modules/members/index.ts';
import { checkRisk } from '../src/modules/risk/index.ts';
import { DURATION_S, type LoadRun, load } from './lib/autocannon.ts';
import { median, report } from './lib/report.ts';
import { BENCH_API_KEY, startBareServer, startBenchServer } from './lib/server.ts';

const MEMBERS = 5_000;
const WARMUP = 5_000;
const CHECKS = 20_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const membrain = await startBenchServer();
const bare = await startBareServer();
const { ctx } = membrain;
await ctx.db.transaction().execute(async (trx) => {
  for (let m = 0; m < MEMBERS; m++)
    await upsertMember(
      ctx,
      trx,
      { id: `m-${m}`, registeredAt: new Date(ctx.clock.now() - (m % 400) * 86_400_000).toISOString() },
      { actorType: 'system', actorId: 'bench' },
    );
});

// A small deterministic generator: the same checks every run.
let state = 42;
const next = (n: number) => {
  state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
  return state % n;
};
const orderCheck = () => {
  const m = next(MEMBERS);
  const shared = next(10) === 0;
  return {
    action: 'order' as const,
    memberId: `m-${m}`,
    amount: { amount: 1_000 + next(100_000), currency: 'CNY' },
    context: shared
      ? {
          deviceId: `dev-farm-${next(50)}`,
          ip: `10.200.0.${next(50)}`,
          paymentFingerprint: `pay-${m}`,
          country: 'CN',
        }
      : {
          deviceId: `dev-${m}`,
          ip: `10.${m >> 8}.${m & 255}.1`,
          paymentFingerprint: `pay-${m}`,
          shippingAddress: `${m} Nanjing Road, Shanghai`,
          country: 'CN',
        },
  };
};

for (let i = 0; i < WARMUP; i++) await checkRisk(ctx, orderCheck());
const micros = new Float64Array(CHECKS);
const decisions = { allow: 0, review: 0, block: 0 };
for (let i = 0; i < CHECKS; i++) {
  const input = orderCheck();
  const start = process.hrtime.bigint();
  const result = await checkRisk(ctx, input);
  micros[i] = Number(process.hrtime.bigint() - start) / 1_000;
  decisions[result.decision]++;
}
micros.sort();
const quantile = (q: number) =>
  Number((micros[Math.min(CHECKS - 1, Math.floor(q * CHECKS))] as number).toFixed(0));

const body = orderCheck();
const bareRuns: LoadRun[] = [];
const checkRuns: LoadRun[] = [];
for (let round = 0; round < ROUNDS; round++) {
  bareRuns.push(await load(`${bare.url}/constant`));
  checkRuns.push(
    await load(`${membrain.url}/v1/risk/check`, { authorization: `Bearer ${BENCH_API_KEY}` }, { body }),
  );
}
const bareRps = median(bareRuns.map((r) => r.rps));
const checkRps = median(checkRuns.map((r) => r.rps));
report(
  'risk-check',
  [
    { what: 'checkRisk in process, p50 µs', value: quantile(0.5) },
    { what: 'checkRisk in process, p99 µs', value: quantile(0.99) },
    { what: 'checkRisk in process, max µs', value: quantile(1) },
    { what: 'bare Fastify constant, req/s', value: Math.round(bareRps) },
    { what: 'POST /v1/risk/check, req/s', value: Math.round(checkRps) },
    { what: 'POST /v1/risk/check, p99 ms', value: median(checkRuns.map((r) => r.p99)) },
    { what: 'ratio to bare', value: Number((checkRps / bareRps).toFixed(3)) },
  ],
  { members: MEMBERS, checks: CHECKS, decisions, rounds: ROUNDS, durationSeconds: DURATION_S },
);
console.log('decisions over the timed checks:', decisions);
await membrain.stop();
await bare.app.close();
