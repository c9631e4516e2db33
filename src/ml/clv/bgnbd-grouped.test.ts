import { describe, expect, it } from 'vitest';
import { createRng } from '../gbdt/index.ts';
import { bgnbdLogLikelihood, fitBgNbd } from './bgnbd.ts';
import { fitBgNbdBounded } from './bgnbd-grouped.ts';
import type { RfmSummary } from './summary.ts';

/** Customers simulated from the BG/NBD story, observed for 52 weeks. */
function simulate(n: number, dropout: boolean): RfmSummary {
  const rng = createRng(3);
  const s: RfmSummary = {
    ids: [],
    frequency: new Float64Array(n),
    recency: new Float64Array(n),
    T: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const T = 10 + Math.floor(rng() * 43);
    const lambda = 0.05 + rng() * 0.5;
    const pDrop = rng() ** 3;
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += -Math.log(1 - rng()) / lambda;
      if (t > T) break;
      x += 1;
      last = t;
      if (dropout && rng() < pDrop) break;
    }
    s.ids.push(`c${i}`);
    s.frequency[i] = x;
    s.recency[i] = Math.round(last * 7) / 7;
    s.T[i] = T;
  }
  return s;
}

describe('fitBgNbdBounded', () => {
  it('reaches the same likelihood as the plain fit when the data show dropout', () => {
    const s = simulate(800, true);
    const plain = fitBgNbd(s);
    const bounded = fitBgNbdBounded(s);
    expect(bounded.atBound).toBe(false);
    expect(bounded.logLikelihood).toBeCloseTo(plain.logLikelihood, 3);
    expect(bounded.logLikelihood).toBeCloseTo(bgnbdLogLikelihood(bounded.params, s), 6);
    expect(bounded.params.b).toBeCloseTo(plain.params.b, 1);
  });

  it('stops b at the bound when nobody drops out, with a likelihood as good as the unbounded fit', () => {
    const s = simulate(800, false);
    const bounded = fitBgNbdBounded(s, { upper: 1e4 });
    expect(bounded.params.b).toBeLessThanOrEqual(1e4);
    expect(bounded.logLikelihood).toBeGreaterThan(fitBgNbd(s).logLikelihood - 0.5);
  });
});
