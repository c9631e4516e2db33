/**
 * The churn features of one customer from their own purchase days, for callers that stream
 * customers one at a time (a database cursor) instead of holding every transaction: the same
 * numbers, in FEATURE_NAMES order, as buildChurnFrame computes for that customer.
 */
import { type BgNbdParams, bgnbdConditionalExpectedPurchases, bgnbdProbabilityAlive } from '../clv/index.ts';
import { FEATURE_NAMES } from './features.ts';

const RECENT_DAYS = 90;

/** One customer's purchase history up to the feature date: distinct UTC days, ascending. */
export interface PurchaseDays {
  /** Day numbers (epoch ms / 86,400,000, floored), ascending, distinct. */
  days: ArrayLike<number>;
  /** Spend on each of those days. */
  spend: ArrayLike<number>;
  /** Number of transactions (orders) in the history. */
  invoices: number;
}

/** The lifetimes summary of a history at `endDay`, in weeks: x, tₓ, T. */
export function summaryOf(h: PurchaseDays, endDay: number): { x: number; tx: number; T: number } {
  const n = h.days.length;
  const first = h.days[0] as number;
  return { x: n - 1, tx: ((h.days[n - 1] as number) - first) / 7, T: (endDay - first) / 7 };
}

/**
 * Features of a customer with at least one purchase day on or before `endDay` (days after it
 * must already be left out). `params` is the BG/NBD fit of the same period; `horizonWeeks` the
 * length the expected purchases are counted over.
 */
export function churnFeatureRow(
  h: PurchaseDays,
  endDay: number,
  params: BgNbdParams,
  horizonWeeks: number,
): Float64Array {
  const n = h.days.length;
  const { x, tx, T } = summaryOf(h, endDay);
  let spend = 0;
  let recentDays = 0;
  let recentSpend = 0;
  for (let k = 0; k < n; k++) {
    spend += h.spend[k] as number;
    if ((h.days[k] as number) > endDay - RECENT_DAYS) {
      recentDays += 1;
      recentSpend += h.spend[k] as number;
    }
  }
  let mean = Number.NaN;
  let std = Number.NaN;
  if (n > 1) {
    mean = ((h.days[n - 1] as number) - (h.days[0] as number)) / (n - 1);
    if (n > 2) {
      let squares = 0;
      for (let k = 1; k < n; k++) squares += ((h.days[k] as number) - (h.days[k - 1] as number) - mean) ** 2;
      std = Math.sqrt(squares / (n - 2));
    }
  }
  const row = new Float64Array(FEATURE_NAMES.length);
  row.set([
    tx,
    x,
    T,
    spend / n,
    mean,
    std,
    h.invoices,
    endDay - (h.days[0] as number),
    endDay - (h.days[n - 1] as number),
    recentDays,
    recentSpend,
    bgnbdProbabilityAlive(params, x, tx, T),
    bgnbdConditionalExpectedPurchases(params, horizonWeeks, x, tx, T),
  ]);
  return row;
}
