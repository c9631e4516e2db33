import { describe, expect, it } from 'vitest';
import { regularizedIncompleteBeta as ibeta, lgamma } from './special.ts';

/** I_x(a, b) by Simpson's rule on the beta density (an independent check of the continued fraction). */
function simpson(x: number, a: number, b: number, n = 20_000): number {
  const logNorm = lgamma(a + b) - lgamma(a) - lgamma(b);
  // For a < 1, t = x·u^(1/a) removes the t^(a−1) singularity at 0 (dt = x/a · u^(1/a−1) du);
  // otherwise t = x·u, the density as it is.
  const f =
    a < 1
      ? (u: number) =>
          Math.exp(logNorm + a * Math.log(x) - Math.log(a) + (b - 1) * Math.log1p(-x * u ** (1 / a)))
      : (u: number) =>
          u === 0 ? 0 : x * Math.exp(logNorm + (a - 1) * Math.log(x * u) + (b - 1) * Math.log1p(-x * u));
  const h = 1 / n;
  let sum = f(0) + f(1);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(i * h);
  return (sum * h) / 3;
}

describe('the regularized incomplete beta', () => {
  it('is x for a = b = 1, x^a for b = 1 and 1 − (1 − x)^b for a = 1', () => {
    for (const x of [0.001, 0.1, 0.37, 0.5, 0.9, 0.999]) {
      expect(ibeta(x, 1, 1)).toBeCloseTo(x, 13);
      for (const s of [0.5, 2, 7.5, 40]) {
        expect(ibeta(x, s, 1)).toBeCloseTo(x ** s, 12);
        expect(ibeta(x, 1, s)).toBeCloseTo(1 - (1 - x) ** s, 12);
      }
    }
  });

  it('is symmetric: I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    for (const [x, a, b] of [
      [0.2, 3, 5],
      [0.7, 0.5, 2],
      [0.45, 30, 40],
      [0.01, 300, 2],
      [0.999, 2, 300],
    ] as const) {
      expect(ibeta(x, a, b)).toBeCloseTo(1 - ibeta(1 - x, b, a), 12);
    }
  });

  it('agrees with Simpson integration of the beta density for a, b in {0.5, 2, 30, 300}', () => {
    const shapes = [0.5, 2, 30, 300];
    for (const a of shapes) {
      for (const b of shapes) {
        const mean = a / (a + b);
        for (const x of [mean * 0.5, mean, Math.min(0.99, mean * 1.3 + 0.01)]) {
          expect(Math.abs(ibeta(x, a, b) - simpson(x, a, b)), `${x} ${a} ${b}`).toBeLessThan(1e-7);
        }
      }
    }
  });

  it('is 0 at x = 0 and 1 at x = 1, increasing in between', () => {
    expect(ibeta(0, 2, 3)).toBe(0);
    expect(ibeta(1, 2, 3)).toBe(1);
    expect(ibeta(-0.5, 2, 3)).toBe(0);
    let last = 0;
    for (let x = 0.01; x < 1; x += 0.01) {
      const v = ibeta(x, 4.5, 120);
      expect(v).toBeGreaterThanOrEqual(last);
      last = v;
    }
    expect(Number.isNaN(ibeta(0.5, 0, 1))).toBe(true);
  });
});
