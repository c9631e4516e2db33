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
  return numerator / denominator;
}
