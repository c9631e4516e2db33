// Lifetime value, churn and tier forecast: the `value.train` job (createJob + runJob, as the
// worker and `membrain value train` run it) on seeded demo shops (12 months of behaviour), one
// fresh SQLite file per size. Reports the job's own held-out metrics — churn AUC of the trees
// against the BG/NBD baselines, the tier-forecast backtest — its time and peak RSS, and, as the
// reference in the same run, one plain grouped SQL aggregate over the same orders (purchase days
// and spend per member).
// Training runs in a child process on the generated file, so `peakRssMiB` is the job's own
// (process start-up included).
// `node bin/run-ts.mjs bench/value.bench.ts` (sizes: BENCH_SIZES=2000,20000 by default).

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { type AppContext, createContext } from '../src/context.ts';
import { generateDemoShop } from '../src/demo/index.ts';
import { createJob, type JobDto, runJob } from '../src/modules/jobs/index.ts';
import { ensureDefaultTiers, TIERS_RECALCULATE } from '../src/modules/tiers/index.ts';
import { VALUE_TRAIN } from '../src/modules/value/index.ts';
import { report } from './lib/report.ts';

const SIZES = (process.env.BENCH_SIZES ?? '2000,20000').split(',').map(Number);
const SEED = 42;
const MiB = 2 ** 20;

async function runToEnd(ctx: AppContext, type: string, params: object): Promise<JobDto> {
  const job = await createJob(ctx, type, params, 'bench');
  const ended = (await runJob(ctx, job.id, { force: true })) as JobDto;
  if (ended.status !== 'succeeded') throw new Error(`${type} ${ended.status}: ${ended.error}`);
  return ended;
}

/** The reference: purchase days and spend per member, one grouped query. */
async function aggregate(ctx: AppContext): Promise<number> {
  const rows = await sql<{
    m: string;
  }>`select member_id as m, count(distinct occurred_at / 86400000) as days, sum(amount) as spend
    from events where type in ('order_paid', 'order_refunded') and type = 'order_paid' and currency = 'CNY'
    group by member_id`.execute(ctx.db);
  return rows.rows.length;
}

function contextFor(dir: string, masterKey: string): Promise<AppContext> {
  const config = loadConfig({
    env: {},
    overrides: {
      databaseUrl: `sqlite:${join(dir, 'bench.db')}`,
      dataDir: dir,
      masterKey,
      logLevel: 'error',
      demo: { enabled: false },
    },
  });
  return createContext(config);
}

/** Child process: the reference aggregate and `value.train` over an existing shop; prints JSON. */
async function trainInChild(dir: string, masterKey: string): Promise<void> {
  const ctx = await contextFor(dir, masterKey);
  try {
    const refStart = performance.now();
    const purchasers = await aggregate(ctx);
    const referenceMs = performance.now() - refStart;
    const baselineRssMiB = process.memoryUsage().rss / MiB;
    const started = performance.now();
    const job = await runToEnd(ctx, VALUE_TRAIN, {});
    const trainMs = performance.now() - started;
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(
      JSON.stringify({ purchasers, referenceMs, trainMs, baselineRssMiB, maxRssMiB, result: job.result }),
    );
  } finally {
    await ctx.close();
  }
}

/** Generates the shop here, then trains in a fresh process so its peak RSS is the job's own. */
async function measure(members: number) {
  const dir = mkdtempSync(join(tmpdir(), 'membrain-value-bench-'));
  const masterKey = randomBytes(32).toString('hex');
  try {
    const ctx = await contextFor(dir, masterKey);
    let shop: Awaited<ReturnType<typeof generateDemoShop>>;
    try {
      shop = await generateDemoShop(ctx, { members, seed: SEED, months: 12 });
      await ensureDefaultTiers(ctx);
      await runToEnd(ctx, TIERS_RECALCULATE, {});
    } finally {
      await ctx.close();
    }
    const child = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '..', 'bin', 'run-ts.mjs'), import.meta.filename, '--train', dir, masterKey],
      {
        encoding: 'utf8',
        maxBuffer: 64 * MiB,
      },
    );
    if (child.status !== 0) throw new Error(`training process failed: ${child.stderr}`);
    const out = JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as {
      purchasers: number;
      referenceMs: number;
      trainMs: number;
      baselineRssMiB: number;
      maxRssMiB: number;
      result: { members: number; scored: number; metrics: Metrics };
    };
    return { shop, ...out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Metrics {
  churn: {
    auc: number;
    pAliveAuc: number;
    expectedPurchasesAuc: number;
    churnRate: number;
    bestRound: number;
    members: object;
    topFeatures: object[];
  } | null;
  tierForecast: { accuracy: number; noChangeAccuracy: number; members: number; up: PR; down: PR } | null;
  fit: object;
  timing: object;
}
interface PR {
  precision: number | null;
  recall: number | null;
  predicted: number;
  actual: number;
}

if (process.argv[2] === '--train') {
  await trainInChild(process.argv[3] as string, process.argv[4] as string);
  process.exit(0);
}

const r3 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : Number(v.toFixed(3)));
const rows: Record<string, string | number>[] = [];
const details: Record<string, unknown> = {};
for (const members of SIZES) {
  console.error(`demo shop of ${members} members …`);
  const m = await measure(members);
  const c = m.result.metrics.churn;
  const t = m.result.metrics.tierForecast;
  rows.push({
    members,
    events: m.shop.events,
    purchasers: m.purchasers,
    scored: m.result.scored,
    trainSeconds: Number((m.trainMs / 1000).toFixed(2)),
    referenceMs: Number(m.referenceMs.toFixed(0)),
    timesReference: Number((m.trainMs / m.referenceMs).toFixed(0)),
    rssAtStartMiB: Math.round(m.baselineRssMiB),
    peakRssMiB: Math.round(m.maxRssMiB),
    churnAuc: r3(c?.auc),
    pAliveAuc: r3(c?.pAliveAuc),
    expPurchasesAuc: r3(c?.expectedPurchasesAuc),
    churnRate: r3(c?.churnRate),
    tierAccuracy: r3(t?.accuracy),
    noChangeAccuracy: r3(t?.noChangeAccuracy),
    upPrecision: r3(t?.up.precision),
    upRecall: r3(t?.up.recall),
    downPrecision: r3(t?.down.precision),
    downRecall: r3(t?.down.recall),
  });
  details[String(members)] = { metrics: m.result.metrics, eventsByType: m.shop.eventsByType };
  console.error(JSON.stringify(m.result.metrics.timing));
}
report('value', rows, { database: 'sqlite (file, WAL)', seed: SEED, months: 12, horizonDays: 90, details });
