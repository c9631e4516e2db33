import { describe, expect, it } from 'vitest';
import { createRng } from '../gbdt/index.ts';
import { fitGammaGamma, gammaGammaLogLikelihood } from './gamma-gamma.ts';
import { fitGammaGammaFast } from './gamma-gamma-fast.ts';
import type { RfmSummary } from './summary.ts';

function spendSummary(n: number): RfmSummary {
  const rng = createRng(9);
  const s: RfmSummary = {
    ids: [],
    frequency: new Float64Array(n),
    recency: new Float64Array(n),
    T: new Float64Array(n),
    monetary: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    s.ids.push(`c${i}`);
    const x = Math.floor(rng() * 6);
    s.frequency[i] = x;
    (s.monetary as Float64Array)[i] = x > 0 ? 20 + rng() * rng() * 200 : 0;
  }
  return s;
}

describe('fitGammaGammaFast', () => {
  it('reaches the likelihood of the plain fit, and reports it on the same scale', () => {
    const s = spendSummary(600);
    const plain = fitGammaGamma(s);
    const fast = fitGammaGammaFast(s);
    expect(fast.customers).toBe(plain.customers);
    expect(fast.logLikelihood).toBeGreaterThan(plain.logLikelihood - 1e-3);
    expect(gammaGammaLogLikelihood(fast.params, s)).toBeCloseTo(fast.logLikelihood, 3);
  });
});
