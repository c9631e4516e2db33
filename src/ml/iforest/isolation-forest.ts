/**
 * Isolation forest (Liu, Ting & Zhou, "Isolation Forest", ICDM 2008) for unlabelled anomalies:
 * `trees` isolation trees, each grown on `sampleSize` rows drawn without replacement, to depth
 * `maxDepth` (default ⌈log₂ ψ⌉, the average depth of a balanced tree: anomalies are expected to be
 * isolated above it). The anomaly score of a row is s = 2^(−E[h(x)] / c(ψ)), where h is the row's
 * path length in one tree plus c(leaf size) for the rows a leaf did not separate: s near 1 is an
 * anomaly, s ≤ 0.5 a typical row.
 */
import { createRng } from '../gbdt/prng.ts';
import { averagePathLength, averagePathLengthTable } from './average-path-length.ts';
import { growIsolationTree, type IsolationTree } from './itree.ts';

export interface IsolationForestOptions {
  /** Number of trees (default 100). */
  trees?: number;
  /** Rows per tree, ψ (default 256; capped at the number of training rows). */
  sampleSize?: number;
  /** PRNG seed for the row samples, features and split values (default 0). */
  seed?: number;
  /** Depth limit (default ⌈log₂ ψ⌉ of the ψ actually used). */
  maxDepth?: number;
}

export interface SerializedIsolationTree {
  feature: number[];
  threshold: number[];
  missingLeft: number[];
  left: number[];
  right: number[];
  size: number[];
}

