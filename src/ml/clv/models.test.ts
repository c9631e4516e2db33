import { describe, expect, it } from 'vitest';
import {
  bgnbdConditionalExpectedPurchases,
  bgnbdCustomerLogLikelihood,
  bgnbdExpectedPurchases,
  bgnbdProbabilityAlive,
} from './bgnbd.ts';
import { customerLifetimeValue } from './clv.ts';
import { gammaGammaExpectedAverageSpend, gammaGammaPopulationMeanSpend } from './gamma-gamma.ts';
import {
  paretoConditionalExpectedPurchases,
  paretoExpectedPurchases,
  paretoProbabilityAlive,
} from './pareto-nbd.ts';

// The published CDNOW estimates: the functions below are checked against them without the data.
const bg = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
const pareto = { r: 0.5533, alpha: 10.5776, s: 0.6062, beta: 11.6679 };
const gg = { p: 6.2488, q: 3.7446, gamma: 15.4477 };

describe('BG/NBD', () => {
  it('reproduces the lifetimes prediction for x = 2, t_x = 30.43, T = 38.86 over 39 weeks (1.226)', () => {
    expect(bgnbdConditionalExpectedPurchases(bg, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
  });

  it('a new customer (x = 0, t_x = T = 0) is expected to buy E[X(t)]', () => {
    for (const t of [1, 10, 39, 100]) {
      expect(bgnbdConditionalExpectedPurchases(bg, t, 0, 0, 0)).toBeCloseTo(
        bgnbdExpectedPurchases(bg, t),
        10,
      );
    }
  });

  it('expected purchases grow with t and with past frequency', () => {
    expect(bgnbdExpectedPurchases(bg, 78)).toBeGreaterThan(bgnbdExpectedPurchases(bg, 39));
    expect(bgnbdConditionalExpectedPurchases(bg, 39, 5, 38, 38.86)).toBeGreaterThan(
      bgnbdConditionalExpectedPurchases(bg, 39, 1, 38, 38.86),
    );
  });

  it('P(alive) is 1 without repeats and falls the longer a buyer has been silent', () => {
    expect(bgnbdProbabilityAlive(bg, 0, 0, 38.86)).toBe(1);
    const recent = bgnbdProbabilityAlive(bg, 3, 38, 38.86);
    const silent = bgnbdProbabilityAlive(bg, 3, 5, 38.86);
    expect(recent).toBeLessThanOrEqual(1);
    expect(silent).toBeGreaterThan(0);
    expect(silent).toBeLessThan(recent);
  });

  it('the likelihood of no purchases is the probability of none (a proper distribution)', () => {
    // P(X(T) = 0) for a fresh customer = (α/(α+T))^r, the x = 0 likelihood.
    expect(Math.exp(bgnbdCustomerLogLikelihood(bg, 0, 0, 20))).toBeCloseTo(
      (bg.alpha / (bg.alpha + 20)) ** bg.r,
      12,
    );
  });
});

describe('Pareto/NBD', () => {
  it('a new customer is expected to buy E[X(t)]', () => {
    for (const t of [1, 10, 39]) {
      expect(paretoConditionalExpectedPurchases(pareto, t, 0, 0, 0)).toBeCloseTo(
        paretoExpectedPurchases(pareto, t),
        8,
      );
    }
  });

  it('P(alive) is 1 right after a purchase and falls with silence', () => {
    expect(paretoProbabilityAlive(pareto, 2, 38.86, 38.86)).toBeCloseTo(1, 12);
    const recent = paretoProbabilityAlive(pareto, 2, 35, 38.86);
    const silent = paretoProbabilityAlive(pareto, 2, 5, 38.86);
    expect(silent).toBeGreaterThan(0);
    expect(silent).toBeLessThan(recent);
    expect(recent).toBeLessThan(1);
  });

  it('handles both branches of the hypergeometric (α < β and α > β) continuously', () => {
    const below = { ...pareto, alpha: 11.6678 };
    const above = { ...pareto, alpha: 11.668 };
    expect(paretoProbabilityAlive(below, 3, 20, 38.86)).toBeCloseTo(
      paretoProbabilityAlive(above, 3, 20, 38.86),
      5,
    );
  });
});

describe('Gamma-Gamma', () => {
  it('shrinks a customer mean towards the population mean, less so with more purchases', () => {
    const population = gammaGammaPopulationMeanSpend(gg);
    expect(gammaGammaExpectedAverageSpend(gg, 0, 0)).toBeCloseTo(population, 10);
    const few = gammaGammaExpectedAverageSpend(gg, 1, 100);
    const many = gammaGammaExpectedAverageSpend(gg, 50, 100);
    expect(few).toBeGreaterThan(population);
    expect(few).toBeLessThan(many);
    expect(many).toBeLessThan(100);
  });
});

describe('customerLifetimeValue', () => {
  it('discounts a constant purchase rate as a geometric series', () => {
    // 2 purchases a step, 10 spent each, 30 % margin, 1 % discount per step, 12 steps.
    const value = customerLifetimeValue((t) => 2 * t, 10, {
      steps: 12,
      stepLength: 1,
      discountRate: 0.01,
      margin: 0.3,
    });
    let expected = 0;
    for (let k = 1; k <= 12; k++) expected += (2 * 10 * 0.3) / 1.01 ** k;
    expect(value).toBeCloseTo(expected, 10);
  });

  it('combines BG/NBD and Gamma-Gamma into a positive value that grows with the horizon', () => {
    const purchases = (t: number) => bgnbdConditionalExpectedPurchases(bg, t, 2, 30.43, 38.86);
    const spend = gammaGammaExpectedAverageSpend(gg, 2, 22.35);
    const options = { stepLength: 52 / 12, discountRate: 0.01, margin: 1 };
    const year = customerLifetimeValue(purchases, spend, { ...options, steps: 12 });
    const twoYears = customerLifetimeValue(purchases, spend, { ...options, steps: 24 });
    expect(year).toBeGreaterThan(0);
    expect(twoYears).toBeGreaterThan(year);
  });
});
