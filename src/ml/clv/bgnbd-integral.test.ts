import { describe, expect, it } from 'vitest';
import { bgnbdConditionalExpectedByIntegral, bgnbdConditionalExpectedPurchases } from './index.ts';

describe('BG/NBD conditional expectation by integral', () => {
  it('agrees with the closed form wherever the hypergeometric series converges', () => {
    // CDNOW-like weekly parameters, a fit near the bounds, and a small-a, small-b case.
    const cases = [
      { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
      { r: 2.1, alpha: 40, a: 638, b: 9999 },
      { r: 0.5, alpha: 12, a: 0.2, b: 0.9 },
    ];
    for (const params of cases) {
      for (const [x, tx, T] of [
        [0, 0, 30],
        [1, 10, 30],
        [4, 25, 39],
        [12, 70, 78],
      ] as const) {
        for (const t of [13, 52]) {
          const closed = bgnbdConditionalExpectedPurchases(params, t, x, tx, T);
          const integral = bgnbdConditionalExpectedByIntegral(params, t, x, tx, T);
          expect(Number.isFinite(closed)).toBe(true);
          expect(Math.abs(integral - closed) / closed, JSON.stringify({ params, x, tx, T, t })).toBeLessThan(
            1e-6,
          );
        }
      }
    }
  });

  it('gives a finite expectation where the series does not converge', () => {
    // t / (α + T + t) ≈ 1: a newly seen customer under a tiny α.
    const params = { r: 0.01, alpha: 0.001, a: 0.5, b: 10 };
    for (const x of [0, 1, 10]) {
      const value = bgnbdConditionalExpectedPurchases(params, 90, x, 0, 0);
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThan(0);
    }
  });
});
