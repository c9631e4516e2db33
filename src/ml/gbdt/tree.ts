/**
 * One regression tree on gradient statistics (the XGBoost second-order formulation):
 * leaf weight −G/(H+λ), split gain ½·[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)] − γ.
 * Histograms of gradient and hessian per (feature, bin) make split finding O(bins) per feature;
 * a child's histogram is its parent's minus its sibling's, so only the smaller child is scanned.
 */
import { type BinnedMatrix, MISSING_BIN } from './binning.ts';

export interface TreeParams {
  maxDepth: number;
  /** 0 = unlimited. */
  maxLeaves: number;
  minChildWeight: number;
  lambda: number;
  gamma: number;
  learningRate: number;
  growPolicy: 'depthwise' | 'lossguide';
}

/**
 * Flat arrays, indexed by node id (root 0). Leaves have feature −1. `value` is the node's own
 * weight (already scaled by the learning rate) for every node, internal ones too: the
 * per-prediction contributions are differences of these along the path.
 */
export interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  /** Bin index of the threshold (training-time traversal on binned data). */
  splitBin: Int32Array;
  defaultLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  gain: Float64Array;
  /** Hessian sum of the training rows that reached the node. */
  cover: Float64Array;
}

const HIST_BINS = 256;

export interface SplitCandidate {
  gain: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  leftG: number;
  leftH: number;
}

/** Best split of one node from its histogram (layout: [feature][bin][grad, hess]). */
export function findBestSplit(
  hist: Float64Array,
  features: readonly number[],
  binCounts: readonly number[],
  sumG: number,
  sumH: number,
  params: Pick<TreeParams, 'lambda' | 'gamma' | 'minChildWeight'>,
): SplitCandidate | undefined {
  const { lambda, gamma, minChildWeight } = params;
  const parentScore = (sumG * sumG) / (sumH + lambda);
  let best: SplitCandidate | undefined;
  for (const f of features) {
    const base = f * HIST_BINS * 2;
    const missG = hist[base + MISSING_BIN * 2]!;
    const missH = hist[base + MISSING_BIN * 2 + 1]!;
    const lastBin = binCounts[f]! - 1;
    let gl = 0;
    let hl = 0;
    // Threshold after bin b: bins 0..b go left; missing goes to whichever side gains more.
    for (let b = 0; b < lastBin; b++) {
      gl += hist[base + b * 2]!;
      hl += hist[base + b * 2 + 1]!;
      for (let dir = 0; dir < 2; dir++) {
        const missingLeft = dir === 0;
        if (!missingLeft && missH === 0 && missG === 0) continue; // same split as missing-left
        const GL = missingLeft ? gl + missG : gl;
        const HL = missingLeft ? hl + missH : hl;
        const GR = sumG - GL;
        const HR = sumH - HL;
        if (HL < minChildWeight || HR < minChildWeight) continue;
        const gain = 0.5 * ((GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parentScore) - gamma;
        if (gain > 0 && (best === undefined || gain > best.gain)) {
          best = { gain, feature: f, bin: b, defaultLeft: missingLeft, leftG: GL, leftH: HL };
        }
      }
    }
  }
  return best;
}

/**
 * Adds the rows idx[start..end) into a fresh histogram over the given features. The node's
 * gradients are gathered into one contiguous buffer first, so the per-feature loops read only the
 * bin column at random and the gradient pairs sequentially.
 */
export function buildHistogram(
  data: BinnedMatrix,
  grad: Float64Array,
  hess: Float64Array,
  idx: Uint32Array,
  start: number,
  end: number,
  features: readonly number[],
): Float64Array {
  const hist = new Float64Array(data.features * HIST_BINS * 2);
  const count = end - start;
  const gh = new Float64Array(count * 2);
  for (let k = 0; k < count; k++) {
    const r = idx[start + k]!;
    gh[2 * k] = grad[r]!;
    gh[2 * k + 1] = hess[r]!;
  }
  for (const f of features) {
    const column = data.columns[f]!;
    const base = f * HIST_BINS * 2;
    for (let k = 0; k < count; k++) {
      const slot = base + column[idx[start + k]!]! * 2;
      hist[slot] = hist[slot]! + gh[2 * k]!;
      hist[slot + 1] = hist[slot + 1]! + gh[2 * k + 1]!;
    }
  }
  return hist;
}

interface OpenLeaf {
  node: number;
  depth: number;
  start: number;
  end: number;
  sumG: number;
  sumH: number;
  hist: Float64Array;
  split: SplitCandidate | undefined;
  order: number;
}

class TreeBuilder {
  feature: number[] = [];
  threshold: number[] = [];
  splitBin: number[] = [];
  defaultLeft: number[] = [];
  left: number[] = [];
  right: number[] = [];
  value: number[] = [];
  gain: number[] = [];
  cover: number[] = [];

  addNode(sumG: number, sumH: number, params: TreeParams): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.splitBin.push(-1);
    this.defaultLeft.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push((-sumG / (sumH + params.lambda)) * params.learningRate);
    this.gain.push(0);
    this.cover.push(sumH);
    return this.value.length - 1;
  }

  finish(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      splitBin: Int32Array.from(this.splitBin),
      defaultLeft: Uint8Array.from(this.defaultLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      gain: Float64Array.from(this.gain),
      cover: Float64Array.from(this.cover),
    };
  }
}

