/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"): a customer's transaction
 * values are Gamma(p, ν) with ν ~ Gamma(q, γ), independent of the purchase process. Fitted on
 * repeat buyers only (x > 0), with m = mean value of their repeat purchases.
 */
import { maximizePositive } from '../optimize/nelder-mead.ts';
import { lgamma } from '../optimize/special.ts';
import type { RfmSummary } from './summary.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export function gammaGammaCustomerLogLikelihood(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = params;
  const px = p * x;
  return (
    lgamma(px + q) -
    lgamma(px) -
    lgamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(m) +
    px * Math.log(x) -
    (px + q) * Math.log(x * m + gamma)
  );
}

function repeatBuyers(s: RfmSummary): number[] {
  if (!s.monetary) throw new Error('Gamma-Gamma needs monetary values');
  const monetary = s.monetary;
  return s.ids.map((_, i) => i).filter((i) => (s.frequency[i] as number) > 0 && (monetary[i] as number) > 0);
}

/** Sum over repeat buyers with positive spend; other customers carry no spend information. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, s: RfmSummary): number {
  let total = 0;
  const monetary = s.monetary as Float64Array;
  for (const i of repeatBuyers(s)) {
    total += gammaGammaCustomerLogLikelihood(params, s.frequency[i] as number, monetary[i] as number);
  }
  return total;
}

const toParams = ([p, q, gamma]: number[]): GammaGammaParams => ({
  p: p as number,
  q: q as number,
  gamma: gamma as number,
});

export function fitGammaGamma(s: RfmSummary): {
  params: GammaGammaParams;
  logLikelihood: number;
  converged: boolean;
  customers: number;
} {
  const n = Math.max(1, repeatBuyers(s).length);
  const monetary = s.monetary as Float64Array;
  const meanSpend = repeatBuyers(s).reduce((acc, i) => acc + (monetary[i] as number), 0) / n;
  const starts = [
    [1, 1, 1],
    [2, 3, Math.max(1, meanSpend)],
    [5, 2, Math.max(1, meanSpend / 2)],
  ];
  const fit = maximizePositive((theta) => gammaGammaLogLikelihood(toParams(theta), s) / n, starts);
  const params = toParams(fit.theta);
  return {
    params,
    logLikelihood: gammaGammaLogLikelihood(params, s),
    converged: fit.converged,
    customers: n,
  };
}

/**
 * E[M | x, m]: expected value of a future purchase, shrinking the customer's own mean m towards
 * the population mean pγ/(q−1) — the fewer purchases, the stronger the pull.
 */
export function gammaGammaExpectedAverageSpend(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = params;
  return (p * (gamma + x * m)) / (p * x + q - 1);
}

/** Population mean spend per transaction pγ/(q − 1); Infinity when q ≤ 1. */
export function gammaGammaPopulationMeanSpend(params: GammaGammaParams): number {
  return params.q > 1 ? (params.p * params.gamma) / (params.q - 1) : Number.POSITIVE_INFINITY;
}
