/**
 * Trains and evaluates the fraud model on one split: hyper-parameters chosen on a validation slice
 * of the training part (never the test part), test metrics, the same-minute rule and TreeSHAP
 * attributions. Pure computation on loaded rows; the command line lives in src/cli/eval-risk.ts.
 */
import { type Dataset, type GbdtModel, type GbdtParams, train } from '../gbdt/index.ts';
import { averagePrecision, recallAtFpr, rocAuc } from '../metrics/index.ts';
import type { Purchase } from './fraud-ecommerce.ts';
import { QUICK_SECONDS } from './fraud-ecommerce.ts';
import { type Split, stratifiedFolds } from './splits.ts';

/** The three protocol metrics. */
export interface RiskMetrics {
  auc: number;
  prAuc: number;
  recallAt1pctFpr: number;
}

/** The rule "purchase within a minute of signup" scored on the test rows. */
export interface RuleResult extends RiskMetrics {
  name: string;
  /** Share of the test frauds the rule flags. */
  flaggedFraudShare: number;
  /** Share of flagged test rows that are fraud (NaN when nothing is flagged). */
  precision: number;
}

/** The tuned parameters that vary over the grid. */
export interface GridPoint {
  maxDepth: number;
  learningRate: number;
  minChildWeight: number;
}

/** One grid point and what it scored across the cross-validation folds. */
export interface GridResult extends GridPoint {
  /** Mean validation AUC at each fold's best round. */
  validationAuc: number;
  /** Mean number of trees early stopping kept (the refit's round count). */
  trees: number;
}

/** One split's result. */
export interface SplitEvaluation extends RiskMetrics {
  split: 'stratified' | 'time';
  trainRows: number;
  testRows: number;
  testFrauds: number;
  model: {
    kind: 'gbdt';
    params: Partial<GbdtParams>;
    trees: number;
    /** Cross-validation folds the grid was scored on. */
    folds: number;
    /** Mean validation AUC of the chosen point over the folds. */
    validationAuc: number;
  };
  rule: RuleResult;
  grid: GridResult[];
  /** Features by mean |TreeSHAP| over the test rows, largest first. */
  featureImportance: { feature: string; meanAbsShap: number; gain: number }[];
  /** Seconds to fit the chosen model once (the grid not included). */
  trainSeconds: number;
  /** Seconds of the whole grid. */
  selectionSeconds: number;
}

/** Parameters fixed for every grid point. */
export const FIXED_PARAMS: Partial<GbdtParams> = {
  objective: 'binary:logistic',
  rounds: 1000,
  lambda: 1,
  gamma: 0,
  subsample: 0.8,
  colsampleByTree: 0.8,
  maxBins: 255,
  evalMetric: 'auc',
  earlyStoppingRounds: 50,
  logTrainMetric: false,
};

/**
 * The grid searched by cross-validation: 4 depths × 2 rates × 3 minimum child weights. The large
 * child weights are there because, apart from the January burst, the features carry almost no
 * signal (docs/risk-eval.md) and deep, loosely regularised trees fit noise.
 */
export const DEFAULT_GRID: readonly GridPoint[] = [2, 3, 5, 7].flatMap((maxDepth) =>
  [0.05, 0.1].flatMap((learningRate) =>
    [1, 10, 50].map((minChildWeight) => ({ maxDepth, learningRate, minChildWeight })),
  ),
);

/** Cross-validation folds of the training part. */
export const DEFAULT_FOLDS = 4;

/** The three metrics of `scores` against `labels`. */
export function riskMetrics(labels: Float64Array, scores: ArrayLike<number>): RiskMetrics {
  return {
    auc: rocAuc(labels, scores),
    prAuc: averagePrecision(labels, scores),
    recallAt1pctFpr: recallAtFpr(labels, scores, 0.01),
  };
}

/** Rows `idx` of the column-major matrix. */
export function subset(
  columns: readonly Float64Array[],
  labels: Float64Array,
  idx: readonly number[],
): Dataset {
  return {
    columns: columns.map((c) => Float64Array.from(idx, (i) => c[i]!)),
    labels: Float64Array.from(idx, (i) => labels[i]!),
  };
}

/** The rule on the test rows: score 1 when the purchase came within a minute of signup. */
export function scoreRule(
  rows: readonly Purchase[],
  test: readonly number[],
  labels: Float64Array,
): RuleResult {
  const flags = Float64Array.from(test, (i) =>
    (rows[i]!.purchase - rows[i]!.signup) / 1000 <= QUICK_SECONDS ? 1 : 0,
  );
  const y = Float64Array.from(test, (i) => labels[i]!);
  let flagged = 0;
  let flaggedFraud = 0;
  let frauds = 0;
  for (let k = 0; k < y.length; k++) {
    frauds += y[k]!;
    if (flags[k]) {
      flagged++;
      flaggedFraud += y[k]!;
    }
  }
  return {
    name: 'purchase within a minute of signup',
    ...riskMetrics(y, flags),
    flaggedFraudShare: frauds > 0 ? flaggedFraud / frauds : Number.NaN,
    precision: flagged > 0 ? flaggedFraud / flagged : Number.NaN,
  };
}

