/**
 * Customer lifetime value from a purchase model and a spend model: the expected purchases in
 * each step of the horizon, times the expected spend per purchase and the margin, discounted
 * per step (the lifetimes convention: steps of `stepLength` periods, e.g. 4.345 weeks a month).
 */
export interface ClvOptions {
  /** Number of steps (e.g. 12 months). */
  steps: number;
  /** Length of one step in model periods (e.g. 30 for days, 30/7 weeks for months). */
  stepLength: number;
  /** Discount rate per step (e.g. 0.01 a month). */
  discountRate: number;
  /** Share of spend that is profit, 0..1 (1 = revenue). */
  margin: number;
}

/**
 * @param expectedPurchases cumulative conditional expected purchases in the next t periods for
 *   this customer (e.g. `(t) => bgnbdConditionalExpectedPurchases(params, t, x, tx, T)`).
 * @param expectedSpend expected value of one future purchase (Gamma-Gamma).
 */
export function customerLifetimeValue(
  expectedPurchases: (t: number) => number,
  expectedSpend: number,
  options: ClvOptions,
): number {
  let value = 0;
  let previous = 0;
  for (let k = 1; k <= options.steps; k++) {
    const cumulative = expectedPurchases(k * options.stepLength);
    value += ((cumulative - previous) * expectedSpend * options.margin) / (1 + options.discountRate) ** k;
    previous = cumulative;
  }
  return value;
}
