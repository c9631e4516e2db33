/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent individualized feature attribution for
 * tree ensembles", Algorithm 2), path-dependent: a feature left out of a coalition follows both
 * children weighted by the training cover (hessian sum) of each. A port of the recursion in the
 * reference implementation (shap's tree_shap.h): each level's path lives in one preallocated
 * buffer at its own offset, so an explanation allocates nothing per node.
 * Cost O(leaves · depth²) per tree. Σ φ + expected value = the tree's output exactly.
 */
import type { Tree } from './tree.ts';

/** The unique path as parallel arrays (feature, zero fraction, one fraction, permutation weight). */
class PathBuffer {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
  constructor(size: number) {
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }
}

function extendPath(
  p: PathBuffer,
  at: number,
  depth: number,
  zero: number,
  one: number,
  feature: number,
): void {
  const w = p.weight;
  p.feature[at + depth] = feature;
  p.zero[at + depth] = zero;
  p.one[at + depth] = one;
  w[at + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    w[at + i + 1] = w[at + i + 1]! + (one * w[at + i]! * (i + 1)) / (depth + 1);
    w[at + i] = (zero * w[at + i]! * (depth - i)) / (depth + 1);
  }
}

function unwindPath(p: PathBuffer, at: number, depth: number, index: number): void {
  const w = p.weight;
  const one = p.one[at + index]!;
  const zero = p.zero[at + index]!;
  let nextOne = w[at + depth]!;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = w[at + i]!;
      w[at + i] = (nextOne * (depth + 1)) / ((i + 1) * one);
      nextOne = tmp - (w[at + i]! * zero * (depth - i)) / (depth + 1);
    } else {
      w[at + i] = (w[at + i]! * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    p.feature[at + i] = p.feature[at + i + 1]!;
    p.zero[at + i] = p.zero[at + i + 1]!;
    p.one[at + i] = p.one[at + i + 1]!;
  }
}

function unwoundPathSum(p: PathBuffer, at: number, depth: number, index: number): number {
  const w = p.weight;
  const one = p.one[at + index]!;
  const zero = p.zero[at + index]!;
  let nextOne = w[at + depth]!;
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = (nextOne * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      nextOne = w[at + i]! - tmp * zero * ((depth - i) / (depth + 1));
    } else if (zero !== 0) {
      total += w[at + i]! / zero / ((depth - i) / (depth + 1));
    }
  }
  return total;
}

function recurse(
  tree: Tree,
  row: ArrayLike<number>,
  phi: Float64Array,
  p: PathBuffer,
  node: number,
  parentAt: number,
  depth: number,
  zero: number,
  one: number,
  feature: number,
): void {
  // This level's path starts right after the parent's (which has depth entries).
  const at = parentAt + depth;
  if (depth > 0) {
    p.feature.copyWithin(at, parentAt, parentAt + depth);
    p.zero.copyWithin(at, parentAt, parentAt + depth);
    p.one.copyWithin(at, parentAt, parentAt + depth);
    p.weight.copyWithin(at, parentAt, parentAt + depth);
  }
  extendPath(p, at, depth, zero, one, feature);
  const split = tree.feature[node]!;
  if (split < 0) {
    const value = tree.value[node]!;
    for (let i = 1; i <= depth; i++) {
      const w = unwoundPathSum(p, at, depth, i);
      const f = p.feature[at + i]!;
      phi[f] = phi[f]! + w * (p.one[at + i]! - p.zero[at + i]!) * value;
    }
    return;
  }
  const v = row[split]!;
  const goLeft = Number.isNaN(v) ? tree.defaultLeft[node] === 1 : v <= tree.threshold[node]!;
  const hot = goLeft ? tree.left[node]! : tree.right[node]!;
  const cold = goLeft ? tree.right[node]! : tree.left[node]!;
  const cover = tree.cover[node]!;
  const hotZero = cover > 0 ? tree.cover[hot]! / cover : 0.5;
  const coldZero = cover > 0 ? tree.cover[cold]! / cover : 0.5;
  let incomingZero = 1;
  let incomingOne = 1;
  // A feature already on the path: undo its earlier entry and merge the fractions.
  let index = 0;
  while (index <= depth && p.feature[at + index] !== split) index++;
  let d = depth;
  if (index !== depth + 1) {
    incomingZero = p.zero[at + index]!;
    incomingOne = p.one[at + index]!;
    unwindPath(p, at, d, index);
    d -= 1;
  }
  recurse(tree, row, phi, p, hot, at, d + 1, hotZero * incomingZero, incomingOne, split);
  recurse(tree, row, phi, p, cold, at, d + 1, coldZero * incomingZero, 0, split);
}

function treeDepth(tree: Tree, node = 0): number {
  if (tree.feature[node]! < 0) return 0;
  return 1 + Math.max(treeDepth(tree, tree.left[node]!), treeDepth(tree, tree.right[node]!));
}

const buffers = new WeakMap<Tree, PathBuffer>();

/** Adds one tree's SHAP values for `row` into `phi`. */
export function treeShap(tree: Tree, row: ArrayLike<number>, phi: Float64Array): void {
  let p = buffers.get(tree);
  if (!p) {
    const d = treeDepth(tree) + 1;
    p = new PathBuffer(((d + 1) * (d + 2)) / 2 + d + 1);
    buffers.set(tree, p);
  }
  recurse(tree, row, phi, p, 0, 0, 0, 1, 1, -1);
}

/** Cover-weighted mean of the tree's leaf values: its output when no feature is known. */
export function expectedValue(tree: Tree): number {
  let sum = 0;
  for (let node = 0; node < tree.feature.length; node++) {
    if (tree.feature[node]! < 0) sum += tree.value[node]! * tree.cover[node]!;
  }
  return tree.cover[0]! > 0 ? sum / tree.cover[0]! : tree.value[0]!;
}
