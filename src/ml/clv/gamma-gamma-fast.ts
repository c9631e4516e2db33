/**
 * Gamma-Gamma for large shops: the same likelihood as fitGammaGamma, with the repeat buyers
 * gathered once into typed arrays, the terms that depend on x alone summed per distinct x, and
 * the optimiser stopped at 1e-7 in log-parameters (the data do not determine them closer).
 */
import { maximizePositive } from '../optimize/nelder-mead.ts';
import { lgamma } from '../optimize/special.ts';
import type { GammaGammaParams } from './gamma-gamma.ts';
import type { RfmSummary } from './summary.ts';

interface Buyers {
  x: Float64Array;
  m: Float64Array;
  logM: Float64Array;
  xs: Float64Array;
  counts: Float64Array;
  /** Repeat buyers with positive spend (the only ones the likelihood reads). */
  n: number;
}

function gather(s: RfmSummary): Buyers {
  const monetary = s.monetary ?? new Float64Array(s.ids.length);
  const rows: number[] = [];
  s.frequency.forEach((x, i) => {
    if (x > 0 && (monetary[i] as number) > 0) rows.push(i);
  });
  const byX = new Map<number, number>();
  for (const i of rows) byX.set(s.frequency[i] as number, (byX.get(s.frequency[i] as number) ?? 0) + 1);
  const keys = [...byX.keys()].sort((a, b) => a - b);
  return {
    x: Float64Array.from(rows, (i) => s.frequency[i] as number),
    m: Float64Array.from(rows, (i) => monetary[i] as number),
    logM: Float64Array.from(rows, (i) => Math.log(monetary[i] as number)),
    xs: Float64Array.from(keys),
    counts: Float64Array.from(keys, (k) => byX.get(k) as number),
    n: rows.length,
  };
}

function logLikelihood({ p, q, gamma }: GammaGammaParams, b: Buyers): number {
  let total = b.n * (q * Math.log(gamma) - lgamma(q));
  for (let k = 0; k < b.xs.length; k++) {
    const px = p * (b.xs[k] as number);
    total += (b.counts[k] as number) * (lgamma(px + q) - lgamma(px) + px * Math.log(b.xs[k] as number));
  }
  for (let i = 0; i < b.n; i++) {
    const x = b.x[i] as number;
    const px = p * x;
    total += (px - 1) * (b.logM[i] as number) - (px + q) * Math.log(x * (b.m[i] as number) + gamma);
  }
  return total;
}

/** Maximum likelihood Gamma-Gamma on the repeat buyers of `s` (same starts as fitGammaGamma). */
export function fitGammaGammaFast(s: RfmSummary): {
  params: GammaGammaParams;
  logLikelihood: number;
  converged: boolean;
  customers: number;
} {
  const b = gather(s);
  const n = Math.max(1, b.n);
  const meanSpend = b.m.reduce((acc, v) => acc + v, 0) / n;
  const starts = [
    [1, 1, 1],
    [2, 3, Math.max(1, meanSpend)],
    [5, 2, Math.max(1, meanSpend / 2)],
  ];
  const toParams = ([p, q, gamma]: number[]) => ({ p: p as number, q: q as number, gamma: gamma as number });
  const fit = maximizePositive((theta) => logLikelihood(toParams(theta), b) / n, starts, {
    maxRestarts: 2,
    xTolerance: 1e-7,
    fTolerance: 1e-10,
  });
  const params = toParams(fit.theta);
  return { params, logLikelihood: logLikelihood(params, b), converged: fit.converged, customers: b.n };
}