/**
 * Grows one tree on the rows listed in `rows` (a subsample, reordered in place). Growth picks the
 * open leaf with the largest gain (lossguide, LightGBM's leaf-wise) or the shallowest first
 * (depthwise, XGBoost's default); both stop at maxDepth, maxLeaves, or when no split gains.
 */
export function growTree(
  data: BinnedMatrix,
  grad: Float64Array,
  hess: Float64Array,
  rows: Uint32Array,
  features: readonly number[],
  params: TreeParams,
): Tree {
  const binCounts = data.bins.map((b) => b.cuts.length + 1);
  const builder = new TreeBuilder();
  const scratch = new Uint32Array(rows.length);
  let sumG = 0;
  let sumH = 0;
  for (let k = 0; k < rows.length; k++) {
    sumG += grad[rows[k]!]!;
    sumH += hess[rows[k]!]!;
  }
  let order = 0;
  const depthLimit = params.maxDepth > 0 ? params.maxDepth : Number.POSITIVE_INFINITY;
  const open: OpenLeaf[] = [];
  const openLeaf = (
    node: number,
    depth: number,
    start: number,
    end: number,
    g: number,
    h: number,
    hist: Float64Array,
  ) => {
    const split = depth < depthLimit ? findBestSplit(hist, features, binCounts, g, h, params) : undefined;
    if (split) open.push({ node, depth, start, end, sumG: g, sumH: h, hist, split, order: order++ });
  };
  const root = builder.addNode(sumG, sumH, params);
  openLeaf(
    root,
    0,
    0,
    rows.length,
    sumG,
    sumH,
    buildHistogram(data, grad, hess, rows, 0, rows.length, features),
  );
  let leaves = 1;
  const maxLeaves = params.maxLeaves > 0 ? params.maxLeaves : Number.POSITIVE_INFINITY;
  while (open.length > 0 && leaves < maxLeaves) {
    let pick = 0;
    for (let i = 1; i < open.length; i++) {
      const a = open[i]!;
      const b = open[pick]!;
      const better =
        params.growPolicy === 'lossguide'
          ? a.split!.gain > b.split!.gain
          : a.depth < b.depth || (a.depth === b.depth && a.order < b.order);
      if (better) pick = i;
    }
    const leaf = open.splice(pick, 1)[0]!;
    const split = leaf.split!;
    // Stable in-place partition of the leaf's rows: left rows first, then right.
    const column = data.columns[split.feature]!;
    let l = leaf.start;
    let r = 0;
    for (let k = leaf.start; k < leaf.end; k++) {
      const row = rows[k]!;
      const bin = column[row]!;
      const goLeft = bin === MISSING_BIN ? split.defaultLeft : bin <= split.bin;
      if (goLeft) rows[l++] = row;
      else scratch[r++] = row;
    }
    rows.set(scratch.subarray(0, r), l);
    const mid = l;
    const leftG = split.leftG;
    const leftH = split.leftH;
    const rightG = leaf.sumG - leftG;
    const rightH = leaf.sumH - leftH;
    const node = leaf.node;
    builder.feature[node] = split.feature;
    builder.splitBin[node] = split.bin;
    builder.threshold[node] = data.bins[split.feature]!.cuts[split.bin]!;
    builder.defaultLeft[node] = split.defaultLeft ? 1 : 0;
    builder.gain[node] = split.gain;
    const leftNode = builder.addNode(leftG, leftH, params);
    const rightNode = builder.addNode(rightG, rightH, params);
    builder.left[node] = leftNode;
    builder.right[node] = rightNode;
    leaves++;
    // Histogram subtraction: scan the smaller child, derive the larger from the parent.
    const leftSmaller = mid - leaf.start <= leaf.end - mid;
    const small = leftSmaller
      ? buildHistogram(data, grad, hess, rows, leaf.start, mid, features)
      : buildHistogram(data, grad, hess, rows, mid, leaf.end, features);
    const large = leaf.hist;
    for (const f of features) {
      const to = (f + 1) * HIST_BINS * 2;
      for (let i = f * HIST_BINS * 2; i < to; i++) large[i] = large[i]! - small[i]!;
    }
    const leftHist = leftSmaller ? small : large;
    const rightHist = leftSmaller ? large : small;
    openLeaf(leftNode, leaf.depth + 1, leaf.start, mid, leftG, leftH, leftHist);
    openLeaf(rightNode, leaf.depth + 1, mid, leaf.end, rightG, rightH, rightHist);
  }
  return builder.finish();
}

/** Leaf value for a row of raw values (NaN = missing). */
export function treeValue(tree: Tree, row: ArrayLike<number>): number {
  let node = 0;
  const { feature, threshold, defaultLeft, left, right } = tree;
  while (feature[node]! >= 0) {
    const v = row[feature[node]!]!;
    const goLeft = Number.isNaN(v) ? defaultLeft[node] === 1 : v <= threshold[node]!;
    node = goLeft ? left[node]! : right[node]!;
  }
  return tree.value[node]!;
}

/** Leaf value for row `r` of a binned matrix (training-time margin updates). */
export function treeValueBinned(tree: Tree, data: BinnedMatrix, r: number): number {
  let node = 0;
  const { feature, splitBin, defaultLeft, left, right } = tree;
  while (feature[node]! >= 0) {
    const bin = data.columns[feature[node]!]![r]!;
    const goLeft = bin === MISSING_BIN ? defaultLeft[node] === 1 : bin <= splitBin[node]!;
    node = goLeft ? left[node]! : right[node]!;
  }
  return tree.value[node]!;
}
