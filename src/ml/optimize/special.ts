/**
 * Special functions for likelihoods over counts: log-gamma and the Gaussian hypergeometric
 * function 2F1, both computed on the log scale so that large counts do not overflow.
 */

// Lanczos coefficients (g = 7, n = 9): about 15 significant digits for x ≥ 0.5.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LOG_SQRT_2PI = 0.9189385332046728;

/** log |Γ(x)|; Infinity at the poles (0, -1, -2, …). */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0 && Number.isInteger(x)) return Number.POSITIVE_INFINITY;
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  if (x > 1e7) {
    // Stirling with the first correction term; the Lanczos sum loses digits here.
    return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + 1 / (12 * x);
  }
  const y = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return LOG_SQRT_2PI + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

export interface Hyp2f1Options {
  /** Relative size of the last term at which the series stops. */
  tolerance?: number;
  /** Terms to try before giving up (NaN): the series converges slowly as z → 1. */
  maxTerms?: number;
}

/**
 * log 2F1(a, b; c; z) for 0 ≤ z < 1 by its power series, accumulated with a running scale
 * so that sums beyond 1e300 stay finite. NaN when the series has not converged within
 * maxTerms or the sum is not positive (the log is undefined); likelihoods treat NaN as an
 * infeasible point.
 */
export function logHyp2f1(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  const tolerance = options.tolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 200_000;
  if (!(z >= 0 && z < 1)) return Number.NaN;
  if (z === 0 || a === 0 || b === 0) return 0;
  let term = 1;
  let sum = 1;
  let logScale = 0;
  for (let n = 0; n < maxTerms; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (Math.abs(term) <= tolerance * Math.abs(sum)) {
      return sum > 0 ? logScale + Math.log(sum) : Number.NaN;
    }
    if (term === 0) break;
    if (Math.abs(sum) > 1e250) {
      // Keep the numbers representable: factor the scale out into the log.
      logScale += Math.log(1e250);
      sum /= 1e250;
      term /= 1e250;
    }
  }
  return term === 0 && sum > 0 ? logScale + Math.log(sum) : Number.NaN;
}

/** 2F1(a, b; c; z) for 0 ≤ z < 1 (exp of logHyp2f1; NaN when that is NaN). */
export function hyp2f1(a: number, b: number, c: number, z: number, options?: Hyp2f1Options): number {
  return Math.exp(logHyp2f1(a, b, c, z, options));
}

/** log(e^x + e^y) without overflow. */
export function logAddExp(x: number, y: number): number {
  if (x === Number.NEGATIVE_INFINITY) return y;
  if (y === Number.NEGATIVE_INFINITY) return x;
  const m = Math.max(x, y);
  return m + Math.log1p(Math.exp(-Math.abs(x - y)));
}

/** log(e^x − e^y) for x ≥ y; −Infinity when they are equal. */
export function logSubExp(x: number, y: number): number {
  if (y === Number.NEGATIVE_INFINITY) return x;
  if (y > x) return Number.NaN;
  if (y === x) return Number.NEGATIVE_INFINITY;
  return x + Math.log1p(-Math.exp(y - x));
}

/** Continued fraction of I_x(a, b) (modified Lentz); converges fast for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const clamp = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / clamp(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 / clamp(1 + even * d);
    c = clamp(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 / clamp(1 + odd * d);
    c = clamp(1 + odd / c);
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/**
 * The regularized incomplete beta I_x(a, b) = P(Beta(a, b) ≤ x) for a, b > 0, by its continued
 * fraction on whichever side of the mean converges fast (symmetry I_x(a, b) = 1 − I_{1−x}(b, a)),
 * with the prefactor x^a (1 − x)^b / (a B(a, b)) in logs so large a, b do not overflow.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || !(a > 0) || !(b > 0)) return Number.NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2))
    return Math.min(1, (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a);
  return Math.max(0, 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b);
}