export interface SerializedIsolationForest {
  format: 'membrain-iforest';
  version: 1;
  /** The options as given at construction (for provenance). */
  options: IsolationForestOptions;
  features: number;
  /** ψ actually used: min(sampleSize, training rows). */
  subsampleSize: number;
  /** Depth limit actually used. */
  maxDepth: number;
  trees: SerializedIsolationTree[];
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}`);
}

export class IsolationForest {
  readonly options: IsolationForestOptions;
  private trees: IsolationTree[] = [];
  private featureCount = 0;
  private psi = 0;
  private depthLimit = 0;
  /** c(ψ), the score's normaliser. */
  private normaliser = 0;
  /** c(0..ψ): the expected remaining depth below a leaf of each size. */
  private leafCorrection: Float64Array = new Float64Array(0);
  /**
   * Every tree's nodes concatenated, children as global ids, for scoring: one set of arrays keeps
   * the hot loop free of per-tree object loads, and `leafDepth` holds c(size) at leaves, so a leaf
   * costs no second look-up. Built from `trees` on fit and on load; never serialised.
   */
  private flat = {
    roots: new Int32Array(0),
    feature: new Int32Array(0),
    threshold: new Float64Array(0),
    missingLeft: new Uint8Array(0),
    left: new Int32Array(0),
    right: new Int32Array(0),
    leafDepth: new Float64Array(0),
  };

  constructor(options: IsolationForestOptions = {}) {
    this.options = { ...options };
    checkCount('trees', options.trees ?? 100, 1);
    checkCount('sampleSize', options.sampleSize ?? 256, 2);
    if (options.maxDepth !== undefined) checkCount('maxDepth', options.maxDepth, 0);
    if (!Number.isFinite(options.seed ?? 0)) throw new RangeError('seed must be a finite number');
  }

  /** Number of features the model was fitted on (0 before `fit`). */
  get features(): number {
    return this.featureCount;
  }

  /** ψ actually used (0 before `fit`). */
  get subsampleSize(): number {
    return this.psi;
  }

  /** Depth limit actually used (0 before `fit`). */
  get maxDepth(): number {
    return this.depthLimit;
  }

  /** Number of trees (0 before `fit`). */
  get treeCount(): number {
    return this.trees.length;
  }

  /**
   * Grows the forest on column-major data: one Float64Array per feature, NaN = missing. Values must
   * otherwise be finite. Deterministic: the same data, options and seed give an identical model.
   */
  fit(columns: readonly Float64Array[]): this {
    if (columns.length === 0) throw new RangeError('fit needs at least one feature column');
    const n = columns[0]!.length;
    columns.forEach((column, f) => {
      if (column.length !== n) throw new RangeError(`column ${f} has ${column.length} rows, expected ${n}`);
      for (let i = 0; i < n; i++) {
        const v = column[i]!;
        if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY)
          throw new RangeError(`column ${f} row ${i} is infinite (use NaN for missing)`);
      }
    });
    if (n < 2) throw new RangeError('fit needs at least two rows');

    const psi = Math.min(this.options.sampleSize ?? 256, n);
    const maxDepth = this.options.maxDepth ?? Math.ceil(Math.log2(psi));
    const rng = createRng(this.options.seed ?? 0);
    // A partial Fisher–Yates shuffle of the first ψ positions draws a uniform sample without
    // replacement from any starting permutation, so one index array serves every tree in O(ψ).
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const trees: IsolationTree[] = [];
    for (let t = 0; t < (this.options.trees ?? 100); t++) {
      for (let i = 0; i < psi; i++) {
        const j = i + Math.floor(rng() * (n - i));
        const swap = order[i]!;
        order[i] = order[j]!;
        order[j] = swap;
      }
      trees.push(growIsolationTree(columns, order.slice(0, psi), maxDepth, rng));
    }
    this.install(trees, columns.length, psi, maxDepth);
    return this;
  }

  private install(trees: IsolationTree[], features: number, psi: number, maxDepth: number): void {
    this.trees = trees;
    this.featureCount = features;
    this.psi = psi;
    this.depthLimit = maxDepth;
    this.normaliser = averagePathLength(psi);
    this.leafCorrection = averagePathLengthTable(psi);
    const total = trees.reduce((sum, t) => sum + t.feature.length, 0);
    const flat = {
      roots: new Int32Array(trees.length),
      feature: new Int32Array(total),
      threshold: new Float64Array(total),
      missingLeft: new Uint8Array(total),
      left: new Int32Array(total),
      right: new Int32Array(total),
      leafDepth: new Float64Array(total),
    };
    let offset = 0;
    trees.forEach((tree, t) => {
      flat.roots[t] = offset;
      for (let node = 0; node < tree.feature.length; node++) {
        const id = offset + node;
        flat.feature[id] = tree.feature[node]!;
        flat.threshold[id] = tree.threshold[node]!;
        flat.missingLeft[id] = tree.missingLeft[node]!;
        flat.left[id] = tree.left[node]! + offset;
        flat.right[id] = tree.right[node]! + offset;
        flat.leafDepth[id] = this.leafCorrection[tree.size[node]!]!;
      }
      offset += tree.feature.length;
    });
    this.flat = flat;
  }

  private checkRow(row: ArrayLike<number>): void {
    if (this.trees.length === 0) throw new Error('the isolation forest is not fitted');
    if (row.length < this.featureCount)
      throw new RangeError(`row has ${row.length} values, the model needs ${this.featureCount}`);
  }

  /** E[h(x)]: the mean path length over the trees, leaf corrections included. Allocation-free. */
  pathLength(row: ArrayLike<number>): number {
    this.checkRow(row);
    const { roots, feature, threshold, missingLeft, left, right, leafDepth } = this.flat;
    let total = 0;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t]!;
      let depth = 0;
      let f = feature[node]!;
      while (f >= 0) {
        const v = row[f]!;
        const goLeft = v <= threshold[node]! || (Number.isNaN(v) && missingLeft[node] === 1);
        node = goLeft ? left[node]! : right[node]!;
        depth++;
        f = feature[node]!;
      }
      total += depth + leafDepth[node]!;
    }
    return total / roots.length;
  }

  /** The anomaly score 2^(−E[h(x)]/c(ψ)) in (0, 1]. Allocation-free: the real-time risk path. */
  score(row: ArrayLike<number>): number {
    return 2 ** (-this.pathLength(row) / this.normaliser);
  }

  /** Scores of every row of column-major data. */
  scoreColumns(columns: readonly Float64Array[]): Float64Array {
    const n = columns[0]?.length ?? 0;
    const out = new Float64Array(n);
    const row = new Float64Array(this.featureCount);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < this.featureCount; f++) row[f] = columns[f]![i]!;
      out[i] = this.score(row);
    }
    return out;
  }

  /**
   * Per-feature explanation of the score: an exact additive decomposition of log₂(2·s).
   *
   * In each tree, a node holding n training rows "expects" the row to need c(n) more splits. A
   * split that sends the row to a child holding m rows took one split and left c(m) expected, so it
   * saved c(n) − 1 − c(m) splits; that saving is credited to the split's feature (negative when the
   * row followed the crowd). Along a path the savings telescope to c(ψ) − h(x): how much shorter
   * than average this tree isolated the row. Summed over trees and divided by T·c(ψ), the values
   * add up to 1 − E[h(x)]/c(ψ) = log₂(2·s): positive totals are scores above 0.5. A missing value
   * routed by the node's missing side is credited like any other value. Features never split on
   * the row's paths get exactly 0.
   */
  contributions(row: ArrayLike<number>): Float64Array {
    this.checkRow(row);
    const correction = this.leafCorrection;
    const values = new Float64Array(this.featureCount);
    for (let t = 0; t < this.trees.length; t++) {
      const { feature, threshold, missingLeft, left, right, size } = this.trees[t]!;
      let node = 0;
      while (feature[node]! >= 0) {
        const f = feature[node]!;
        const v = row[f]!;
        const goLeft = Number.isNaN(v) ? missingLeft[node] === 1 : v <= threshold[node]!;
        const next = goLeft ? left[node]! : right[node]!;
        values[f] = values[f]! + correction[size[node]!]! - 1 - correction[size[next]!]!;
        node = next;
      }
    }
    const scale = 1 / (this.trees.length * this.normaliser);
    for (let f = 0; f < values.length; f++) values[f] = values[f]! * scale;
    return values;
  }

  toJSON(): SerializedIsolationForest {
    if (this.trees.length === 0) throw new Error('the isolation forest is not fitted');
    return {
      format: 'membrain-iforest',
      version: 1,
      options: { ...this.options },
      features: this.featureCount,
      subsampleSize: this.psi,
      maxDepth: this.depthLimit,
      trees: this.trees.map((t) => ({
        feature: Array.from(t.feature),
        threshold: Array.from(t.threshold),
        missingLeft: Array.from(t.missingLeft),
        left: Array.from(t.left),
        right: Array.from(t.right),
        size: Array.from(t.size),
      })),
    };
  }

  /**
   * Restores a model that scores bit-identically. The tree structure is checked (children after
   * their parent and in range, sizes within ψ) so a corrupt document cannot make scoring loop.
   */
  static fromJSON(json: SerializedIsolationForest): IsolationForest {
    if (json.format !== 'membrain-iforest' || json.version !== 1)
      throw new Error('not a membrain-iforest v1 model');
    checkCount('subsampleSize', json.subsampleSize, 2);
    checkCount('features', json.features, 1);
    if (json.trees.length === 0) throw new Error('a membrain-iforest model needs at least one tree');
    const trees = json.trees.map((t, index): IsolationTree => {
      const tree: IsolationTree = {
        feature: Int32Array.from(t.feature),
        threshold: Float64Array.from(t.threshold),
        missingLeft: Uint8Array.from(t.missingLeft),
        left: Int32Array.from(t.left),
        right: Int32Array.from(t.right),
        size: Int32Array.from(t.size),
      };
      validateTree(tree, json.features, json.subsampleSize, index);
      return tree;
    });
    const model = new IsolationForest(json.options);
    model.install(trees, json.features, json.subsampleSize, json.maxDepth);
    return model;
  }
}

function validateTree(tree: IsolationTree, features: number, psi: number, index: number): void {
  const nodes = tree.feature.length;
  const lengths = [tree.threshold, tree.missingLeft, tree.left, tree.right, tree.size].map((a) => a.length);
  if (nodes === 0 || lengths.some((l) => l !== nodes)) throw new Error(`tree ${index}: inconsistent arrays`);
  for (let node = 0; node < nodes; node++) {
    const f = tree.feature[node]!;
    const size = tree.size[node]!;
    if (size < 0 || size > psi) throw new Error(`tree ${index} node ${node}: size out of range`);
    if (f < 0) continue;
    const l = tree.left[node]!;
    const r = tree.right[node]!;
    if (f >= features || l <= node || r <= node || l >= nodes || r >= nodes)
      throw new Error(`tree ${index} node ${node}: bad feature or children`);
  }
}

/**
 * The positive part of contributions, normalised to sum to 1: each feature's share of the evidence
 * that pushed the score up, for naming risk reasons. All zeros when nothing pushed it up.
 */
export function positiveShares(contributions: ArrayLike<number>): Float64Array {
  const shares = new Float64Array(contributions.length);
  let total = 0;
  for (let f = 0; f < shares.length; f++) {
    const v = Math.max(0, contributions[f]!);
    shares[f] = v;
    total += v;
  }
  if (total > 0) for (let f = 0; f < shares.length; f++) shares[f] = shares[f]! / total;
  return shares;
}
