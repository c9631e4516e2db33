// EASE (src/ml/recommend/ease.ts) on the recommendation rows of ../shared/BENCHMARKS.md, and the
// speed of its dense kernel. Leave-one-out by time: λ is chosen on the validation target (each
// user's second-to-last item, full ranking NDCG@10) over a grid, then the model is refitted on
// everything but the test targets and scored on test: full ranking with training items filtered
// (Video also sampled: target vs 100 unseen items). Training seconds are the refit; peak RSS is
// the process maximum so far (run one set per process, `--set`, for a per-set figure).
// Kernel speed: the inverse of the refit's Gram matrix XᵀX + λI by the WASM SIMD kernels (2 and
// 1 threads), the plain TypeScript sweep (small sets only) and numpy (bench/reference/ease_numpy.py)
// in the same run. GFLOP/s counts n³ flops, the symmetric inverse's work; numpy's LU-based inv
// does about 2n³. Timings are noisy when other work shares the 2 cores (the load is printed); the
// CPU seconds of all our threads are printed beside them, as the figure less moved by the load.
// Usage: MEMBRAIN_DATASETS=../shared/data nice -n 10 node bin/run-ts.mjs bench/recommend-ease.bench.ts \
//   [--set ml-100k,beauty,video] [--lambdas 100,500] [--kernels ml-100k,beauty]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addGramLower, addToDiagonal, type SpdKernels } from '../src/ml/linalg/kernels.ts';
import { TypeScriptSpdKernels } from '../src/ml/linalg/typescript-kernels.ts';
import { WasmSpdKernels } from '../src/ml/linalg/wasm-kernels.ts';
import { type DatasetFormat, type LoadOptions, loadInteractions } from '../src/ml/recommend/datasets.ts';
import { EaseRecommender } from '../src/ml/recommend/ease.ts';
import { evaluateRecommender } from '../src/ml/recommend/evaluate.ts';
import type { Interactions } from '../src/ml/recommend/interactions.ts';
import { splitLeaveOneOut } from '../src/ml/recommend/split.ts';
import { report } from './lib/report.ts';

const DATASETS = process.env.MEMBRAIN_DATASETS;
if (!DATASETS) {
  console.error('set MEMBRAIN_DATASETS to the benchmark data folder');
  process.exit(2);
}

interface SetSpec {
  name: string;
  path: string;
  format: DatasetFormat;
  load?: LoadOptions;
  /** λ grid searched on the validation target. */
  lambdas: number[];
  /** Peer EASE NDCG@10 / HR@10 per protocol (BENCHMARKS.md). */
  peers: { full: string; sampled?: string };
}

// One grid shape for every set (1, 1.5, 2, 3, 5, 7.5 per decade), over the range where the
// validation curve of each set turns.
const SETS: SetSpec[] = [
  {
    name: 'ml-100k',
    path: 'ml-100k/u.data',
    format: 'movielens',
    load: { ties: 'item-id' },
    lambdas: [50, 75, 100, 150, 200, 300, 500, 750, 1000],
    peers: { full: '0.0416 / 0.0880' },
  },
  {
    name: 'beauty',
    path: 'amazon-beauty-5core/Beauty.txt',
    format: 'lines',
    lambdas: [20, 30, 50, 75, 100, 150, 200, 300],
    peers: { full: '0.0446 / 0.0775' },
  },
  {
    name: 'video',
    path: 'sasrec/Video.txt',
    format: 'pairs',
    lambdas: [50, 100, 200],
    peers: { full: '0.0473 / 0.0894', sampled: '0.4496 / 0.6056' },
  },
];

const { values: args } = parseArgs({
  options: { set: { type: 'string' }, lambdas: { type: 'string' }, kernels: { type: 'string' } },
});
const wanted = args.set ? args.set.split(',') : SETS.map((s) => s.name);
const kernelSets = new Set((args.kernels ?? 'ml-100k,beauty').split(','));
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const fixed = (x: number) => x.toFixed(4);
const load = () => loadavg()[0]!.toFixed(1);

const rows: Record<string, string | number>[] = [];
const kernelRows: Record<string, string | number>[] = [];
const grids: Record<string, { lambda: number; ndcg: number; hr: number; seconds: number }[]> = {};

