/**
 * Gradient boosting: each round fits one tree to the gradients of the loss at the current margins
 * (on a seeded row subsample and column subsample), adds it scaled by the learning rate, and logs
 * the training and validation metric. With a validation set and `earlyStoppingRounds`, training
 * stops after that many rounds without improvement and keeps the trees up to the best round.
 */
import { logLoss, rmse, rocAuc } from '../metrics/index.ts';
import { applyBins, type BinnedMatrix, type FeatureBins, fitBins, MAX_BINS } from './binning.ts';
import { baseMargin, computeGradients, type Objective, sigmoid } from './objective.ts';
import { createRng } from './prng.ts';
import { growTree, type Tree, type TreeParams, treeValue, treeValueBinned } from './tree.ts';
import { expectedValue, treeShap } from './treeshap.ts';

export type EvalMetric = 'logloss' | 'auc' | 'rmse';

export interface GbdtParams extends TreeParams {
  objective: Objective;
  rounds: number;
  maxBins: number;
  /** Fraction of rows drawn (without replacement, Bernoulli) for each tree. */
  subsample: number;
  /** Fraction of features drawn for each tree. */
  colsampleByTree: number;
  seed: number;
  evalMetric: EvalMetric;
  /** 0 = no early stopping. */
  earlyStoppingRounds: number;
  /**
   * Also log the metric on the training rows each round (an AUC is a sort of every row, so a
   * large job or a timing comparison may turn it off; the validation metric is always logged).
   */
  logTrainMetric: boolean;
}

export const DEFAULT_PARAMS: GbdtParams = {
  objective: 'binary:logistic',
  rounds: 100,
  maxDepth: 6,
  maxLeaves: 0,
  minChildWeight: 1,
  lambda: 1,
  gamma: 0,
  learningRate: 0.3,
  growPolicy: 'depthwise',
  maxBins: MAX_BINS,
  subsample: 1,
  colsampleByTree: 1,
  seed: 0,
  evalMetric: 'logloss',
  earlyStoppingRounds: 0,
  logTrainMetric: true,
};

/** Column-major data: one Float64Array per feature, NaN for missing. */
export interface Dataset {
  columns: Float64Array[];
  labels: Float64Array;
}

export interface RoundLog {
  round: number;
  train?: number;
  valid?: number;
}

export interface TrainResult {
  model: GbdtModel;
  curve: RoundLog[];
  /** Round (0-based) with the best validation metric; the model keeps trees 0..bestRound. */
  bestRound: number;
}

const HIGHER_IS_BETTER: Record<EvalMetric, boolean> = { auc: true, logloss: false, rmse: false };

function evaluate(
  metric: EvalMetric,
  objective: Objective,
  labels: Float64Array,
  margin: Float64Array,
): number {
  if (metric === 'rmse') return rmse(labels, margin);
  if (metric === 'auc') return rocAuc(labels, margin);
  const p = new Float64Array(margin.length);
  for (let i = 0; i < p.length; i++)
    p[i] = objective === 'binary:logistic' ? sigmoid(margin[i]!) : margin[i]!;
  return logLoss(labels, p);
}

