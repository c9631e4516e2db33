import { createRng } from '../gbdt/prng.ts';
import { type Matrix, squaredDistance } from './matrix.ts';
import { columnStats } from './standardize.ts';

/** Settings of one k-means fit. */
export interface KMeansOptions {
  k: number;
  /** Seed of the k-means++ draws; the same seed gives the same model. Default 1. */
  seed?: number;
  /** Independent seeded starts; the one with the lowest inertia is kept. Default 4. */
  restarts?: number;
  /** Lloyd iterations per start at most. Default 300. */
  maxIterations?: number;
  /**
   * Converged when the summed squared centroid shift falls to this fraction of the mean column
   * variance (scale-free, as scikit-learn defines it). Default 1e-4.
   */
  tolerance?: number;
}

/** A fitted k-means model and how the best start went. */
export interface KMeansResult {
  k: number;
  cols: number;
  /** k × cols, row-major. */
  centroids: Float64Array;
  /** Each row's cluster. */
  labels: Int32Array;
  /** Sum of squared distances from each row to its centroid. */
  inertia: number;
  iterations: number;
  converged: boolean;
}

/** Index of the centroid nearest to row `row` of `data` (lowest index on ties). */
export function nearestCentroid(
  centroids: Float64Array,
  k: number,
  data: Float64Array,
  row: number,
  cols: number,
) {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let c = 0; c < k; c++) {
    const d = squaredDistance(data, row, centroids, c, cols);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

/**
 * Writes each row's nearest centroid into `labels` and returns the inertia. The hot loop of Lloyd's
 * algorithm: one pass per row and centroid, distances inlined, the best distance kept for the inertia.
 */
export function assignInto(x: Matrix, centroids: Float64Array, k: number, labels: Int32Array): number {
  const { rows: n, cols, data } = x;
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const oi = i * cols;
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const oc = c * cols;
      let d = 0;
      for (let j = 0; j < cols; j++) {
        const t = (data[oi + j] as number) - (centroids[oc + j] as number);
        d += t * t;
      }
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    labels[i] = best;
    inertia += bestDistance;
  }
  return inertia;
}

/** Labels every row with its nearest centroid; returns the labels and the inertia. */
export function assignLabels(x: Matrix, centroids: Float64Array, k: number) {
  const labels = new Int32Array(x.rows);
  const inertia = assignInto(x, centroids, k, labels);
  return { labels, inertia };
}

/** Row index drawn with probability proportional to `weights` (the D² rule). */
function drawWeighted(weights: Float64Array, total: number, rng: () => number): number {
  let r = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] as number;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007): each new centre is the best of
 * 2 + ln k candidates drawn by squared distance to the centres so far, which avoids the
 * occasional bad draw of the plain rule.
 */
export function seedPlusPlus(x: Matrix, k: number, rng: () => number): Float64Array {
  const { rows: n, cols } = x;
  const centroids = new Float64Array(k * cols);
  const first = Math.floor(rng() * n);
  centroids.set(x.data.subarray(first * cols, (first + 1) * cols), 0);
  const closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = squaredDistance(x.data, i, centroids, 0, cols);
    potential += closest[i] as number;
  }
  const trials = 2 + Math.floor(Math.log(k));
  const candidateDistances = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let bestCandidate = -1;
    let bestPotential = Number.POSITIVE_INFINITY;
    let bestDistances: Float64Array | null = null;
    for (let t = 0; t < trials; t++) {
      const candidate = potential > 0 ? drawWeighted(closest, potential, rng) : Math.floor(rng() * n);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.min(closest[i] as number, squaredDistance(x.data, i, x.data, candidate, cols));
        candidateDistances[i] = d;
        sum += d;
      }
      if (sum < bestPotential) {
        bestPotential = sum;
        bestCandidate = candidate;
        bestDistances = Float64Array.from(candidateDistances);
      }
    }
    centroids.set(x.data.subarray(bestCandidate * cols, (bestCandidate + 1) * cols), c * cols);
    closest.set(bestDistances as Float64Array);
    potential = bestPotential;
  }
  return centroids;
}

/** Moves each centroid to the mean of its rows; an empty cluster takes the row farthest from its centre. */
function updateCentroids(x: Matrix, labels: Int32Array, k: number, previous: Float64Array): Float64Array {
  const { rows: n, cols } = x;
  const sums = new Float64Array(k * cols);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i] as number;
    counts[c] = (counts[c] as number) + 1;
    for (let j = 0; j < cols; j++)
      sums[c * cols + j] = (sums[c * cols + j] as number) + (x.data[i * cols + j] as number);
  }
  for (let c = 0; c < k; c++) {
    const count = counts[c] as number;
    if (count > 0) {
      for (let j = 0; j < cols; j++) sums[c * cols + j] = (sums[c * cols + j] as number) / count;
      continue;
    }
    let far = 0;
    let farDistance = -1;
    for (let i = 0; i < n; i++) {
      const d = squaredDistance(x.data, i, previous, labels[i] as number, cols);
      if (d > farDistance) {
        farDistance = d;
        far = i;
      }
    }
    sums.set(x.data.subarray(far * cols, (far + 1) * cols), c * cols);
    labels[far] = c;
  }
  return sums;
}

/** Lloyd's iterations from `initial` centroids until the shift is below `tolerance` (absolute). */
export function lloyd(x: Matrix, initial: Float64Array, k: number, maxIterations: number, tolerance: number) {
  let centroids = initial;
  const labels = new Int32Array(x.rows);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    assignInto(x, centroids, k, labels);
    const next = updateCentroids(x, labels, k, centroids);
    iterations++;
    let shift = 0;
    for (let i = 0; i < next.length; i++) shift += ((next[i] as number) - (centroids[i] as number)) ** 2;
    centroids = next;
    if (shift <= tolerance) {
      converged = true;
      break;
    }
  }
  // Labels and inertia for the final centroids (the loop's labels belong to the previous ones).
  const inertia = assignInto(x, centroids, k, labels);
  return { centroids, labels, inertia, iterations, converged };
}

/**
 * k-means: greedy k-means++ seeding, then Lloyd's iterations, from several seeded starts; keeps the
 * start with the lowest inertia (the first one on ties). Deterministic for a given seed.
 * @example const { labels, centroids } = fitKMeans(x, { k: 3, seed: 7 });
 */
export function fitKMeans(x: Matrix, options: KMeansOptions): KMeansResult {
  const { k } = options;
  if (!Number.isInteger(k) || k < 1 || k > x.rows) throw new RangeError(`k must be 1..${x.rows}, got ${k}`);
  const rng = createRng(options.seed ?? 1);
  const restarts = Math.max(1, options.restarts ?? 4);
  const maxIterations = options.maxIterations ?? 300;
  const { stds } = columnStats(x);
  let meanVariance = 0;
  for (const s of stds) meanVariance += (s * s) / Math.max(1, x.cols);
  const tolerance = (options.tolerance ?? 1e-4) * meanVariance;
  let best: KMeansResult | null = null;
  for (let r = 0; r < restarts; r++) {
    const fit = lloyd(x, seedPlusPlus(x, k, rng), k, maxIterations, tolerance);
    if (best === null || fit.inertia < best.inertia) best = { k, cols: x.cols, ...fit };
  }
  return best as KMeansResult;
}
