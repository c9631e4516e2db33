// Isolation forest (src/ml/iforest) on the e-commerce fraud data set, unsupervised: the forest never
// sees a label; the labels only grade its anomaly score (ROC-AUC, PR-AUC on the test part) and fit
// the calibrators (src/ml/calibration) that turn the score into a probability. Split: stratified
// random 70/30 (seed 42), as in bench/gbdt.bench.ts. Two feature sets, both point-in-time
// (src/ml/risk/fraud-ecommerce.ts): the four simple per-row numbers (purchase value, age, seconds
// from signup to purchase, purchase hour), and those plus how many purchases so far shared the
// device and the IP.
//
// Also: fit seconds (median of BENCH_RUNS after one warm-up fit, default 3), score and contributions µs/row p50/p99 over
// every test row, and the spread of the test AUC over seeds 0..4.
// There is no same-run reference implementation: scikit-learn is not installed on the bench machine.
// Usage: MEMBRAIN_DATASETS=/work/shared/data nice -n 10 node bin/run-ts.mjs bench/iforest.bench.ts
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsotonicCalibrator, PlattCalibrator } from '../src/ml/calibration/index.ts';
import { IsolationForest, type IsolationForestOptions, positiveShares } from '../src/ml/iforest/index.ts';
import {
  averagePrecision,
  brierScore,
  expectedCalibrationError,
  recallAtFpr,
  rocAuc,
} from '../src/ml/metrics/index.ts';
import { BASE_FEATURES, buildBaseFeatures, parseFraudCsv } from '../src/ml/risk/fraud-ecommerce.ts';
import { stratifiedSplit } from '../src/ml/risk/splits.ts';
import { median, report } from './lib/report.ts';

const DATASETS = process.env.MEMBRAIN_DATASETS;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const OPTIONS: IsolationForestOptions = { trees: 100, sampleSize: 256, seed: 0 };

const FEATURE_SETS: { name: string; features: string[] }[] = [
  {
    name: 'simple',
    features: ['purchase_value', 'age', 'seconds_signup_to_purchase', 'purchase_hour'],
  },
  {
    name: 'simple + sharing counts',
    features: [
      'purchase_value',
      'age',
      'seconds_signup_to_purchase',
      'purchase_hour',
      'device_purchases_so_far',
      'ip_purchases_so_far',
    ],
  },
];

function pick(columns: Float64Array[], features: string[], idx: number[]): Float64Array[] {
  return features.map((name) => {
    const column = columns[BASE_FEATURES.indexOf(name)]!;
    return Float64Array.from(idx, (i) => column[i]!);
  });
}

/** p50 and p99 in µs of `fn` over every row; the first two passes warm up. */
function latency(columns: Float64Array[], fn: (row: Float64Array) => number) {
  const n = columns[0]!.length;
  const row = new Float64Array(columns.length);
  const samples: number[] = [];
  let sink = 0;
  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < row.length; f++) row[f] = columns[f]![i]!;
      const t0 = process.hrtime.bigint();
      sink += fn(row);
      if (pass === 2) samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }
  if (Number.isNaN(sink)) throw new Error('NaN output');
  samples.sort((a, b) => a - b);
  const at = (q: number) => Number(samples[Math.min(n - 1, Math.floor(q * n))]!.toFixed(2));
  return { p50Micros: at(0.5), p99Micros: at(0.99) };
}

const r4 = (v: number) => Number(v.toFixed(4));