export function train(data: Dataset, options: Partial<GbdtParams> = {}, validation?: Dataset): TrainResult {
  const params: GbdtParams = { ...DEFAULT_PARAMS, ...options };
  if (options.evalMetric === undefined && params.objective === 'reg:squarederror') params.evalMetric = 'rmse';
  const bins = fitBins(data.columns, params.maxBins);
  const binned = applyBins(data.columns, bins);
  const n = binned.rows;
  const nFeatures = binned.features;
  const rng = createRng(params.seed);
  const base = baseMargin(params.objective, data.labels);
  const margin = new Float64Array(n).fill(base);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const validMargin = validation ? new Float64Array(validation.labels.length).fill(base) : undefined;
  const validRow = new Float64Array(nFeatures);
  const trees: Tree[] = [];
  const curve: RoundLog[] = [];
  const higher = HIGHER_IS_BETTER[params.evalMetric];
  let bestRound = -1;
  let bestScore = Number.NaN;
  const allRows = new Uint32Array(n);
  for (let i = 0; i < n; i++) allRows[i] = i;
  const allFeatures = Array.from({ length: nFeatures }, (_, f) => f);

  for (let round = 0; round < params.rounds; round++) {
    computeGradients(params.objective, margin, data.labels, grad, hess);
    const rows = params.subsample < 1 ? sampleRows(n, params.subsample, rng) : allRows.slice();
    const features =
      params.colsampleByTree < 1 ? sampleFeatures(nFeatures, params.colsampleByTree, rng) : allFeatures;
    const tree = growTree(binned, grad, hess, rows, features, params);
    trees.push(tree);
    for (let i = 0; i < n; i++) margin[i] = margin[i]! + treeValueBinned(tree, binned, i);
    const log: RoundLog = {
      round,
      train: evaluate(params.evalMetric, params.objective, data.labels, margin),
    };
    if (validation && validMargin) {
      for (let i = 0; i < validMargin.length; i++) {
        for (let f = 0; f < nFeatures; f++) validRow[f] = validation.columns[f]![i]!;
        validMargin[i] = validMargin[i]! + treeValue(tree, validRow);
      }
      const score = evaluate(params.evalMetric, params.objective, validation.labels, validMargin);
      log.valid = score;
      if (bestRound < 0 || (higher ? score > bestScore : score < bestScore)) {
        bestRound = round;
        bestScore = score;
      } else if (params.earlyStoppingRounds > 0 && round - bestRound >= params.earlyStoppingRounds) {
        curve.push(log);
        break;
      }
    }
    curve.push(log);
  }
  if (bestRound < 0 || params.earlyStoppingRounds === 0) bestRound = trees.length - 1;
  const kept = trees.slice(0, bestRound + 1);
  return { model: new GbdtModel(params.objective, base, bins, kept, nFeatures), curve, bestRound };
}

function sampleRows(n: number, fraction: number, rng: () => number): Uint32Array {
  const out = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) if (rng() < fraction) out[k++] = i;
  return out.slice(0, k);
}

