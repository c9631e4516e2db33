import { describe, expect, it } from 'vitest';
import { bgnbdProbabilityAtLeast } from './bgnbd-count.ts';
import { probabilityOfReachingSpend, spendReach } from './spend-reach.ts';

// CDNOW-like BG/NBD parameters in weeks; a 13-week horizon.
const bgnbd = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const weeks = 13;
const active = { x: 10, tx: 51, T: 52, m: 5_000 };
// A realistic spread: each purchase's spend has a coefficient of variation near 1.
const spread = { p: 1.2, q: 4, gamma: 12_000 };

describe('the probability of reaching a spend', () => {
  it('equals the count-only P(Y ≥ ⌈need / m⌉) when each purchase spends almost exactly m', () => {
    // p and q huge with the mean pγ/(q − 1) = 5,000: per-purchase spend and its rate are nearly fixed.
    const tight = { p: 1e5, q: 1e7, gamma: (5_000 * (1e7 - 1)) / 1e5 };
    for (const h of [active, { x: 3, tx: 20, T: 40, m: 5_000 }, { x: 0, tx: 0, T: 10, m: 0 }]) {
      for (const need of [1_000, 7_500, 12_400, 26_000]) {
        const k = Math.ceil(need / 5_000);
        const countOnly = bgnbdProbabilityAtLeast(bgnbd, weeks, h.x, h.tx, h.T, k);
        expect(Math.abs(probabilityOfReachingSpend(bgnbd, tight, h, weeks, need) - countOnly)).toBeLessThan(
          1e-3,
        );
      }
    }
  });

  it('decreases as the amount needed grows, and stays in [0, 1]', () => {
    for (const h of [active, { x: 1, tx: 2, T: 30, m: 800 }, { x: 0, tx: 0, T: 5, m: 0 }]) {
      const reach = spendReach(bgnbd, spread, h, weeks);
      let last = 1;
      for (let need = 10; need < 200_000; need *= 1.3) {
        const p = reach(need);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(last + 1e-12);
        last = p;
      }
      expect(last).toBeLessThan(0.05);
    }
  });

  it('is certain for a need of zero or less, and impossible for an infinite one', () => {
    const reach = spendReach(bgnbd, spread, active, weeks);
    expect(reach(0)).toBe(1);
    expect(reach(-50)).toBe(1);
    expect(reach(Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('tends to P(at least one purchase) for a tiny need, and gives more than count-only just past one purchase', () => {
    const reach = spendReach(bgnbd, spread, active, weeks);
    const one = bgnbdProbabilityAtLeast(bgnbd, weeks, 10, 51, 52, 1);
    expect(reach(1e-3)).toBeCloseTo(one, 6);
    // Two purchases by count; with spread, one large purchase can already do it.
    const two = bgnbdProbabilityAtLeast(bgnbd, weeks, 10, 51, 52, 2);
    expect(reach(5_100)).toBeGreaterThan(two);
  });
});
