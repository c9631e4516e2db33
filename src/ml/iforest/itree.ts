/**
 * One isolation tree (Liu, Ting & Zhou 2008): a node picks a feature at random and a split value
 * uniformly between that feature's minimum and maximum over the node's rows, until a row is alone,
 * all rows are equal, or the depth limit is reached. Anomalies, being few and different, end up
 * alone after fewer splits.
 *
 * Missing values (NaN): the minimum and maximum, hence the split value, come from the node's
 * non-missing values only; rows missing the split feature all go to one side, fixed per node: the
 * side that received more of the node's non-missing rows (left on a tie). Missingness then behaves
 * like a typical value, so it never by itself makes a row look isolated, and scoring needs no
 * randomness.
 *
 * Constant features: a feature whose non-missing values at a node are all equal (or that is missing
 * for every row there) cannot split the node and is never drawn there; the feature is drawn
 * uniformly among the others. A node where no feature can split is a leaf, however many rows it
 * holds.
 */

/**
 * Flat arrays indexed by node id (root 0; children always have larger ids than their parent).
 * Leaves have feature −1. A row goes left when `value <= threshold`, or when the value is missing
 * and `missingLeft` is 1.
 */
export interface IsolationTree {
  feature: Int32Array;
  threshold: Float64Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** Number of sampled training rows that reached the node (the leaf correction uses it). */
  size: Int32Array;
}

/**
 * Grows one tree on the rows `rows` (indices into `columns`, reordered in place while partitioning)
 * with random numbers from `rng`.
 */
export function growIsolationTree(
  columns: readonly Float64Array[],
  rows: Uint32Array,
  maxDepth: number,
  rng: () => number,
): IsolationTree {
  const features = columns.length;
  const capacity = Math.max(1, 2 * rows.length - 1);
  const feature = new Int32Array(capacity).fill(-1);
  const threshold = new Float64Array(capacity);
  const missingLeft = new Uint8Array(capacity);
  const left = new Int32Array(capacity).fill(-1);
  const right = new Int32Array(capacity).fill(-1);
  const size = new Int32Array(capacity);
  const low = new Float64Array(features);
  const high = new Float64Array(features);

  // Work stack of open nodes: (node, start, end, depth) over the `rows` range [start, end).
  const stack: number[] = [0, 0, rows.length, 0];
  let nodes = 1;
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = stack.pop()!;
    size[node] = end - start;
    if (depth >= maxDepth || end - start <= 1) continue;

    let candidates = 0;
    for (let f = 0; f < features; f++) {
      const column = columns[f]!;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let k = start; k < end; k++) {
        const v = column[rows[k]!]!;
        // NaN fails both comparisons, so missing values never move the range.
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      low[f] = lo;
      high[f] = hi;
      if (lo < hi) candidates++;
    }
    if (candidates === 0) continue;

    let pick = Math.min(candidates - 1, Math.floor(rng() * candidates));
    let f = 0;
    for (; f < features; f++) {
      if (low[f]! < high[f]! && pick-- === 0) break;
    }
    const lo = low[f]!;
    const hi = high[f]!;
    const u = rng();
    // Convex combination: no overflow for ranges wider than Number.MAX_VALUE. The split must leave
    // the maximum on the right, and rounding must not push it below the minimum.
    let split = lo * (1 - u) + hi * u;
    if (!(split >= lo && split < hi)) split = lo;

    const column = columns[f]!;
    let presentLeft = 0;
    let presentRight = 0;
    for (let k = start; k < end; k++) {
      const v = column[rows[k]!]!;
      if (v <= split) presentLeft++;
      else if (v > split) presentRight++;
    }
    const missingGoesLeft = presentLeft >= presentRight;
    // In-place partition: rows going left are moved to the front of the range.
    let mid = start;
    for (let k = start; k < end; k++) {
      const row = rows[k]!;
      const v = column[row]!;
      const goLeft = Number.isNaN(v) ? missingGoesLeft : v <= split;
      if (goLeft) {
        rows[k] = rows[mid]!;
        rows[mid] = row;
        mid++;
      }
    }

    const l = nodes++;
    const r = nodes++;
    feature[node] = f;
    threshold[node] = split;
    missingLeft[node] = missingGoesLeft ? 1 : 0;
    left[node] = l;
    right[node] = r;
    stack.push(r, mid, end, depth + 1, l, start, mid, depth + 1);
  }

  return {
    feature: feature.slice(0, nodes),
    threshold: threshold.slice(0, nodes),
    missingLeft: missingLeft.slice(0, nodes),
    left: left.slice(0, nodes),
    right: right.slice(0, nodes),
    size: size.slice(0, nodes),
  };
}
