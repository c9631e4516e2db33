/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n − 1 keys,
 * `2·H(n−1) − 2(n−1)/n` (H the harmonic number), with c(2) = 1 and c(n) = 0 for n ≤ 1. Liu, Ting
 * & Zhou (2008) use it twice: to normalise the path length in the anomaly score, and as the
 * expected remaining depth below a leaf that still holds n training rows when growth stopped.
 *
 * The paper approximates H(i) by ln(i) + γ; we use the harmonic number itself (summed exactly up to
 * {@link EXACT_HARMONIC_LIMIT}, beyond that the asymptotic series, accurate to ~1e-16), because
 * the approximation is off by 0.2 at i = 2, where small leaves live. So c(256) = 10.2487 here
 * against the paper's 10.2448.
 */

const EULER_GAMMA = 0.5772156649015329;

/** Harmonic numbers up to this are summed term by term; beyond it the series is exact to rounding. */
export const EXACT_HARMONIC_LIMIT = 1024;

/** H(i) = 1 + 1/2 + … + 1/i (0 for i ≤ 0). */
export function harmonicNumber(i: number): number {
  if (i <= 0) return 0;
  if (i <= EXACT_HARMONIC_LIMIT) {
    let sum = 0;
    // Smallest terms first: less rounding error.
    for (let k = i; k >= 1; k--) sum += 1 / k;
    return sum;
  }
  const inv = 1 / i;
  const inv2 = inv * inv;
  return Math.log(i) + EULER_GAMMA + inv / 2 - inv2 / 12 + (inv2 * inv2) / 120;
}

/** c(n) as defined above; n is a count of rows. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * harmonicNumber(n - 1) - (2 * (n - 1)) / n;
}

/** c(0..maxN) as a table, so scoring looks leaf corrections up instead of summing. */
export function averagePathLengthTable(maxN: number): Float64Array {
  // Each entry from the same function as a direct call, so a table look-up and averagePathLength(n)
  // agree bit for bit (an incremental harmonic sum would round differently).
  const table = new Float64Array(maxN + 1);
  for (let n = 0; n <= maxN; n++) table[n] = averagePathLength(n);
  return table;
}
