/**
 * Isotonic calibration: the non-decreasing step function of the score that is closest to the
 * labels in squared error (pool-adjacent-violators), then smoothed into a piecewise-linear map by
 * interpolating between the blocks' centres. Unlike Platt scaling it assumes no shape, only that a
 * higher score never means a lower probability; it needs more data for the same variance.
 */
import { checkPairs } from './pairs.ts';

export interface SerializedIsotonicCalibrator {
  format: 'membrain-isotonic';
  version: 1;
  centres: number[];
  values: number[];
}

/** The solution of pool-adjacent-violators: blocks in increasing score order. */
export interface IsotonicBlocks {
  /** Mean score of each block's rows (its centre). */
  centres: Float64Array;
  /** Mean label of each block: the fitted value, non-decreasing. */
  values: Float64Array;
  /** Rows in each block. */
  weights: Float64Array;
  /** Smallest and largest score in each block. */
  lows: Float64Array;
  highs: Float64Array;
}

/**
 * Pool-adjacent-violators on scores sorted ascending. Rows with equal scores start as one block (a
 * function of the score must give them one value); then, scanning left to right, a block whose mean
 * is above the next one's is merged with it, repeatedly, until the means are non-decreasing. The
 * result minimises Σ (label − f(score))² over non-decreasing f. O(n log n) for the sort, O(n) after.
 */
export function poolAdjacentViolators(scores: ArrayLike<number>, labels: ArrayLike<number>): IsotonicBlocks {
  checkPairs(scores, labels);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (i, j) => scores[i]! - scores[j]! || i - j,
  );
  const n = order.length;
  // Block stack: sums of labels and scores, counts, score range.
  const sumY = new Float64Array(n);
  const sumX = new Float64Array(n);
  const weight = new Float64Array(n);
  const low = new Float64Array(n);
  const high = new Float64Array(n);
  let top = -1;
  for (let k = 0; k < n; ) {
    const x = scores[order[k]!]!;
    top++;
    sumY[top] = 0;
    sumX[top] = 0;
    weight[top] = 0;
    low[top] = x;
    high[top] = x;
    for (; k < n && scores[order[k]!] === x; k++) {
      sumY[top] = sumY[top]! + labels[order[k]!]!;
      sumX[top] = sumX[top]! + x;
      weight[top] = weight[top]! + 1;
    }
    // Merge while the previous block's mean exceeds this one's (cross-multiplied: no division).
    while (top > 0 && sumY[top - 1]! * weight[top]! > sumY[top]! * weight[top - 1]!) {
      sumY[top - 1] = sumY[top - 1]! + sumY[top]!;
      sumX[top - 1] = sumX[top - 1]! + sumX[top]!;
      weight[top - 1] = weight[top - 1]! + weight[top]!;
      high[top - 1] = high[top]!;
      top--;
    }
  }
  const blocks = top + 1;
  return {
    // Clamped to the block's range: the rounded mean of equal scores must not step past them.
    centres: Float64Array.from({ length: blocks }, (_, b) =>
      Math.min(high[b]!, Math.max(low[b]!, sumX[b]! / weight[b]!)),
    ),
    values: Float64Array.from({ length: blocks }, (_, b) => sumY[b]! / weight[b]!),
    weights: weight.slice(0, blocks),
    lows: low.slice(0, blocks),
    highs: high.slice(0, blocks),
  };
}

export class IsotonicCalibrator {
  /**
   * `centres` strictly increasing, `values` non-decreasing, same length ≥ 1 (as produced by
   * {@link IsotonicCalibrator.fit}).
   */
  constructor(
    readonly centres: Float64Array,
    readonly values: Float64Array,
  ) {
    if (centres.length === 0 || centres.length !== values.length)
      throw new RangeError('an isotonic map needs as many values as centres, at least one');
    for (let k = 1; k < centres.length; k++) {
      if (!(centres[k]! > centres[k - 1]!)) throw new RangeError('isotonic centres must increase strictly');
      if (!(values[k]! >= values[k - 1]!)) throw new RangeError('isotonic values must not decrease');
    }
  }

  /** Fits the map on (score, label) pairs; labels are 0/1. */
  static fit(scores: ArrayLike<number>, labels: ArrayLike<number>): IsotonicCalibrator {
    const { centres, values } = poolAdjacentViolators(scores, labels);
    return new IsotonicCalibrator(centres, values);
  }

  /**
   * Linear interpolation between the two block centres around `score`; the first and last block's
   * values below the first and above the last centre (never extrapolated outside [0, 1]). NaN in,
   * NaN out.
   */
  predict(score: number): number {
    const { centres, values } = this;
    const last = centres.length - 1;
    if (Number.isNaN(score)) return Number.NaN;
    if (score <= centres[0]!) return values[0]!;
    if (score >= centres[last]!) return values[last]!;
    // Largest k with centres[k] ≤ score; then centres[k] ≤ score < centres[k + 1].
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (centres[mid]! <= score) lo = mid;
      else hi = mid;
    }
    const t = (score - centres[lo]!) / (centres[hi]! - centres[lo]!);
    return values[lo]! + t * (values[hi]! - values[lo]!);
  }

  /** Calibrated probabilities of many scores. */
  predictAll(scores: ArrayLike<number>): Float64Array {
    return Float64Array.from({ length: scores.length }, (_, i) => this.predict(scores[i]!));
  }

  toJSON(): SerializedIsotonicCalibrator {
    return {
      format: 'membrain-isotonic',
      version: 1,
      centres: Array.from(this.centres),
      values: Array.from(this.values),
    };
  }

  static fromJSON(json: SerializedIsotonicCalibrator): IsotonicCalibrator {
    if (json.format !== 'membrain-isotonic' || json.version !== 1)
      throw new Error('not a membrain-isotonic v1 model');
    return new IsotonicCalibrator(Float64Array.from(json.centres), Float64Array.from(json.values));
  }
}
