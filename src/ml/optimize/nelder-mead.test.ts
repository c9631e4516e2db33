import { describe, expect, it } from 'vitest';
import { maximizePositive, minimizeMultiStart, nelderMead } from './nelder-mead.ts';

const rosenbrock = ([x, y]: number[]) =>
  100 * ((y as number) - (x as number) ** 2) ** 2 + (1 - (x as number)) ** 2;

describe('nelderMead', () => {
  it('finds the Rosenbrock minimum', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
  });

  it('is deterministic', () => {
    expect(nelderMead(rosenbrock, [-1.2, 1])).toEqual(nelderMead(rosenbrock, [-1.2, 1]));
  });

  it('moves away from infeasible (NaN) points', () => {
    // Minimum of (x−2)² on x > 1, NaN elsewhere.
    const result = nelderMead(([x]) => ((x as number) > 1 ? ((x as number) - 2) ** 2 : Number.NaN), [1.5]);
    expect(result.x[0]).toBeCloseTo(2, 6);
  });
});

describe('minimizeMultiStart', () => {
  it('keeps the best of several starts on a function with two minima', () => {
    // Double well (x² − 1)² + 0.1x: the global minimum is near x = −1.
    const f = ([x]: number[]) => ((x as number) ** 2 - 1) ** 2 + 0.1 * (x as number);
    const result = minimizeMultiStart(f, [[2], [-2]]);
    expect(result.x[0]).toBeLessThan(0);
    expect(result.x[0]).toBeCloseTo(-1.0125, 3);
  });
});

describe('maximizePositive', () => {
  it('recovers a gamma shape and rate by maximum likelihood', () => {
    // Log-likelihood of Gamma(k, θ) data with sufficient statistics; the MLE of the mean kθ is the sample mean.
    const data = [0.8, 1.9, 2.4, 3.1, 0.5, 1.2, 2.2, 4.0, 1.7, 2.9];
    const n = data.length;
    const sum = data.reduce((a, b) => a + b, 0);
    const sumLog = data.reduce((a, b) => a + Math.log(b), 0);
    const logGamma = (x: number) => {
      // Stirling is plenty here; the test checks the optimiser, not lgamma.
      let shift = 0;
      let y = x;
      while (y < 10) {
        shift -= Math.log(y);
        y++;
      }
      return (
        shift + (y - 0.5) * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * y) - 1 / (360 * y ** 3)
      );
    };
    const ll = ([k, theta]: number[]) =>
      ((k as number) - 1) * sumLog -
      sum / (theta as number) -
      n * (k as number) * Math.log(theta as number) -
      n * logGamma(k as number);
    const fit = maximizePositive(ll, [
      [1, 1],
      [5, 0.5],
    ]);
    expect((fit.theta[0] as number) * (fit.theta[1] as number)).toBeCloseTo(sum / n, 6);
    expect(fit.theta.every((t) => t > 0)).toBe(true);
  });
});
