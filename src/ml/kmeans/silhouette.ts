import type { Matrix } from './matrix.ts';

/**
 * Exact mean silhouette (Rousseeuw 1987) of a labelling, O(n² · cols): for each row, a = mean
 * distance to its own cluster, b = lowest mean distance to another cluster, s = (b − a) / max(a, b);
 * a row alone in its cluster scores 0 (as scikit-learn does). Needs at least two non-empty clusters.
 */
export function silhouetteScore(x: Matrix, labels: Int32Array, k: number): number {
  const { rows: n, cols, data } = x;
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i] as number] = (sizes[labels[i] as number] as number) + 1;
  if (sizes.filter((s) => s > 0).length < 2) throw new RangeError('silhouette needs two non-empty clusters');
  // sums[i * k + c]: total distance from row i to the rows of cluster c; each pair computed once.
  const sums = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const li = labels[i] as number;
    const oi = i * cols;
    for (let j = i + 1; j < n; j++) {
      const oj = j * cols;
      let s = 0;
      for (let c = 0; c < cols; c++) {
        const d = (data[oi + c] as number) - (data[oj + c] as number);
        s += d * d;
      }
      const d = Math.sqrt(s);
      const lj = labels[j] as number;
      sums[i * k + lj] = (sums[i * k + lj] as number) + d;
      sums[j * k + li] = (sums[j * k + li] as number) + d;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += rowSilhouette(sums, sizes, i, labels[i] as number, k);
  return total / n;
}

function rowSilhouette(sums: Float64Array, sizes: Float64Array, i: number, own: number, k: number): number {
  const ownSize = sizes[own] as number;
  if (ownSize <= 1) return 0;
  const a = (sums[i * k + own] as number) / (ownSize - 1);
  let b = Number.POSITIVE_INFINITY;
  for (let c = 0; c < k; c++) {
    if (c === own || (sizes[c] as number) === 0) continue;
    b = Math.min(b, (sums[i * k + c] as number) / (sizes[c] as number));
  }
  const denominator = Math.max(a, b);
  return denominator === 0 ? 0 : (b - a) / denominator;
}
