// Points throughput: POST /v1/members/{id}/points/earn and …/redeem with a fresh Idempotency-Key
// per request, 50 connections (autocannon, in its own process), spread over 1,000 members and on
// 10 hot members (every request waits for the account lock). Each figure is a ratio to
// GET /v1/members/{id} on the same server, taken within each round and then the median of the
// rounds. SQLite always; PostgreSQL too when DATABASE_URL names one (a fresh schema, dropped
// afterwards; BENCH_BACKENDS=sqlite or =postgres runs one). After the load: a burst per phase
// with a quarter of the requests resending recent keys, then `verifyPointsAccounts` and a check
// that every entry the clients were answered with is in the ledger, once, and nothing else is;
// the bench fails when any of that does not hold.
// BENCH_DURATION (seconds per phase and round, default 8) and BENCH_ROUNDS (default 3).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type AppContext, createContext } from '../src/context.ts';
import { earnPoints, verifyPointsAccounts } from '../src/modules/points/index.ts';
import type { LoadArgs, LoadResult } from './lib/points-load.ts';
import { median, report } from './lib/report.ts';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MEMBERS = 1000;
const HOT_MEMBERS = 10;
/** Requests per phase before the measured rounds (JIT, caches, connection pools). */
const WARMUP_REQUESTS = 3000;
/** Every account starts with this many points, so no redeem in the run is short. */
const SEED_POINTS = 1_000_000;
const API_KEY = `bench-points-${randomBytes(12).toString('hex')}`;
const ROOT = join(import.meta.dirname, '..');

interface Backend {
  name: 'sqlite' | 'postgres';
  url: string | null;
}

function backends(): Backend[] {
  const list: Backend[] = [{ name: 'sqlite', url: null }];
  const url = process.env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) list.push({ name: 'postgres', url });
  const only = process.env.BENCH_BACKENDS?.split(',').map((s) => s.trim());
  return only ? list.filter((b) => only.includes(b.name)) : list;
}

/** A Membrain server on a fresh SQLite file or a fresh PostgreSQL schema. */
async function startServer(backend: Backend) {
  const dir = mkdtempSync(join(tmpdir(), 'membrain-points-'));
  const schema = backend.name === 'postgres' ? `bench_${randomBytes(6).toString('hex')}` : undefined;
  const config = loadConfig({
    env: {},
    overrides: {
      databaseUrl: backend.url ?? `sqlite:${join(dir, 'bench.db')}`,
      databaseSchema: schema,
      dataDir: dir,
      masterKey: randomBytes(32).toString('hex'),
      logLevel: 'warn',
      demo: { enabled: false },
      bootstrap: { apiKey: API_KEY },
    },
  });
  const ctx = await createContext(config);
  const app = await buildApp(ctx, { docs: false });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const stop = async () => {
    await app.close();
    await ctx.close();
    if (schema && backend.url) {
      const client = new pg.Client({ connectionString: backend.url });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { ctx, url, stop };
}

/** Runs the load generator in its own process, so it does not share the server's core. */
function load(args: LoadArgs): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/run-ts.mjs'), join(ROOT, 'bench/lib/points-load.ts'), JSON.stringify(args)],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`));
        const result = JSON.parse(stdout.trim().split('\n').pop() as string) as LoadResult;
        if (result.non2xx > 0 || result.errors > 0)
          return reject(
            new Error(
              `${args.op}: ${JSON.stringify(result.statuses)}, ${result.errors} errors\n${result.failures.join('\n')}`,
            ),
          );
        resolve(result);
      },
    );
  });
}

async function seed(ctx: AppContext, url: string, ids: string[]): Promise<void> {
  const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
  for (const [i, id] of ids.entries()) {
    const res = await fetch(`${url}/v1/members`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        id,
        name: `会员${i}`,
        email: `member${i}@example.com`,
        phone: `138${String(i).padStart(8, '0')}`,
        birthday: '1990-05-01',
        address: `上海市徐汇区某路${i}号`,
        region: '上海',
      }),
    });
    if (!res.ok) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
    await earnPoints(ctx, {
      memberId: id,
      points: SEED_POINTS,
      reason: 'bench seed',
      source: { type: 'bench', id: null },
      idempotencyKey: `seed-${id}`,
      expiresAt: ctx.clock.now() + 300 * 86_400_000,
    });
  }
}

