// Clustering benchmarks. (a) src/ml/kmeans alone on synthetic Gaussian blobs (100,000 × 14, k = 6):
// time per Lloyd iteration and in total, against references run in the same process on the same
// matrix from the same initial centroids — a plain textbook loop over number[][] and, when Debian's
// python3-sklearn is importable (BENCH_PYTHON, default /usr/bin/python3), scikit-learn's KMeans
// (algorithm 'lloyd', one thread) — with inertia, label and silhouette agreement.
// (b) the `clusters.run` job on a large shop: BENCH_MEMBERS (default 1,000,000) member_profiles rows
// (and member_scores for buyers) written by SQL into a fresh SQLite file, then the job run to its
// end (k chosen by silhouette on the default 5,000-member sample); time per phase and peak RSS.
// (c) the same job on bench/lib/million-shop.ts (BENCH_SHOP_MEMBERS, default 1,000,000: generated
// events, member_profiles from the profiles.rebuild job; built once under data/bench/ and reused).
// Usage: node bin/run-ts.mjs bench/clusters.bench.ts   (BENCH_PART=a, b or c runs one part;
// BENCH_RUNS, default 5, timed Lloyd runs per implementation in (a), median reported)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/context.ts';
import { shuffledIndices } from '../src/ml/gbdt/prng.ts';
import {
  columnStats,
  createRng,
  fitKMeans,
  gaussianBlobs,
  lloyd,
  type Matrix,
  seedPlusPlus,
  silhouetteScore,
  takeRows,
} from '../src/ml/kmeans/index.ts';
import { insertProfiles, insertScores, type ScoreInput } from '../src/modules/clusters/clusters.testing.ts';
import { CLUSTERS_RUN, getLatestClusterRun } from '../src/modules/clusters/index.ts';
import { createJob, runJob } from '../src/modules/jobs/index.ts';
import { ensureMillionShop } from './lib/million-shop.ts';
import { median, report } from './lib/report.ts';

const PART = process.env.BENCH_PART ?? 'abc';
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const SHOP_MEMBERS = Number(process.env.BENCH_SHOP_MEMBERS ?? 1_000_000);
const N = 100_000;
const D = 14;
const K = 6;
const SILHOUETTE_ROWS = 5000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** The textbook version: number[][] rows, a fresh array per centroid update, no typed arrays. */
function naiveLloyd(rows: number[][], initial: number[][], maxIterations: number, tolerance: number) {
  let centroids = initial.map((c) => [...c]);
  let iterations = 0;
  const labels = new Array<number>(rows.length).fill(0);
  while (iterations < maxIterations) {
    rows.forEach((row, i) => {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      centroids.forEach((c, k) => {
        const d = row.reduce((s, v, j) => s + (v - (c[j] as number)) ** 2, 0);
        if (d < bestD) [bestD, best] = [d, k];
      });
      labels[i] = best;
    });
    const next = centroids.map(() => new Array<number>(rows[0]?.length ?? 0).fill(0));
    const counts = new Array<number>(centroids.length).fill(0);
    rows.forEach((row, i) => {
      const l = labels[i] as number;
      counts[l] = (counts[l] as number) + 1;
      row.forEach((v, j) => {
        (next[l] as number[])[j] = ((next[l] as number[])[j] as number) + v;
      });
    });
    next.forEach((c, k) => {
      for (let j = 0; j < c.length; j++) c[j] = (c[j] as number) / Math.max(1, counts[k] as number);
    });
    const shift = next.reduce(
      (s, c, k) => s + c.reduce((t, v, j) => t + (v - ((centroids[k] as number[])[j] as number)) ** 2, 0),
      0,
    );
    centroids = next;
    iterations++;
    if (shift <= tolerance) break;
  }
  return { iterations, centroids };
}

const SKLEARN = `
import json, sys, time
import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
x_path, n, d, k, init_path, subset_path, runs = sys.argv[1:8]
n, d, k = int(n), int(d), int(k)
x = np.fromfile(x_path, dtype='<f8').reshape(n, d)
init = np.fromfile(init_path, dtype='<f8').reshape(k, d)
subset = np.fromfile(subset_path, dtype='<i4')
out = {}
with threadpool_limits(limits=1):
    times = []
    for _ in range(int(runs)):
        t = time.perf_counter()
        fixed = KMeans(n_clusters=k, init=init, n_init=1, algorithm='lloyd', max_iter=300, tol=1e-4).fit(x)
        times.append(time.perf_counter() - t)
    out['fixedSeconds'] = float(np.median(times))
    out['fixedIterations'] = int(fixed.n_iter_)
    out['fixedInertia'] = float(fixed.inertia_)
    out['labels'] = fixed.labels_.tolist()
    t = time.perf_counter()
    full = KMeans(n_clusters=k, init='k-means++', n_init=4, algorithm='lloyd', max_iter=300, tol=1e-4, random_state=1).fit(x)
    out['fullSeconds'] = time.perf_counter() - t
    out['fullInertia'] = float(full.inertia_)
    t = time.perf_counter()
    out['silhouette'] = float(silhouette_score(x[subset], fixed.labels_[subset]))
    out['silhouetteSeconds'] = time.perf_counter() - t
print(json.dumps(out))
`;

