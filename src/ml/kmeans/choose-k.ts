import { createRng, shuffledIndices } from '../gbdt/prng.ts';
import { fitKMeans, type KMeansOptions, type KMeansResult } from './kmeans.ts';
import { type Matrix, takeRows } from './matrix.ts';
import { silhouetteScore } from './silhouette.ts';

/** Settings for choosing k. */
export interface ChooseKOptions extends Omit<KMeansOptions, 'k'> {
  kMin?: number;
  kMax?: number;
  /** Rows the O(n²) silhouette is computed on (a seeded subset when there are more). Default 5000. */
  silhouetteRows?: number;
}

/** The chosen k, every k's mean silhouette, and the fit at the chosen k. */
export interface ChooseKResult {
  k: number;
  silhouettes: Record<number, number>;
  fit: KMeansResult;
}

/**
 * Fits k-means for each k in kMin..kMax and keeps the k with the highest exact mean silhouette
 * (the smaller k on ties). kMax is lowered to rows − 1 when there are fewer rows.
 */
export function chooseK(x: Matrix, options: ChooseKOptions = {}): ChooseKResult {
  const steps = chooseKSteps(x, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * chooseK one k at a time: yields after each k (with its silhouette) so a caller on an event loop
 * can let other work run between fits; returns the same result as chooseK.
 */
export function* chooseKSteps(
  x: Matrix,
  options: ChooseKOptions = {},
): Generator<{ k: number; silhouette: number }, ChooseKResult> {
  const kMin = options.kMin ?? 2;
  const kMax = Math.min(options.kMax ?? 8, x.rows - 1);
  if (kMax < kMin) throw new RangeError(`need more than ${kMin} rows to choose k`);
  const limit = options.silhouetteRows ?? 5000;
  const subset =
    x.rows > limit
      ? shuffledIndices(x.rows, createRng((options.seed ?? 1) ^ 0x5bd1e995)).subarray(0, limit)
      : null;
  const evalRows = subset ? takeRows(x, subset) : x;
  const silhouettes: Record<number, number> = {};
  let best: ChooseKResult | null = null;
  for (let k = kMin; k <= kMax; k++) {
    const fit = fitKMeans(x, { ...options, k });
    const labels = subset ? Int32Array.from(subset, (i) => fit.labels[i] as number) : fit.labels;
    const score = new Set(labels).size < 2 ? -1 : silhouetteScore(evalRows, labels, k);
    silhouettes[k] = score;
    if (best === null || score > (best.silhouettes[best.k] as number)) best = { k, silhouettes, fit };
    yield { k, silhouette: score };
  }
  return best as ChooseKResult;
}