interface Phase {
  name: string;
  op: LoadArgs['op'];
  members: string[];
}

type Server = Awaited<ReturnType<typeof startServer>>;

/** The server (its temp folder and PostgreSQL schema) goes away even when a phase fails. */
async function runBackend(backend: Backend) {
  const server = await startServer(backend);
  try {
    return await measure(backend, server);
  } finally {
    await server.stop();
  }
}

async function measure(backend: Backend, server: Server) {
  const ids = Array.from({ length: MEMBERS }, (_, i) => `m-${i}`);
  const hot = ids.slice(0, HOT_MEMBERS);
  let started = performance.now();
  await seed(server.ctx, server.url, ids);
  console.log(
    `[${backend.name}] seeded ${MEMBERS} members in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const phases: Phase[] = [
    { name: 'GET /v1/members/{id} (reference)', op: 'read', members: ids },
    { name: 'earn, 1,000 members', op: 'earn', members: ids },
    { name: 'redeem, 1,000 members', op: 'redeem', members: ids },
    { name: 'earn, 10 hot members', op: 'earn', members: hot },
    { name: 'redeem, 10 hot members', op: 'redeem', members: hot },
  ];
  const runs = new Map<string, LoadResult[]>(phases.map((p) => [p.name, []]));
  const outcomes: LoadResult[] = [];
  // Each phase sends a fixed number of requests (so every answer is accounted for), sized from
  // the previous run of the phase to last about DURATION_S; a short warm-up run sizes the first.
  const rate = new Map<string, number>();
  let tag = 0;
  const run = async (phase: Phase, amount: number) => {
    const result = await load({
      url: server.url,
      apiKey: API_KEY,
      op: phase.op,
      memberIds: phase.members,
      amount,
      tag: `${backend.name}-${tag++}`,
    });
    outcomes.push(result);
    rate.set(phase.name, result.reqPerSec);
    return result;
  };
  for (const phase of phases) await run(phase, WARMUP_REQUESTS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const phase of phases) {
      const amount = Math.max(1000, Math.round((rate.get(phase.name) as number) * DURATION_S));
      const result = await run(phase, amount);
      runs.get(phase.name)?.push(result);
      console.log(
        `[${backend.name}] round ${round + 1} ${phase.name}: ${Math.round(result.reqPerSec)}/s, p50 ${result.p50} ms, p99 ${result.p99} ms`,
      );
    }
  }
  // Retries under load: a quarter of the requests resend one of the last 200 keys.
  for (const phase of phases.slice(1)) {
    const result = await load({
      url: server.url,
      apiKey: API_KEY,
      op: phase.op,
      memberIds: phase.members,
      amount: 2000,
      tag: `${backend.name}-${tag++}`,
      replayShare: 0.25,
    });
    outcomes.push(result);
    console.log(
      `[${backend.name}] retries, ${phase.name}: ${result.requests} requests, ${result.replays} resent keys, ${result.entries} entries`,
    );
  }

  started = performance.now();
  const verification = await verifyPoints(server.ctx, ids, outcomes);
  const verifySeconds = (performance.now() - started) / 1000;
  // Every earn leaves a lot, so each hot member ends with thousands of spendable lots: redeem
  // must not slow down with them (it once read them all; see docs/benchmarks.md).
  const lots = await server.ctx.db
    .selectFrom('pointsLots')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('memberId', 'in', hot)
    .where('remaining', '>', 0)
    .executeTakeFirstOrThrow();

  // The ratio is taken within each round (against that round's reads), then the median.
  const reads = (runs.get(phases[0]?.name as string) as LoadResult[]).map((r) => r.reqPerSec);
  const rows = phases.map((phase, i) => {
    const list = runs.get(phase.name) as LoadResult[];
    const perSec = list.map((r) => (i === 0 ? r.reqPerSec : r.txPerSec));
    return {
      backend: backend.name,
      phase: phase.name,
      perSec: Math.round(median(perSec)),
      p50ms: median(list.map((r) => r.p50)),
      p99ms: median(list.map((r) => r.p99)),
      ratio: Number(median(perSec.map((value, round) => value / (reads[round] as number))).toFixed(3)),
    };
  });
  const perRound = Object.fromEntries(
    phases.map((phase, i) => [
      phase.name,
      (runs.get(phase.name) as LoadResult[]).map((r) => Math.round(i === 0 ? r.reqPerSec : r.txPerSec)),
    ]),
  );
  return {
    rows,
    perRound,
    spendableLotsPerHotMember: Math.round(Number(lots.n) / HOT_MEMBERS),
    verification: { ...verification, verifySeconds: Number(verifySeconds.toFixed(2)) },
  };
}

/**
 * The ledger proves nothing was lost: verifyPointsAccounts finds no account off its ledger and
 * lots, the ledger holds exactly the seed entries plus the distinct entries the clients were
 * answered with, no key was applied twice, and every balance is the seed plus what the clients
 * saw earned minus what they saw redeemed.
 */
async function verifyPoints(ctx: AppContext, ids: string[], outcomes: LoadResult[]) {
  const differences = await verifyPointsAccounts(ctx);
  const ledger = await ctx.db
    .selectFrom('pointsLedger')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const answered = outcomes.reduce((sum, r) => sum + r.entries, 0);
  const doubleApplied = outcomes.reduce((sum, r) => sum + r.doubleApplied, 0);
  const replays = outcomes.reduce((sum, r) => sum + r.replays, 0);
  const net = new Map<string, number>();
  for (const r of outcomes)
    for (const [id, points] of Object.entries(r.net)) net.set(id, (net.get(id) ?? 0) + points);
  const accounts = await ctx.db.selectFrom('pointsAccounts').select(['memberId', 'available']).execute();
  const balanceMismatches = accounts.filter(
    (a) => Number(a.available) !== SEED_POINTS + (net.get(a.memberId) ?? 0),
  ).length;
  const result = {
    accountDifferences: differences.length,
    ledgerEntries: Number(ledger.n),
    expectedEntries: ids.length + answered,
    keysAppliedTwice: doubleApplied,
    resentKeys: replays,
    balanceMismatches,
    accounts: accounts.length,
  };
  const ok =
    result.accountDifferences === 0 &&
    result.ledgerEntries === result.expectedEntries &&
    result.keysAppliedTwice === 0 &&
    result.balanceMismatches === 0 &&
    result.accounts === ids.length;
  console.log(
    ok
      ? `ledger and accounts agree: ${result.ledgerEntries} entries, ${result.accounts} accounts, ${replays} resent keys applied once`
      : `LEDGER CHECK FAILED: ${JSON.stringify({ ...result, firstDifferences: differences.slice(0, 5) })}`,
  );
  if (!ok) process.exitCode = 1;
  return { ...result, ok };
}

const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
const allRows: Record<string, string | number>[] = [];
const checks: Record<string, unknown> = {};
for (const backend of backends()) {
  const { rows, verification, perRound, spendableLotsPerHotMember } = await runBackend(backend);
  allRows.push(...rows);
  checks[backend.name] = { ...verification, perRound, spendableLotsPerHotMember };
}
report('points', allRows, {
  connections: 50,
  durationSeconds: DURATION_S,
  rounds: ROUNDS,
  members: MEMBERS,
  hotMembers: HOT_MEMBERS,
  perSec: 'reference: requests/s; earn and redeem: new ledger entries/s',
  backends: checks,
  // Other work on the machine moves absolute figures; the ratios are what to compare.
  loadAverage: { before: loadBefore, after: loadavg().map((l) => Number(l.toFixed(2))) },
});
if (process.exitCode === 1) throw new Error('the ledger check failed');
