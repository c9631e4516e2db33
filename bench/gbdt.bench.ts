// Gradient-boosted trees (src/ml/gbdt) on the e-commerce fraud data set — the fraud row of
// ../shared/BENCHMARKS.md. Features are computed only from what was known at each purchase:
// purchase value, age, purchase hour and day of week, signup hour, seconds from signup to
// purchase, source / browser / sex one-hot, and how many purchases (this one included) used the
// same device or IP at or before this purchase time, plus seconds since the previous such purchase
// (src/ml/risk/fraud-ecommerce.ts, BASE_FEATURES; `membrain eval risk` adds IP country and more). Split: stratified random 70/30 (seed 42); 20 % of the training
// part (stratified, seed 42) is held out for early stopping. Also a time-ordered split (earliest
// 70 % train) as the drift check.
//
// When Debian's python3-xgboost is importable (BENCH_PYTHON, default /usr/bin/python3), XGBoost
// 1.7 (hist, same parameters, one thread like ours) trains on the same feature matrices, written
// to temporary CSVs, in the same run; we report both AUCs and the training-time ratio.
// Usage: MEMBRAIN_DATASETS=/work/shared/data node bin/run-ts.mjs bench/gbdt.bench.ts
// BENCH_RUNS (default 3) sets how many timed runs each model gets (median reported).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Dataset, type GbdtModel, type GbdtParams, train } from '../src/ml/gbdt/index.ts';
import { averagePrecision, recallAtFpr, rocAuc } from '../src/ml/metrics/index.ts';
import { BASE_FEATURES, buildBaseFeatures, parseFraudCsv } from '../src/ml/risk/fraud-ecommerce.ts';
import { stratifiedSplit, timeSplit } from '../src/ml/risk/splits.ts';
import { median, report } from './lib/report.ts';

const DATASETS = process.env.MEMBRAIN_DATASETS;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

const PARAMS: Partial<GbdtParams> = {
  objective: 'binary:logistic',
  rounds: 1000,
  learningRate: 0.05,
  maxDepth: 5,
  minChildWeight: 1,
  lambda: 1,
  gamma: 0,
  subsample: 0.8,
  colsampleByTree: 0.8,
  maxBins: 255,
  evalMetric: 'auc',
  earlyStoppingRounds: 50,
  seed: 42,
  // XGBoost is given no training-set evaluation either.
  logTrainMetric: false,
};

/**
 * Early stopping is the real protocol; the fixed-round run (no validation, same number of trees for
 * both) is the fair training-speed comparison.
 */
const CONFIGS: { name: string; params: Partial<GbdtParams>; stratifiedOnly: boolean }[] = [
  { name: 'early stopping', params: {}, stratifiedOnly: false },
  { name: 'fixed 300 rounds', params: { rounds: 300, earlyStoppingRounds: 0 }, stratifiedOnly: true },
];

function subset(columns: Float64Array[], labels: Float64Array, idx: number[]): Dataset {
  return {
    columns: columns.map((c) => Float64Array.from(idx, (i) => c[i]!)),
    labels: Float64Array.from(idx, (i) => labels[i]!),
  };
}

function scores(labels: Float64Array, predicted: ArrayLike<number>) {
  return {
    auc: rocAuc(labels, predicted),
    prAuc: averagePrecision(labels, predicted),
    recallAt1pctFpr: recallAtFpr(labels, predicted, 0.01),
  };
}

function xgboostAvailable(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import xgboost; print(xgboost.__version__)'], { encoding: 'utf8' });
  return probe.status === 0;
}

