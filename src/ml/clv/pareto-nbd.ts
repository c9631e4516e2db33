/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987): while alive a customer buys as a Poisson
 * process with rate λ ~ Gamma(r, α); the lifetime is exponential with rate μ ~ Gamma(s, β).
 * The likelihood uses the Fader–Hardie form with one hypergeometric function, choosing the
 * branch with |α − β| / (max(α, β) + t) so the series argument stays below 1 (as lifetimes does).
 */
import { maximizePositive } from '../optimize/nelder-mead.ts';
import { lgamma, logAddExp, logHyp2f1, logSubExp } from '../optimize/special.ts';
import type { RfmSummary } from './summary.ts';

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/**
 * log A₀, where A₀ = [2F1(·; z(t_x)) / (m + t_x)^{r+s+x} − 2F1(·; z(T)) / (m + T)^{r+s+x}]
 * with m = max(α, β): the probability mass of dying between the last purchase and T.
 * −Infinity when t_x = T (no such interval).
 */
/**
 * The series needs ~ log(ε)/log(z) terms; past this many (z above ≈ 0.997, only at extreme α/β
 * ratios) the point counts as infeasible rather than stalling the optimiser.
 */
const HYP_OPTIONS = { maxTerms: 10_000 };

function logA0(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const [lo, hi, second] = alpha < beta ? [alpha, beta, r + x] : [beta, alpha, s + 1];
  const diff = hi - lo;
  const rsx = r + s + x;
  const logP1 = logHyp2f1(rsx, second, rsx + 1, diff / (hi + tx), HYP_OPTIONS);
  const logP2 = logHyp2f1(rsx, second, rsx + 1, diff / (hi + T), HYP_OPTIONS);
  const logQ1 = Math.log(hi + tx);
  const logQ2 = Math.log(hi + T);
  return logSubExp(logP1 + rsx * logQ2, logP2 + rsx * logQ1) - rsx * (logQ1 + logQ2);
}

export function paretoCustomerLogLikelihood(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const rsx = r + s + x;
  const a1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const aliveAtT = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const diedBefore = Math.log(s) + logA0(p, x, tx, T) - Math.log(rsx);
  return a1 + logAddExp(aliveAtT, diedBefore);
}

export function paretoLogLikelihood(p: ParetoNbdParams, s: RfmSummary): number {
  let total = 0;
  for (let i = 0; i < s.ids.length; i++) {
    total += paretoCustomerLogLikelihood(
      p,
      s.frequency[i] as number,
      s.recency[i] as number,
      s.T[i] as number,
    );
  }
  return total;
}

const toParams = ([r, alpha, s, beta]: number[]): ParetoNbdParams => ({
  r: r as number,
  alpha: alpha as number,
  s: s as number,
  beta: beta as number,
});

export function fitParetoNbd(s: RfmSummary): {
  params: ParetoNbdParams;
  logLikelihood: number;
  converged: boolean;
} {
  const n = s.ids.length;
  const meanT = s.T.reduce((acc, t) => acc + t, 0) / Math.max(1, n);
  const scale = Math.max(1, meanT / 4);
  const starts = [
    [1, 1, 1, 1],
    [0.5, scale, 0.5, scale],
    [1, scale * 2, 1, scale * 2],
  ];
  const fit = maximizePositive((theta) => paretoLogLikelihood(toParams(theta), s) / n, starts, {
    lower: 1e-6,
    upper: 1e6,
  });
  const params = toParams(fit.theta);
  return { params, logLikelihood: paretoLogLikelihood(params, s), converged: fit.converged };
}

/** P(alive at T | x, t_x, T). */
export function paretoProbabilityAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const logRatio =
    Math.log(s) -
    Math.log(r + s + x) +
    (r + x) * Math.log(alpha + T) +
    s * Math.log(beta + T) +
    logA0(p, x, tx, T);
  return 1 / (1 + Math.exp(logRatio));
}

/** log[(1 − (u)^{s−1}) / (s − 1)] with u = (β+T)/(β+T+t), continuous at s = 1. */
function logSurvivalIntegral(s: number, logU: number): number {
  const k = s - 1;
  if (Math.abs(k) < 1e-10) return Math.log(-logU);
  return Math.log(-Math.expm1(k * logU) / k);
}

/** E[X(t)] of a newly acquired customer. */
export function paretoExpectedPurchases(p: ParetoNbdParams, t: number): number {
  const { r, alpha, s, beta } = p;
  return Math.exp(
    Math.log(r) + Math.log(beta) - Math.log(alpha) + logSurvivalIntegral(s, Math.log(beta / (beta + t))),
  );
}

/** E[Y(t) | x, t_x, T]. */
export function paretoConditionalExpectedPurchases(
  p: ParetoNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, s, beta } = p;
  const likelihood = paretoCustomerLogLikelihood(p, x, tx, T);
  const aliveTerm =
    lgamma(r + x) -
    lgamma(r) +
    r * Math.log(alpha) +
    s * Math.log(beta) -
    (r + x) * Math.log(alpha + T) -
    s * Math.log(beta + T);
  const rate = Math.log(r + x) + Math.log(beta + T) - Math.log(alpha + T);
  return Math.exp(
    aliveTerm + rate + logSurvivalIntegral(s, Math.log((beta + T) / (beta + T + t))) - likelihood,
  );
}
