/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a
 * customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase they drop
 * out with probability p ~ Beta(a, b).
 */
import { maximizePositive } from '../optimize/nelder-mead.ts';
import { lgamma, logAddExp, logHyp2f1 } from '../optimize/special.ts';
import type { RfmSummary } from './summary.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Log-likelihood of one customer (x repeat purchases, last at t_x, observed for T). */
export function bgnbdCustomerLogLikelihood(p: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const a1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
  const a2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  if (x === 0) return a1 + a2 + a3;
  const a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return a1 + a2 + logAddExp(a3, a4);
}

export function bgnbdLogLikelihood(p: BgNbdParams, s: RfmSummary): number {
  let total = 0;
  for (let i = 0; i < s.ids.length; i++) {
    total += bgnbdCustomerLogLikelihood(
      p,
      s.frequency[i] as number,
      s.recency[i] as number,
      s.T[i] as number,
    );
  }
  return total;
}

const toParams = ([r, alpha, a, b]: number[]): BgNbdParams => ({
  r: r as number,
  alpha: alpha as number,
  a: a as number,
  b: b as number,
});

/** Maximum likelihood fit from several starts (α starts at the data's time scale). */
export function fitBgNbd(s: RfmSummary): { params: BgNbdParams; logLikelihood: number; converged: boolean } {
  const n = s.ids.length;
  const meanT = s.T.reduce((acc, t) => acc + t, 0) / Math.max(1, n);
  const starts = [
    [1, 1, 1, 1],
    [0.5, Math.max(1, meanT / 4), 1, 3],
    [0.2, Math.max(1, meanT / 8), 0.5, 2],
  ];
  const fit = maximizePositive((theta) => bgnbdLogLikelihood(toParams(theta), s) / n, starts);
  const params = toParams(fit.theta);
  return { params, logLikelihood: bgnbdLogLikelihood(params, s), converged: fit.converged };
}

/** P(alive at T | x, t_x, T). A customer without repeats is alive for sure (BG/NBD's convention). */
export function bgnbdProbabilityAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = p;
  const logRatio = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logRatio));
}

/** E[X(t)]: expected purchases in (0, t] of a newly acquired customer. */
export function bgnbdExpectedPurchases(p: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = p;
  const hyp = Math.exp(logHyp2f1(r, b, a + b - 1, t / (alpha + t)) + r * Math.log(alpha / (alpha + t)));
  return ((a + b - 1) / (a - 1)) * (1 - hyp);
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t periods of a customer with this history. */
export function bgnbdConditionalExpectedPurchases(
  p: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, a, b } = p;
  const first = (a + b + x - 1) / (a - 1);
  const hyp = Math.exp(
    logHyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)) +
      (r + x) * Math.log((alpha + T) / (alpha + t + T)),
  );
  const numerator = first * (1 - hyp);
  const denominator =
    x > 0 ? 1 + (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))) : 1;
  const closed = numerator / denominator;
  // The hypergeometric series fails to converge as t / (α + T + t) → 1 (a tiny α, or a fit at
  // its bounds on a small shop); the integral form gives the same number there.
  return Number.isFinite(closed) && closed >= 0 ? closed : bgnbdConditionalExpectedByIntegral(p, t, x, tx, T);
}

const INTEGRAL_POINTS = 4001;

/**
 * E[Y(t) | x, t_x, T] as P(alive) × E[(1 − e^{−λpt}) / p | alive]: alive, λ ~ Gamma(r + x, α + T)
 * and p ~ Beta(a, b + x), and a Poisson buyer who drops out with probability p after each
 * purchase makes (1 − e^{−λpt}) / p purchases in t on average. The λ expectation is closed
 * form; the p expectation is a trapezoid sum over logit(p), where the Beta density is smooth
 * with exponential tails (so the sum converges fast) and its normalising constant cancels.
 */
export function bgnbdConditionalExpectedByIntegral(
  p: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, a, b } = p;
  const b1 = b + x;
  const mode = Math.log(a / b1);
  const spread = Math.sqrt(1 / (a * a) + 1 / a + 1 / (b1 * b1) + 1 / b1);
  const left = Math.max(12 * spread, 40 / a);
  const right = Math.max(12 * spread, 40 / b1);
  const step = (left + right) / (INTEGRAL_POINTS - 1);
  const logDensity = (y: number) => -a * Math.log1p(Math.exp(-y)) - b1 * Math.log1p(Math.exp(y));
  const peak = logDensity(mode);
  let mass = 0;
  let sum = 0;
  for (let i = 0; i < INTEGRAL_POINTS; i++) {
    const y = mode - left + i * step;
    const weight = Math.exp(logDensity(y) - peak) * (i === 0 || i === INTEGRAL_POINTS - 1 ? 0.5 : 1);
    const q = 1 / (1 + Math.exp(-y));
    // (1 − (1 + qt/(α+T))^−(r+x)) / q, written with expm1/log1p so it stays exact as q → 0.
    const g = -Math.expm1(-(r + x) * Math.log1p((q * t) / (alpha + T))) / q;
    mass += weight;
    sum += weight * g;
  }
  return bgnbdProbabilityAlive(p, x, tx, T) * (sum / mass);
}