async function main(): Promise<void> {
  if (!DATASETS) {
    console.log('MEMBRAIN_DATASETS is not set: skipping the isolation-forest fraud bench.');
    return;
  }
  const file = join(DATASETS, 'fraud-ecommerce', 'fraud_data.csv');
  if (!existsSync(file)) {
    console.log(`${file} not found: skipping the isolation-forest fraud bench.`);
    return;
  }
  const rows = parseFraudCsv(readFileSync(file, 'utf8'));
  const all = buildBaseFeatures(rows);
  const labels = Float64Array.from(rows, (r) => r.label);
  const split = stratifiedSplit(
    rows.map((_, i) => i),
    labels,
    0.7,
    42,
  );
  const trainLabels = Float64Array.from(split.train, (i) => labels[i]!);
  const testLabels = Float64Array.from(split.test, (i) => labels[i]!);

  const out: Record<string, string | number>[] = [];
  const extra: Record<string, unknown> = {
    options: OPTIONS,
    runs: RUNS,
    rows: rows.length,
    trainRows: split.train.length,
    testRows: split.test.length,
    fraudShare: r4(labels.reduce((s, y) => s + y, 0) / labels.length),
    reference: 'none in the same run: scikit-learn is not installed',
  };
  for (const set of FEATURE_SETS) {
    const train = pick(all, set.features, split.train);
    const test = pick(all, set.features, split.test);
    const times: number[] = [];
    // One untimed fit first, so the timed runs measure optimised code rather than JIT warm-up.
    let model = new IsolationForest(OPTIONS).fit(train);
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      model = new IsolationForest(OPTIONS).fit(train);
      times.push((performance.now() - t0) / 1000);
    }
    const testScores = model.scoreColumns(test);
    const trainScores = model.scoreColumns(train);
    const platt = PlattCalibrator.fit(trainScores, trainLabels);
    const isotonic = IsotonicCalibrator.fit(trainScores, trainLabels);
    const seedAucs = [0, 1, 2, 3, 4].map((seed) =>
      rocAuc(testLabels, new IsolationForest({ ...OPTIONS, seed }).fit(train).scoreColumns(test)),
    );
    const score = latency(test, (row) => model.score(row));
    const contributions = latency(test, (row) => model.contributions(row)[0]!);
    out.push({
      features: set.name,
      auc: r4(rocAuc(testLabels, testScores)),
      prAuc: r4(averagePrecision(testLabels, testScores)),
      recallAt1pctFpr: r4(recallAtFpr(testLabels, testScores, 0.01)),
      aucSeeds0to4: `${r4(Math.min(...seedAucs))}..${r4(Math.max(...seedAucs))}`,
      fitSeconds: Number(median(times).toFixed(3)),
      scoreP50Micros: score.p50Micros,
      scoreP99Micros: score.p99Micros,
      contribP50Micros: contributions.p50Micros,
      contribP99Micros: contributions.p99Micros,
    });
    // Calibration: fitted on the training part's scores and labels, graded on the test part.
    extra[`calibration ${set.name}`] = [
      { map: 'raw score', probabilities: testScores },
      {
        map: `Platt (a = ${platt.a.toFixed(3)}, b = ${platt.b.toFixed(3)})`,
        probabilities: platt.predictAll(testScores),
      },
      { map: `isotonic (${isotonic.centres.length} blocks)`, probabilities: isotonic.predictAll(testScores) },
    ].map(({ map, probabilities }) => ({
      map,
      brier: r4(brierScore(testLabels, probabilities)),
      ece10: r4(expectedCalibrationError(testLabels, probabilities)),
      auc: r4(rocAuc(testLabels, probabilities)),
    }));
    extra[`features ${set.name}`] = set.features;
    extra[`reasons ${set.name}`] = reasonShares(model, test, testScores, set.features);
    extra[`seed AUCs ${set.name}`] = seedAucs.map(r4);
  }
  report('iforest', out, extra);
  for (const set of FEATURE_SETS) {
    console.log(`calibration (${set.name}), test part:`);
    console.table(extra[`calibration ${set.name}`]);
  }
  console.log(
    'base rate Brier (always predict the training fraud share):',
    r4(baseRateBrier(trainLabels, testLabels)),
  );
}

/**
 * What the contributions name for the 1 % most anomalous test rows: each feature's mean share of
 * the positive evidence (positiveShares), i.e. what risk reasons would say for flagged rows.
 */
function reasonShares(
  model: IsolationForest,
  test: Float64Array[],
  scores: Float64Array,
  features: string[],
) {
  const top = Array.from(scores.keys())
    .sort((a, b) => scores[b]! - scores[a]!)
    .slice(0, Math.ceil(scores.length / 100));
  const mean = new Float64Array(features.length);
  for (const i of top) {
    const shares = positiveShares(model.contributions(test.map((c) => c[i]!)));
    for (let f = 0; f < mean.length; f++) mean[f] = mean[f]! + shares[f]! / top.length;
  }
  return Object.fromEntries(features.map((name, f) => [name, r4(mean[f]!)]));
}

/** The Brier score of a constant prediction at the training positive rate: the bar to beat. */
function baseRateBrier(trainLabels: Float64Array, testLabels: Float64Array): number {
  const rate = trainLabels.reduce((s, y) => s + y, 0) / trainLabels.length;
  return brierScore(testLabels, new Float64Array(testLabels.length).fill(rate));
}

await main();
