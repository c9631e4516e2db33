import { describe, expect, it } from 'vitest';
import { lgamma } from '../optimize/special.ts';
import {
  bgnbdConditionalExpectedPurchases,
  bgnbdProbabilityAlive,
  bgnbdProbabilityAtLeast,
  bgnbdPurchaseTail,
  negativeBinomialAtLeast,
} from './index.ts';

const CASES = [
  { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, // CDNOW-like, weeks
  { r: 2.1, alpha: 40, a: 638, b: 9999 }, // a fit at the bound: practically no dropout
  { r: 0.5, alpha: 12, a: 0.2, b: 0.9 },
];
const HISTORIES = [
  [0, 0, 30],
  [1, 10, 30],
  [4, 25, 39],
  [12, 70, 78],
  [3, 2, 52], // lapsed: last purchase long ago
] as const;

describe('BG/NBD purchase count distribution', () => {
  it('sums P(Y ≥ k) over k ≥ 1 to the conditional expectation E[Y]', () => {
    for (const params of CASES) {
      for (const [x, tx, T] of HISTORIES) {
        for (const t of [13, 52]) {
          const tail = bgnbdPurchaseTail(params, t, x, tx, T, 4000);
          expect(tail.at(-1) as number).toBeLessThan(1e-12);
          let sum = 0;
          for (let k = 1; k < tail.length; k++) sum += tail[k] as number;
          const expected = bgnbdConditionalExpectedPurchases(params, t, x, tx, T);
          const where = JSON.stringify({ params, x, tx, T, t });
          expect(Math.abs(sum - expected) / expected, where).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('starts at 1 for k = 0, never rises with k, and agrees with the single-k form', () => {
    for (const params of CASES) {
      for (const [x, tx, T] of HISTORIES) {
        const tail = bgnbdPurchaseTail(params, 13, x, tx, T, 60);
        expect(tail[0]).toBe(1);
        expect(bgnbdProbabilityAtLeast(params, 13, x, tx, T, 0)).toBe(1);
        for (let k = 1; k < tail.length; k++) {
          expect(tail[k] as number).toBeLessThanOrEqual(tail[k - 1] as number);
          expect(tail[k] as number).toBeGreaterThanOrEqual(0);
          const single = bgnbdProbabilityAtLeast(params, 13, x, tx, T, k);
          // lgamma of b ≈ 10⁴ carries ~12 digits; the recursion in the tail is exact.
          expect(Math.abs(single - (tail[k] as number))).toBeLessThan(1e-9 * (tail[k] as number) + 1e-15);
        }
        // At least one purchase needs the member alive: P(Y ≥ 1) ≤ P(alive).
        expect(tail[1] as number).toBeLessThanOrEqual(bgnbdProbabilityAlive(params, x, tx, T) + 1e-15);
      }
    }
  });

  it('gives a lapsed member a lower chance of buying again than an active one with the same count', () => {
    const params = CASES[0] as (typeof CASES)[number];
    const active = bgnbdProbabilityAtLeast(params, 13, 5, 50, 52, 1);
    const lapsed = bgnbdProbabilityAtLeast(params, 13, 5, 10, 52, 1);
    expect(active).toBeGreaterThan(0.5);
    expect(lapsed).toBeLessThan(0.1);
  });

  it('stays finite and in [0, 1] where the expectation series would not converge, and for far thresholds', () => {
    const params = { r: 0.01, alpha: 0.001, a: 0.5, b: 10 };
    for (const k of [1, 5, 1_000, 1e6, Number.POSITIVE_INFINITY]) {
      const value = bgnbdProbabilityAtLeast(params, 13, 3, 1, 2, k);
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    expect(bgnbdProbabilityAtLeast(CASES[0] as (typeof CASES)[number], 13, 2, 20, 30, 1e9)).toBe(0);
  });
});

describe('negative binomial tail', () => {
  const pmf = (R: number, q: number, n: number) =>
    Math.exp(lgamma(R + n) - lgamma(R) - lgamma(n + 1) + R * Math.log(q) + n * Math.log1p(-q));

  it('equals one minus the directly summed probabilities', () => {
    for (const [R, q] of [
      [0.243, 0.4],
      [3.5, 0.3],
      [14.1, 0.69],
    ] as const) {
      let cdf = 0;
      for (let k = 1; k < 40; k++) {
        cdf += pmf(R, q, k - 1);
        expect(negativeBinomialAtLeast(R, q, k)).toBeCloseTo(1 - cdf, 12);
      }
    }
  });

  it('handles a long history whose probability of no purchase underflows', () => {
    // R = 2000, q = 0.5: mean 2000, sd ≈ 63; q^R = 2^−2000 is below the smallest double.
    expect(negativeBinomialAtLeast(2000, 0.5, 1700)).toBeGreaterThan(0.999);
    expect(negativeBinomialAtLeast(2000, 0.5, 2000)).toBeCloseTo(0.5, 1);
    expect(negativeBinomialAtLeast(2000, 0.5, 2300)).toBeLessThan(0.001);
  });
});