/** Options of {@link evaluateSplit}. */
export interface EvaluateOptions {
  seed: number;
  grid?: readonly GridPoint[];
  /** Cross-validation folds of the training part for the grid (default {@link DEFAULT_FOLDS}). */
  folds?: number;
  /** Number of features to report by TreeSHAP (default 10). */
  top?: number;
}

/**
 * Chooses the grid point by stratified k-fold cross-validation inside `split.train` (each fold in
 * turn is the early-stopping validation slice of a model fitted on the others; the point with the
 * best mean validation AUC wins), refits it on the whole training part with the mean number of
 * trees early stopping kept, and scores that model on `split.test`, which nothing before saw.
 */
export function evaluateSplit(
  name: 'stratified' | 'time',
  rows: readonly Purchase[],
  columns: readonly Float64Array[],
  features: readonly string[],
  split: Split,
  options: EvaluateOptions,
): SplitEvaluation {
  const labels = Float64Array.from(rows, (r) => r.label);
  const k = options.folds ?? DEFAULT_FOLDS;
  const folds = stratifiedFolds(split.train, labels, k, options.seed);
  const slices = folds.map((validIdx, f) => ({
    fit: subset(
      columns,
      labels,
      folds.flatMap((other, g) => (g === f ? [] : other)),
    ),
    valid: subset(columns, labels, validIdx),
  }));
  const grid: GridResult[] = [];
  let best: GridResult | undefined;
  const selectionStart = performance.now();
  for (const point of options.grid ?? DEFAULT_GRID) {
    let aucSum = 0;
    let treeSum = 0;
    for (const { fit, valid } of slices) {
      const result = train(fit, { ...FIXED_PARAMS, ...point, seed: options.seed }, valid);
      aucSum += result.curve.find((c) => c.round === result.bestRound)?.valid ?? Number.NaN;
      treeSum += result.model.trees.length;
    }
    const scored = { ...point, validationAuc: aucSum / k, trees: Math.max(1, Math.round(treeSum / k)) };
    grid.push(scored);
    // Strictly better only: on a tie the earlier grid point stays.
    if (!best || scored.validationAuc > best.validationAuc) best = scored;
  }
  const selectionSeconds = (performance.now() - selectionStart) / 1000;
  const chosen = best!;
  const point: GridPoint = {
    maxDepth: chosen.maxDepth,
    learningRate: chosen.learningRate,
    minChildWeight: chosen.minChildWeight,
  };
  const params: Partial<GbdtParams> = {
    ...FIXED_PARAMS,
    ...point,
    seed: options.seed,
    rounds: chosen.trees,
    earlyStoppingRounds: 0,
  };
  const t0 = performance.now();
  const model = train(subset(columns, labels, split.train), params).model;
  const trainSeconds = (performance.now() - t0) / 1000;
  const test = subset(columns, labels, split.test);
  const predicted = model.predictColumns(test.columns);
  return {
    split: name,
    trainRows: split.train.length,
    testRows: split.test.length,
    testFrauds: test.labels.reduce((s, y) => s + y, 0),
    ...riskMetrics(test.labels, predicted),
    model: {
      kind: 'gbdt',
      params,
      trees: model.trees.length,
      folds: k,
      validationAuc: chosen.validationAuc,
    },
    rule: scoreRule(rows, split.test, labels),
    grid,
    featureImportance: shapImportance(model, test, features).slice(0, options.top ?? 10),
    trainSeconds,
    selectionSeconds,
  };
}

/** Mean |TreeSHAP contribution| per feature over the rows of `data`, with total split gain. */
function shapImportance(model: GbdtModel, data: Dataset, features: readonly string[]) {
  const sums = new Float64Array(features.length);
  const row = new Float64Array(features.length);
  const n = data.labels.length;
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < row.length; f++) row[f] = data.columns[f]![i]!;
    const { values } = model.contributions(row);
    for (let f = 0; f < row.length; f++) sums[f]! += Math.abs(values[f]!);
  }
  const gain = model.importance().gain;
  return features
    .map((feature, f) => ({ feature, meanAbsShap: n > 0 ? sums[f]! / n : 0, gain: gain[f] ?? 0 }))
    .sort((a, b) => b.meanAbsShap - a.meanAbsShap);
}
