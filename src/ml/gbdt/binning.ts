/**
 * Feature quantisation. Each feature gets at most `maxBins` (≤ 255) value bins from quantiles of
 * its training values; bin 255 is reserved for missing values (NaN), whose direction each split
 * learns. Split thresholds are bin upper bounds, so a tree trained on bins predicts on raw values
 * with the same rule: `value <= threshold` goes left.
 */

export const MISSING_BIN = 255;
export const MAX_BINS = 255;

export interface FeatureBins {
  /**
   * Ascending upper bounds: a value v falls in the first bin b with v <= cuts[b]; values above the
   * last cut fall in bin cuts.length. So a feature has cuts.length + 1 bins.
   */
  cuts: Float64Array;
}

/**
 * Cut points for one feature from its sorted non-missing values: exact quantiles of (a sample of)
 * the training data. When the feature has no more distinct values than bins, every distinct value
 * (but the largest) is a cut, so nothing is lost.
 */
export function computeCuts(
  values: ArrayLike<number>,
  maxBins = MAX_BINS,
  sampleLimit = 200_000,
): FeatureBins {
  if (maxBins < 2 || maxBins > MAX_BINS) throw new RangeError(`maxBins must be in 2..${MAX_BINS}`);
  // A deterministic stride sample keeps sorting bounded on very large columns.
  const stride = Math.max(1, Math.ceil(values.length / sampleLimit));
  const present = new Float64Array(Math.ceil(values.length / stride));
  let count = 0;
  for (let i = 0; i < values.length; i += stride) {
    const v = values[i]!;
    if (!Number.isNaN(v)) present[count++] = v;
  }
  const sorted = present.subarray(0, count).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  }
  if (distinct.length <= maxBins) return { cuts: Float64Array.from(distinct.slice(0, -1)) };
  const cuts: number[] = [];
  const n = sorted.length;
  for (let k = 1; k < maxBins; k++) {
    const q = sorted[Math.min(n - 1, Math.floor((k * n) / maxBins) - 1)]!;
    if (cuts.length === 0 || q > cuts[cuts.length - 1]!) cuts.push(q);
  }
  // The largest value must not be a cut: the last bin holds everything above the last cut.
  if (cuts[cuts.length - 1] === sorted[n - 1]) cuts.pop();
  return { cuts: Float64Array.from(cuts) };
}

/** Bin of one raw value (binary search over the cuts). */
export function binOf(value: number, cuts: Float64Array): number {
  if (Number.isNaN(value)) return MISSING_BIN;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= cuts[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface BinnedMatrix {
  rows: number;
  features: number;
  /** One Uint8Array column per feature (column storage: histogram building walks one column). */
  columns: Uint8Array[];
  bins: FeatureBins[];
}

/** Quantises raw columns (Float64Array, NaN = missing) with cuts learned from these columns. */
export function fitBins(columns: Float64Array[], maxBins = MAX_BINS): FeatureBins[] {
  return columns.map((column) => computeCuts(column, maxBins));
}

export function applyBins(columns: Float64Array[], bins: FeatureBins[]): BinnedMatrix {
  const rows = columns[0]?.length ?? 0;
  const binned = columns.map((column, f) => {
    const cuts = bins[f]!.cuts;
    const out = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) out[i] = binOf(column[i]!, cuts);
    return out;
  });
  return { rows, features: columns.length, columns: binned, bins };
}
