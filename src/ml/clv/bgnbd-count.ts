/**
 * The distribution of a BG/NBD customer's purchase count in the next t periods, given their
 * history (x repeat purchases, the last at t_x, observed for T). Given alive, λ ~ Gamma(r + x,
 * α + T) and p ~ Beta(a, b + x) independently; a live buyer purchases as a Poisson process and
 * drops out with probability p after each purchase, so for k ≥ 1
 *
 *   P(Y(t) ≥ k) = P(alive) · B(a, b + x + k − 1) / B(a, b + x) · P(N ≥ k),
 *
 * where N is the negative binomial count of the Gamma-mixed Poisson over t (the buyer must
 * survive the first k − 1 purchases; dropping out after the k-th no longer matters).
 */
import { lgamma } from '../optimize/special.ts';
import { type BgNbdParams, bgnbdProbabilityAlive } from './bgnbd.ts';

/** Below this the rest of a decreasing negative binomial tail is treated as nothing. */
const NEGLIGIBLE = 1e-18;

/** log B(a, b) from log-gamma. */
function logBeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/**
 * P(N ≥ k) for N ~ NB: P(N = n) = Γ(R + n) / (Γ(R) n!) · q^R · (1 − q)^n. The pmf is carried in
 * logs (q^R underflows for long histories) and summed up to k − 1; the loop stops early once
 * a geometric bound on the rest of the tail is negligible (a far threshold costs O(mean)).
 */
export function negativeBinomialAtLeast(R: number, q: number, k: number): number {
  if (k <= 0) return 1;
  if (!(q < 1)) return 0;
  if (!(q > 0)) return 1;
  const logRest = Math.log1p(-q);
  let logPmf = R * Math.log(q);
  let cdf = 0;
  for (let n = 0; n < k; n++) {
    cdf += Math.exp(logPmf);
    logPmf += Math.log((R + n) / (n + 1)) + logRest;
    // Every later ratio P(m + 1) / P(m) is at most (1 − q) · max(1, (R + n + 1) / (n + 2)), so
    // when that bound ρ is below 1 the rest of the tail is at most P(n + 1) / (1 − ρ).
    const bound = Math.log(Math.max(1, (R + n + 1) / (n + 2))) + logRest;
    if (bound < 0 && Math.exp(logPmf) / -Math.expm1(bound) < NEGLIGIBLE) return 0;
  }
  return Math.min(1, Math.max(0, 1 - cdf));
}

/** P(Y(t) ≥ k | x, t_x, T): the probability of at least k purchases in the next t periods. */
export function bgnbdProbabilityAtLeast(
  p: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
  k: number,
): number {
  if (k <= 0) return 1;
  if (!Number.isFinite(k) || !(t > 0)) return 0;
  const { r, alpha, a, b } = p;
  const survive = Math.exp(logBeta(a, b + x + k - 1) - logBeta(a, b + x));
  const count = negativeBinomialAtLeast(r + x, (alpha + T) / (alpha + T + t), k);
  return Math.min(1, Math.max(0, bgnbdProbabilityAlive(p, x, tx, T) * survive * count));
}

/**
 * P(Y(t) ≥ k) for k = 0 … kMax in one pass (the survival factor and the pmf by recursion):
 * the whole tail, e.g. to sum E[Y] = Σₖ P(Y ≥ k) or to read several thresholds at once.
 */
export function bgnbdPurchaseTail(
  p: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
  kMax: number,
): Float64Array {
  const out = new Float64Array(kMax + 1);
  out[0] = 1;
  if (!(t > 0)) return out;
  const { r, alpha, a, b } = p;
  const alive = bgnbdProbabilityAlive(p, x, tx, T);
  const R = r + x;
  const q = (alpha + T) / (alpha + T + t);
  const logRest = Math.log1p(-q);
  let logPmf = R * Math.log(q);
  let cdf = 0;
  let logSurvive = 0;
  for (let k = 1; k <= kMax; k++) {
    cdf += Math.exp(logPmf);
    logPmf += Math.log((R + k - 1) / k) + logRest;
    if (k > 1) logSurvive += Math.log((b + x + k - 2) / (a + b + x + k - 2));
    out[k] = Math.min(1, Math.max(0, alive * Math.exp(logSurvive) * (1 - cdf)));
  }
  return out;
}