function sampleFeatures(nFeatures: number, fraction: number, rng: () => number): number[] {
  const count = Math.max(1, Math.round(nFeatures * fraction));
  const pool = Array.from({ length: nFeatures }, (_, f) => f);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (nFeatures - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}

export interface FeatureImportance {
  /** Sum of split gains per feature. */
  gain: Float64Array;
  /** Number of splits per feature. */
  splits: Float64Array;
}

export interface Contributions {
  /** Expected margin before any feature is seen: base margin plus every tree's root value. */
  bias: number;
  /** Per feature; bias + Σ contributions = raw margin exactly. */
  values: Float64Array;
}

export interface SerializedTree {
  feature: number[];
  threshold: number[];
  splitBin: number[];
  defaultLeft: number[];
  left: number[];
  right: number[];
  value: number[];
  gain: number[];
  cover: number[];
}

export interface SerializedModel {
  format: 'membrain-gbdt';
  version: 1;
  objective: Objective;
  baseMargin: number;
  features: number;
  cuts: number[][];
  trees: SerializedTree[];
}

export class GbdtModel {
  constructor(
    readonly objective: Objective,
    readonly baseMargin: number,
    readonly bins: FeatureBins[],
    readonly trees: Tree[],
    readonly features: number,
  ) {}

  /** Raw margin (log-odds for logistic) of one row; allocation-free, for the real-time path. */
  predictMargin(row: ArrayLike<number>): number {
    let m = this.baseMargin;
    for (let t = 0; t < this.trees.length; t++) m += treeValue(this.trees[t]!, row);
    return m;
  }

  /** Probability for logistic models, the prediction for regression. */
  predict(row: ArrayLike<number>): number {
    const m = this.predictMargin(row);
    return this.objective === 'binary:logistic' ? sigmoid(m) : m;
  }

  /** Predictions for every row of column-major data. */
  predictColumns(columns: Float64Array[]): Float64Array {
    const n = columns[0]?.length ?? 0;
    const out = new Float64Array(n);
    const row = new Float64Array(this.features);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < this.features; f++) row[f] = columns[f]![i]!;
      out[i] = this.predict(row);
    }
    return out;
  }

  /**
   * Per-feature contributions to the raw margin of one row; `bias + Σ values` equals
   * `predictMargin(row)` exactly with either method.
   * - `treeshap` (default): exact path-dependent TreeSHAP — Shapley values of the trees with
   *   absent features averaged over the training cover; consistent, O(leaves · depth²) per tree.
   *   `bias` is the expected margin (base margin plus each tree's cover-weighted mean).
   * - `saabas`: along each tree's decision path, the change in node value at a split is credited
   *   to the split's feature; O(depth) per tree but path-dependent (features near the root get
   *   more credit). `bias` is the base margin plus every tree's root value.
   */
  contributions(row: ArrayLike<number>, method: 'treeshap' | 'saabas' = 'treeshap'): Contributions {
    const values = new Float64Array(this.features);
    let bias = this.baseMargin;
    if (method === 'treeshap') {
      for (const tree of this.trees) {
        bias += expectedValue(tree);
        treeShap(tree, row, values);
      }
      return { bias, values };
    }
    for (const tree of this.trees) {
      const { feature, threshold, defaultLeft, left, right, value } = tree;
      let node = 0;
      bias += value[0]!;
      while (feature[node]! >= 0) {
        const f = feature[node]!;
        const v = row[f]!;
        const goLeft = Number.isNaN(v) ? defaultLeft[node] === 1 : v <= threshold[node]!;
        const next = goLeft ? left[node]! : right[node]!;
        values[f] = values[f]! + value[next]! - value[node]!;
        node = next;
      }
    }
    return { bias, values };
  }

  importance(): FeatureImportance {
    const gain = new Float64Array(this.features);
    const splits = new Float64Array(this.features);
    for (const tree of this.trees) {
      for (let node = 0; node < tree.feature.length; node++) {
        const f = tree.feature[node]!;
        if (f < 0) continue;
        gain[f] = gain[f]! + tree.gain[node]!;
        splits[f] = splits[f]! + 1;
      }
    }
    return { gain, splits };
  }

  toJSON(): SerializedModel {
    return {
      format: 'membrain-gbdt',
      version: 1,
      objective: this.objective,
      baseMargin: this.baseMargin,
      features: this.features,
      cuts: this.bins.map((b) => Array.from(b.cuts)),
      trees: this.trees.map((t) => ({
        feature: Array.from(t.feature),
        threshold: Array.from(t.threshold),
        splitBin: Array.from(t.splitBin),
        defaultLeft: Array.from(t.defaultLeft),
        left: Array.from(t.left),
        right: Array.from(t.right),
        value: Array.from(t.value),
        gain: Array.from(t.gain),
        cover: Array.from(t.cover),
      })),
    };
  }

  static fromJSON(json: SerializedModel): GbdtModel {
    if (json.format !== 'membrain-gbdt' || json.version !== 1)
      throw new Error('not a membrain-gbdt v1 model');
    const trees = json.trees.map(
      (t): Tree => ({
        feature: Int32Array.from(t.feature),
        threshold: Float64Array.from(t.threshold),
        splitBin: Int32Array.from(t.splitBin),
        defaultLeft: Uint8Array.from(t.defaultLeft),
        left: Int32Array.from(t.left),
        right: Int32Array.from(t.right),
        value: Float64Array.from(t.value),
        gain: Float64Array.from(t.gain),
        cover: Float64Array.from(t.cover),
      }),
    );
    const bins = json.cuts.map((c) => ({ cuts: Float64Array.from(c) }));
    return new GbdtModel(json.objective, json.baseMargin, bins, trees, json.features);
  }
}

/** Re-exported for callers that bin once and train or inspect several times. */
export type { BinnedMatrix };