for (const name of wanted) {
  const spec = SETS.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown --set ${name}; sets: ${SETS.map((s) => s.name).join(', ')}`);
  const data = await loadInteractions(join(DATASETS, spec.path), spec.format, spec.load);
  const split = splitLeaveOneOut(data, { validation: true });
  const validation = split.validation!;
  const lambdas = args.lambdas ? args.lambdas.split(',').map(Number) : spec.lambdas;
  const grid: (typeof grids)[string] = [];
  // A single λ is not a choice: it is used as given, without the validation fit (say so when reporting).
  for (const lambda of lambdas.length > 1 ? lambdas : []) {
    const model = new EaseRecommender({ lambda });
    const started = performance.now();
    model.fit(validation.train);
    const seconds = (performance.now() - started) / 1000;
    const result = evaluateRecommender(model, validation.train, validation.target);
    grid.push({ lambda, ndcg: result.ndcg, hr: result.hr, seconds });
    console.log(
      `${name} λ=${lambda}: validation NDCG@10 ${fixed(result.ndcg)} HR@10 ${fixed(result.hr)} (${seconds.toFixed(1)} s, load ${load()})`,
    );
  }
  grids[name] = grid;
  const best = grid.reduce((a, b) => (b.ndcg > a.ndcg ? b : a), {
    lambda: lambdas[0]!,
    ndcg: -1,
    hr: 0,
    seconds: 0,
  });
  const model = new EaseRecommender({ lambda: best.lambda });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  model.fit(split.train);
  const trainSeconds = (performance.now() - started) / 1000;
  // CPU seconds of all threads: under load, wall time mostly measures the other processes.
  const cpu = process.cpuUsage(cpuBefore);
  const trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const { inverse } = model.fitTimings;
  const protocols = spec.peers.sampled ? (['full', 'sampled'] as const) : (['full'] as const);
  for (const protocol of protocols) {
    const result = evaluateRecommender(model, split.train, split.test, { protocol });
    rows.push({
      set: name,
      items: data.nItems,
      protocol,
      lambda: grid.length > 0 ? best.lambda : `${best.lambda} (given)`,
      'ndcg@10': fixed(result.ndcg),
      'hr@10': fixed(result.hr),
      peer: spec.peers[protocol] ?? '-',
      trainSeconds: Number(trainSeconds.toFixed(1)),
      trainCpuSeconds: Number(trainCpuSeconds.toFixed(1)),
      inverseGflops: Number((data.nItems ** 3 / inverse / 1e9).toFixed(1)),
      peakRssMb: peakRssMb(),
      load: load(),
    });
    console.log(rows.at(-1));
  }
  if (kernelSets.has(name)) kernelRows.push(...timeKernels(name, split.train, best.lambda));
}

/** The inverse of this set's Gram matrix by every implementation, in one run. */
function timeKernels(name: string, train: Interactions, lambda: number): Record<string, string | number>[] {
  const n = train.nItems;
  const out: Record<string, string | number>[] = [];
  const candidates: [string, () => SpdKernels][] = [
    ['wasm simd, 2 threads', () => new WasmSpdKernels({ threads: 2 })],
    ['wasm simd, 1 thread', () => new WasmSpdKernels({ threads: 1 })],
  ];
  if (n <= 3000) candidates.push(['typescript f32, 1 thread', () => new TypeScriptSpdKernels('f32')]);
  for (const [label, create] of candidates) {
    const kernels = create();
    const m = kernels.allocate(n);
    addGramLower(m, train.byUser);
    addToDiagonal(m, lambda);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    kernels.invertSpd(m);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    out.push({
      ...kernelRow(name, n, label, seconds),
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    });
  }
  out.push(...numpyRows(name, train, lambda));
  return out;
}

function kernelRow(name: string, n: number, label: string, seconds: number): Record<string, string | number> {
  return {
    set: name,
    n,
    kernel: label,
    seconds: Number(seconds.toFixed(2)),
    gflops: Number((n ** 3 / seconds / 1e9).toFixed(1)),
    load: load(),
  };
}

function numpyRows(name: string, train: Interactions, lambda: number): Record<string, string | number>[] {
  const n = train.nItems;
  const full = { n, stride: n, data: new Float32Array(n * n) };
  addGramLower(full, train.byUser);
  addToDiagonal(full, lambda);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) full.data[j * n + i] = full.data[i * n + j]!;
  const dir = mkdtempSync(join(tmpdir(), 'ease-gram-'));
  try {
    const path = join(dir, 'gram.f32');
    writeFileSync(path, full.data);
    const script = join(import.meta.dirname, 'reference', 'ease_numpy.py');
    const result = JSON.parse(execFileSync('python3', [script, path, String(n)], { encoding: 'utf8' })) as {
      f32_seconds: number;
      f32_cpu_seconds: number;
      f64_seconds?: number;
      f64_cpu_seconds?: number;
    };
    const rows = [
      {
        ...kernelRow(name, n, 'numpy f32 inv (2 cores)', result.f32_seconds),
        cpuSeconds: Number(result.f32_cpu_seconds.toFixed(2)),
      },
    ];
    if (result.f64_seconds && result.f64_cpu_seconds)
      rows.push({
        ...kernelRow(name, n, 'numpy f64 inv (2 cores)', result.f64_seconds),
        cpuSeconds: Number(result.f64_cpu_seconds.toFixed(2)),
      });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

report('recommend-ease', rows, { grids, kernels: kernelRows });
if (kernelRows.length > 0) console.table(kernelRows);