interface SklearnResult {
  fixedSeconds: number;
  fixedIterations: number;
  fixedInertia: number;
  labels: number[];
  fullSeconds: number;
  fullInertia: number;
  silhouette: number;
  silhouetteSeconds: number;
}

function runSklearn(x: Matrix, init: Float64Array, subset: Uint32Array): SklearnResult | null {
  const dir = mkdtempSync(join(tmpdir(), 'kmeans-bench-'));
  try {
    writeFileSync(join(dir, 'x.f64'), Buffer.from(x.data.buffer));
    writeFileSync(join(dir, 'init.f64'), Buffer.from(init.buffer));
    writeFileSync(join(dir, 'subset.i32'), Buffer.from(Int32Array.from(subset).buffer));
    const args = [
      '-c',
      SKLEARN,
      join(dir, 'x.f64'),
      String(x.rows),
      String(x.cols),
      String(K),
      join(dir, 'init.f64'),
      join(dir, 'subset.i32'),
      String(RUNS),
    ];
    const out = spawnSync(PYTHON, args, {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    if (out.status !== 0) {
      console.log(`scikit-learn not run: ${out.stderr.trim().split('\n').pop() ?? out.error?.message}`);
      return null;
    }
    return JSON.parse(out.stdout) as SklearnResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function partA(): void {
  const { x } = gaussianBlobs(N, D, K, { sd: 2, spread: 4, seed: 7 });
  const { stds } = columnStats(x);
  const tolerance = (1e-4 * Array.from(stds).reduce((s, v) => s + v * v, 0)) / D;
  const init = seedPlusPlus(x, K, createRng(1));
  // Warm the JIT on a small fit first, so the timed runs measure compiled code (Python's is compiled too).
  fitKMeans(gaussianBlobs(5000, D, K, { seed: 1 }).x, { k: K, restarts: 2 });
  const rows = Array.from({ length: N }, (_, i) => Array.from(x.data.subarray(i * D, (i + 1) * D)));
  const initRows = Array.from({ length: K }, (_, c) => Array.from(init.subarray(c * D, (c + 1) * D)));
  // Interleaved repeats, median reported: the machine is shared, so single timings are noisy.
  const oursTimes: number[] = [];
  const naiveTimes: number[] = [];
  let ours = lloyd(x, Float64Array.from(init), K, 300, tolerance);
  let naive = naiveLloyd(rows, initRows, 300, tolerance);
  for (let r = 0; r < RUNS; r++) {
    let t0 = performance.now();
    ours = lloyd(x, Float64Array.from(init), K, 300, tolerance);
    oursTimes.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    naive = naiveLloyd(rows, initRows, 300, tolerance);
    naiveTimes.push((performance.now() - t0) / 1000);
  }
  const oursSeconds = median(oursTimes);
  const naiveSeconds = median(naiveTimes);
  let t = performance.now();
  const full = fitKMeans(x, { k: K, seed: 1, restarts: 4 });
  const fullSeconds = (performance.now() - t) / 1000;
  const subset = shuffledIndices(N, createRng(11)).subarray(0, SILHOUETTE_ROWS);
  t = performance.now();
  const silhouette = silhouetteScore(
    takeRows(x, subset),
    Int32Array.from(subset, (i) => ours.labels[i] as number),
    K,
  );
  const silhouetteSeconds = (performance.now() - t) / 1000;
  const sk = runSklearn(x, init, subset);
  const agree = sk ? sk.labels.filter((l, i) => l === ours.labels[i]).length / N : null;
  const rowsOut: Record<string, string | number>[] = [
    {
      implementation: 'src/ml/kmeans lloyd (fixed init)',
      iterations: ours.iterations,
      seconds: +oursSeconds.toFixed(3),
      msPerIteration: +((oursSeconds * 1000) / ours.iterations).toFixed(2),
      inertia: +ours.inertia.toFixed(1),
    },
    {
      implementation: 'naive number[][] lloyd (fixed init)',
      iterations: naive.iterations,
      seconds: +naiveSeconds.toFixed(3),
      msPerIteration: +((naiveSeconds * 1000) / naive.iterations).toFixed(2),
      inertia: '',
    },
    {
      implementation: 'src/ml/kmeans fit (k-means++, 4 restarts)',
      iterations: full.iterations,
      seconds: +fullSeconds.toFixed(3),
      msPerIteration: '',
      inertia: +full.inertia.toFixed(1),
    },
    {
      implementation: `src/ml/kmeans silhouette (${SILHOUETTE_ROWS} rows)`,
      iterations: '',
      seconds: +silhouetteSeconds.toFixed(3),
      msPerIteration: '',
      inertia: `s = ${silhouette.toFixed(6)}`,
    },
  ];
  if (sk)
    rowsOut.push(
      {
        implementation: 'scikit-learn lloyd (fixed init, 1 thread)',
        iterations: sk.fixedIterations,
        seconds: +sk.fixedSeconds.toFixed(3),
        msPerIteration: +((sk.fixedSeconds * 1000) / sk.fixedIterations).toFixed(2),
        inertia: +sk.fixedInertia.toFixed(1),
      },
      {
        implementation: 'scikit-learn fit (k-means++, n_init 4)',
        iterations: '',
        seconds: +sk.fullSeconds.toFixed(3),
        msPerIteration: '',
        inertia: +sk.fullInertia.toFixed(1),
      },
      {
        implementation: `scikit-learn silhouette_score (${SILHOUETTE_ROWS} rows)`,
        iterations: '',
        seconds: +sk.silhouetteSeconds.toFixed(3),
        msPerIteration: '',
        inertia: `s = ${sk.silhouette.toFixed(6)}`,
      },
    );
  report('clusters-kmeans', rowsOut, {
    data: { rows: N, cols: D, k: K, blobs: { sd: 2, spread: 4, seed: 7 } },
    agreement: sk
      ? {
          labelsSame: agree,
          inertiaRelativeDiff: Math.abs(ours.inertia - sk.fixedInertia) / sk.fixedInertia,
          silhouetteDiff: Math.abs(silhouette - sk.silhouette),
          fullInertiaRatio: full.inertia / sk.fullInertia,
        }
      : null,
  });
}

const DAY = 86_400_000;

/** Five personas mixed 10/20/25/15/30 %, jittered; buyers get scores. Inserted in chunks. */
async function fillShop(db: Parameters<typeof insertProfiles>[0], now: number): Promise<void> {
  const rng = createRng(2026);
  const j = (x: number) => Math.max(0, Math.round(x * (0.6 + 0.8 * rng())));
  const CHUNK = 20_000;
  for (let start = 0; start < MEMBERS; start += CHUNK) {
    const profiles: Parameters<typeof insertProfiles>[2] = [];
    const scores: ScoreInput[] = [];
    for (let i = start; i < Math.min(MEMBERS, start + CHUNK); i++) {
      const memberId = `m${String(i).padStart(7, '0')}`;
      const r = rng();
      const persona = r < 0.1 ? 0 : r < 0.3 ? 1 : r < 0.55 ? 2 : r < 0.7 ? 3 : 4;
      const orders = [j(20), j(5), 0, j(2), 0][persona] as number;
      const events = [j(300), j(80), j(120), j(25), j(4)][persona] as number;
      profiles.push({
        memberId,
        events: Math.max(1, events),
        views: Math.round(events * [0.4, 0.5, 0.93, 0.5, 0.7][persona]!),
        orders,
        orderDays: orders,
        revenue: orders * j([60_000, 25_000, 0, 15_000, 0][persona] as number),
        activeDays: j([60, 20, 25, 5, 2][persona] as number),
        reviews: persona === 0 ? j(5) : 0,
        ratings: persona === 0 ? 3 : 0,
        ratingSum: persona === 0 ? 13 : 0,
        refunds: persona === 3 && rng() < 0.3 ? 1 : 0,
        cartDays: j([20, 6, 8, 2, 0][persona] as number),
        cartDaysOrdered: j([16, 4, 0, 1, 0][persona] as number),
        firstOrderAt: orders ? now - j(400) * DAY - DAY : null,
        lastOrderAt: orders ? now - j([8, 40, 0, 350, 0][persona] as number) * DAY : null,
      });
      if (orders)
        scores.push({
          memberId,
          clv: j([400_000, 60_000, 0, 3_000, 0][persona] as number),
          pAlive: [0.95, 0.7, 0, 0.15, 0][persona]! * (0.8 + 0.2 * rng()),
          churnRisk: [0.1, 0.35, 0, 0.85, 0][persona]!,
        });
    }
    await db.transaction().execute(async (trx) => {
      await insertProfiles(trx, now, profiles);
      await insertScores(trx, now, scores);
    });
  }
}

function benchConfig(path: string) {
  return loadConfig({
    env: {},
    overrides: {
      databaseUrl: `sqlite:${path}`,
      masterKey: '5a'.repeat(32),
      logLevel: 'warn',
      demo: { enabled: false },
    },
  });
}

/** Runs the job on the shop at `path`; this process does nothing else, so its peak RSS is the job's. */
async function runJobOnly(path: string): Promise<void> {
  const ctx = await createContext(benchConfig(path));
  try {
    // Earlier runs on a reused shop file would only make the tables bigger.
    await ctx.db.deleteFrom('memberClusters').execute();
    await ctx.db.deleteFrom('clusterRuns').execute();
    const job = await createJob(ctx, CLUSTERS_RUN, {}, null);
    const t = performance.now();
    let fitSeconds = 0;
    const ended = await runJob(ctx, job.id, {
      onProgress: () => {
        if (fitSeconds === 0) fitSeconds = (performance.now() - t) / 1000;
      },
    });
    const totalSeconds = (performance.now() - t) / 1000;
    if (ended?.status !== 'succeeded') throw new Error(`job ${ended?.status}: ${ended?.error}`);
    const run = await getLatestClusterRun(ctx);
    console.log(JSON.stringify({ fitSeconds, totalSeconds, peakRssMiB: rss(), run }));
  } finally {
    await ctx.close();
  }
}

type RunDto = Awaited<ReturnType<typeof getLatestClusterRun>>;

/** The job in a child process on the shop at `path`. */
function jobInChild(path: string): {
  fitSeconds: number;
  totalSeconds: number;
  peakRssMiB: number;
  run: RunDto;
} {
  const child = spawnSync(
    process.execPath,
    [join(import.meta.dirname, '..', 'bin', 'run-ts.mjs'), import.meta.filename],
    {
      encoding: 'utf8',
      env: { ...process.env, BENCH_PART: 'job', BENCH_DB: path },
      maxBuffer: 16 * 2 ** 20,
    },
  );
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').pop() as string);
}

function reportJob(
  name: string,
  setup: Record<string, string | number>,
  out: ReturnType<typeof jobInChild>,
  extra: object,
) {
  const { run } = out;
  report(
    name,
    [
      setup,
      { phase: 'job: sample 5,000 + choose k (2..8) + fit', seconds: +out.fitSeconds.toFixed(1) },
      {
        phase: `job: assign ${run.members} members + write run`,
        seconds: +(out.totalSeconds - out.fitSeconds).toFixed(1),
      },
      { phase: 'job total', seconds: +out.totalSeconds.toFixed(1) },
    ],
    {
      ...extra,
      members: run.members,
      k: run.k,
      silhouettes: run.silhouettes,
      droppedFeatures: run.droppedFeatures,
      clusters: run.clusters.map((c) => ({ size: c.size, description: c.description.en })),
      jobProcessPeakRssMiB: out.peakRssMiB,
    },
  );
}

/** (b) synthetic profile rows written by SQL. */
async function partB(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'clusters-bench-'));
  try {
    const path = join(dir, 'bench.db');
    const ctx = await createContext(benchConfig(path));
    const t = performance.now();
    await fillShop(ctx.db, ctx.clock.now());
    const fillSeconds = (performance.now() - t) / 1000;
    await ctx.close();
    const setup = {
      phase: `write ${MEMBERS} profile rows (setup, not part of the job)`,
      seconds: +fillSeconds.toFixed(1),
    };
    reportJob('clusters-job', setup, jobInChild(path), {
      backend: 'sqlite (file)',
      data: 'five personas, direct SQL',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * (c) bench/lib/million-shop.ts: generated behaviour events, member_profiles filled by the
 * profiles.rebuild job (no value scores: those features are dropped). Built once under data/bench/.
 */
async function partC(): Promise<void> {
  const path = join(import.meta.dirname, '..', 'data', 'bench', `clusters-shop-${SHOP_MEMBERS}.db`);
  const t = performance.now();
  const shop = await ensureMillionShop({ path, members: SHOP_MEMBERS, profiles: true });
  const setup = {
    phase: `million-shop ${SHOP_MEMBERS} members${shop.reused ? ' (reused)' : ''} + profiles (setup)`,
    seconds: +((performance.now() - t) / 1000).toFixed(1),
  };
  reportJob('clusters-job-million-shop', setup, jobInChild(path), {
    backend: 'sqlite (file)',
    data: 'bench/lib/million-shop.ts',
    shop: { ...shop, path: undefined },
  });
}

if (PART === 'job') await runJobOnly(process.env.BENCH_DB as string);
else {
  if (PART.includes('a')) partA();
  if (PART.includes('b')) await partB();
  if (PART.includes('c')) await partC();
}