function writeCsv(file: string, data: Dataset): void {
  const lines: string[] = [];
  for (let i = 0; i < data.labels.length; i++) {
    lines.push([data.labels[i], ...data.columns.map((c) => (Number.isNaN(c[i]!) ? 'nan' : c[i]))].join(','));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

const PY_SCRIPT = `
import json, sys, time
import numpy as np
import xgboost as xgb
d, params, runs = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
def load(name):
    m = np.loadtxt(f"{d}/{name}.csv", delimiter=",", ndmin=2)
    return m[:, 1:], m[:, 0]
(Xtr, ytr), (Xva, yva), (Xte, yte) = load("train"), load("valid"), load("test")
times = []
for run in range(runs):
    t0 = time.perf_counter()
    dtr = xgb.DMatrix(Xtr, label=ytr, missing=np.nan)
    dva = xgb.DMatrix(Xva, label=yva, missing=np.nan)
    if params["early"] > 0:
        booster = xgb.train(params["booster"], dtr, num_boost_round=params["rounds"], evals=[(dva, "valid")],
                            early_stopping_rounds=params["early"], verbose_eval=False)
    else:
        booster = xgb.train(params["booster"], dtr, num_boost_round=params["rounds"])
    times.append(time.perf_counter() - t0)
best = booster.best_iteration if params["early"] > 0 else params["rounds"] - 1
pred = booster.predict(xgb.DMatrix(Xte, missing=np.nan), iteration_range=(0, best + 1))
np.savetxt(f"{d}/pred.csv", pred)
print(json.dumps({"times": times, "bestIteration": best, "version": xgb.__version__}))
`;

function runXgboost(
  dir: string,
  trainSet: Dataset,
  valid: Dataset,
  test: Dataset,
  base: number,
  params: Partial<GbdtParams>,
) {
  writeCsv(join(dir, 'train.csv'), trainSet);
  writeCsv(join(dir, 'valid.csv'), valid);
  writeCsv(join(dir, 'test.csv'), test);
  const booster = {
    objective: 'binary:logistic',
    tree_method: 'hist',
    grow_policy: 'depthwise',
    eta: PARAMS.learningRate,
    max_depth: PARAMS.maxDepth,
    min_child_weight: PARAMS.minChildWeight,
    lambda: PARAMS.lambda,
    gamma: PARAMS.gamma,
    subsample: PARAMS.subsample,
    colsample_bytree: PARAMS.colsampleByTree,
    max_bin: 256, // XGBoost counts the bin for missing values separately too; 256 is its default
    eval_metric: 'auc',
    base_score: base,
    nthread: 1,
    seed: 42,
  };
  const arg = JSON.stringify({ booster, rounds: params.rounds, early: params.earlyStoppingRounds });
  const out = execFileSync(PYTHON, ['-c', PY_SCRIPT, dir, arg, String(RUNS)], { encoding: 'utf8' });
  const result = JSON.parse(out) as { times: number[]; bestIteration: number; version: string };
  const predicted = readFileSync(join(dir, 'pred.csv'), 'utf8').trim().split('\n').map(Number);
  return { ...result, predicted };
}

async function main(): Promise<void> {
  if (!DATASETS) {
    console.log('MEMBRAIN_DATASETS is not set: skipping the GBDT fraud bench (see ../shared/BENCHMARKS.md).');
    return;
  }
  const file = join(DATASETS, 'fraud-ecommerce', 'fraud_data.csv');
  if (!existsSync(file)) {
    console.log(`${file} not found: skipping the GBDT fraud bench.`);
    return;
  }
  const rows = parseFraudCsv(readFileSync(file, 'utf8'));
  const columns = buildBaseFeatures(rows);
  const labels = Float64Array.from(rows, (r) => r.label);
  const all = rows.map((_, i) => i);
  const stratified = stratifiedSplit(all, labels, 0.7, 42);
  const byTime = timeSplit(
    rows.map((r) => r.purchase),
    0.7,
  );
  const splits: { name: string; trainIdx: number[]; testIdx: number[] }[] = [
    { name: 'stratified 70/30', trainIdx: stratified.train, testIdx: stratified.test },
    { name: 'time 70/30 (drift)', trainIdx: byTime.train, testIdx: byTime.test },
  ];
  const haveXgb = xgboostAvailable();
  if (!haveXgb) console.log(`XGBoost is not importable with ${PYTHON}: reporting our trees only.`);
  const dir = mkdtempSync(join(tmpdir(), 'membrain-gbdt-'));
  const rowsOut: Record<string, string | number>[] = [];
  const extra: Record<string, unknown> = { features: BASE_FEATURES, params: PARAMS, runs: RUNS };
  try {
    for (const split of splits) {
      const { train: fitIdx, test: validIdx } = stratifiedSplit(split.trainIdx, labels, 0.8, 42);
      const fit = subset(columns, labels, fitIdx);
      const valid = subset(columns, labels, validIdx);
      const test = subset(columns, labels, split.testIdx);
      // The rule from BENCHMARKS.md: purchase within a minute of signup.
      const rule = test.columns[BASE_FEATURES.indexOf('seconds_signup_to_purchase')]!.map((s) =>
        s <= 60 ? 1 : 0,
      );
      rowsOut.push({
        split: split.name,
        model: 'rule: purchase ≤ 1 min after signup',
        ...round(scores(test.labels, rule)),
      });

      for (const config of CONFIGS) {
        if (config.stratifiedOnly && split !== splits[0]) continue;
        const label = `${split.name}, ${config.name}`;
        const params = { ...PARAMS, ...config.params };
        const times: number[] = [];
        let result: ReturnType<typeof train> | undefined;
        for (let r = 0; r < RUNS; r++) {
          const t0 = performance.now();
          result = train(fit, params, params.earlyStoppingRounds ? valid : undefined);
          times.push((performance.now() - t0) / 1000);
        }
        const ours = scores(test.labels, result!.model.predictColumns(test.columns));
        const oursSeconds = median(times);
        rowsOut.push({
          split: split.name,
          training: config.name,
          model: 'membrain gbdt',
          ...round(ours),
          trees: result!.model.trees.length,
          trainSeconds: Number(oursSeconds.toFixed(3)),
        });
        if (config === CONFIGS[0] && split === splits[0])
          extra.singleRowPrediction = rowLatency(result!.model, test);
        const importance = result!.model.importance();
        extra[`importance ${label}`] = BASE_FEATURES.map((name, f) => ({
          name,
          gain: Number(importance.gain[f]!.toFixed(2)),
          splits: importance.splits[f],
        })).sort((a, b) => b.gain - a.gain);
        extra[`curve ${label}`] = result!.curve.map((c) => ({
          round: c.round,
          train: c.train,
          valid: c.valid,
        }));

        if (haveXgb) {
          const xgb = runXgboost(
            dir,
            fit,
            valid,
            test,
            1 / (1 + Math.exp(-result!.model.baseMargin)),
            params,
          );
          const theirs = scores(test.labels, xgb.predicted);
          const xgbSeconds = median(xgb.times);
          rowsOut.push({
            split: split.name,
            training: config.name,
            model: `xgboost ${xgb.version} hist`,
            ...round(theirs),
            trees: xgb.bestIteration + 1,
            trainSeconds: Number(xgbSeconds.toFixed(3)),
          });
          extra[`comparison ${label}`] = {
            aucDifference: Number((ours.auc - theirs.auc).toFixed(4)),
            trainTimeRatioOursToXgboost: Number((oursSeconds / xgbSeconds).toFixed(2)),
          };
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report('gbdt', rowsOut, extra);
  for (const [k, v] of Object.entries(extra)) if (k.startsWith('comparison')) console.log(k, v);
  console.log('single-row prediction:', extra.singleRowPrediction);
  console.log(
    'top features (gain, stratified):',
    (extra['importance stratified 70/30, early stopping'] as { name: string }[])
      .slice(0, 6)
      .map((x) => x.name)
      .join(', '),
  );
}

/**
 * Latency per row of prediction (the real-time risk path) and of TreeSHAP contributions (the
 * reasons), in microseconds, over every test row; the first two passes warm up.
 */
function rowLatency(model: GbdtModel, test: Dataset) {
  const row = new Float64Array(test.columns.length);
  const measure = (fn: () => number) => {
    const samples: number[] = [];
    let sink = 0;
    for (let pass = 0; pass < 3; pass++) {
      for (let i = 0; i < test.labels.length; i++) {
        for (let f = 0; f < row.length; f++) row[f] = test.columns[f]![i]!;
        const t0 = process.hrtime.bigint();
        sink += fn();
        if (pass === 2) samples.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
    }
    if (Number.isNaN(sink)) throw new Error('NaN output');
    samples.sort((a, b) => a - b);
    const at = (q: number) =>
      Number(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(2));
    return { p50Micros: at(0.5), p99Micros: at(0.99) };
  };
  return {
    trees: model.trees.length,
    predict: measure(() => model.predict(row)),
    treeshap: measure(() => model.contributions(row).bias),
  };
}

function round(s: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Number(v.toFixed(4))]));
}

await main();
