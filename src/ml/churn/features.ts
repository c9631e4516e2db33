/**
 * Churn features per customer, computed only from transactions on or before the calibration end,
 * and the label "no purchase in the holdout". The BG/NBD terms come from a model fit on the same
 * calibration summary, so nothing after the calibration end reaches a feature.
 */
import {
  bgnbdConditionalExpectedPurchases,
  bgnbdProbabilityAlive,
  buildSummary,
  countPurchaseDays,
  fitBgNbd,
  type Transaction,
} from '../clv/index.ts';

const DAY_MS = 86_400_000;
const RECENT_DAYS = 90;

export const FEATURE_NAMES = [
  'recency_weeks',
  'frequency',
  'T_weeks',
  'monetary_mean',
  'interval_mean_days',
  'interval_std_days',
  'invoices',
  'days_since_first',
  'days_since_last',
  'last90_days',
  'last90_spend',
  'p_alive',
  'expected_purchases',
] as const;

export interface ChurnSplit {
  /** Last day of the calibration period (epoch ms). */
  calibrationEnd: number;
  /** Last day of the holdout period (epoch ms). */
  holdoutEnd: number;
}

export interface ChurnFrame {
  ids: string[];
  /** Column-major, in FEATURE_NAMES order. */
  columns: Float64Array[];
  /** 1 = no purchase in (calibrationEnd, holdoutEnd]. */
  labels: Float64Array;
  /** BG/NBD P(alive) at the calibration end, also a feature. */
  pAlive: Float64Array;
}

/** Features and labels for every customer with a purchase on or before the calibration end. */
export function buildChurnFrame(transactions: readonly Transaction[], split: ChurnSplit): ChurnFrame {
  const endDay = Math.floor(split.calibrationEnd / DAY_MS);
  const holdoutWeeks = (Math.floor(split.holdoutEnd / DAY_MS) - endDay) / 7;
  const calibration = transactions.filter((t) => Math.floor(t.time / DAY_MS) <= endDay);
  const summary = buildSummary(calibration, split.calibrationEnd, 'weeks');
  const { params } = fitBgNbd(summary);
  const holdout = countPurchaseDays(transactions, split.calibrationEnd, split.holdoutEnd);

  // customer → (day → spend), plus invoice counts
  const days = new Map<string, Map<number, number>>();
  const invoices = new Map<string, number>();
  for (const t of calibration) {
    const day = Math.floor(t.time / DAY_MS);
    let m = days.get(t.customerId);
    if (!m) {
      m = new Map();
      days.set(t.customerId, m);
    }
    m.set(day, (m.get(day) ?? 0) + (t.amount ?? 0));
    invoices.set(t.customerId, (invoices.get(t.customerId) ?? 0) + 1);
  }

  const n = summary.ids.length;
  const columns = FEATURE_NAMES.map(() => new Float64Array(n));
  const labels = new Float64Array(n);
  const pAlive = new Float64Array(n);
  summary.ids.forEach((id, i) => {
    const x = summary.frequency[i] as number;
    const tx = summary.recency[i] as number;
    const T = summary.T[i] as number;
    const byDay = [...(days.get(id) as Map<number, number>).entries()].sort((a, b) => a[0] - b[0]);
    const dayList = byDay.map(([d]) => d);
    const spend = byDay.reduce((acc, [, v]) => acc + v, 0);
    const intervals = dayList.slice(1).map((d, k) => d - (dayList[k] as number));
    const mean = intervals.length > 0 ? intervals.reduce((a, b) => a + b, 0) / intervals.length : Number.NaN;
    // Spread needs two intervals; missing (NaN) rather than 0 so the trees can tell "unknown".
    const std =
      intervals.length > 1
        ? Math.sqrt(intervals.reduce((acc, v) => acc + (v - mean) ** 2, 0) / (intervals.length - 1))
        : Number.NaN;
    const recent = byDay.filter(([d]) => d > endDay - RECENT_DAYS);
    const alive = bgnbdProbabilityAlive(params, x, tx, T);
    const values = [
      tx,
      x,
      T,
      spend / byDay.length,
      mean,
      std,
      invoices.get(id) ?? 0,
      endDay - (dayList[0] as number),
      endDay - (dayList[dayList.length - 1] as number),
      recent.length,
      recent.reduce((acc, [, v]) => acc + v, 0),
      alive,
      bgnbdConditionalExpectedPurchases(params, holdoutWeeks, x, tx, T),
    ];
    values.forEach((v, f) => {
      (columns[f] as Float64Array)[i] = v;
    });
    pAlive[i] = alive;
    labels[i] = (holdout.get(id) ?? 0) > 0 ? 0 : 1;
  });
  return { ids: summary.ids, columns, labels, pAlive };
}
