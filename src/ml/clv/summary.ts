/**
 * Per-customer RFM summary in the lifetimes convention, the input to every model here:
 * frequency = repeat purchase periods (distinct purchase days − 1), recency = time from first to
 * last purchase, T = time from first purchase to the end of calibration, monetary = mean spend of
 * the repeat purchase days (0 without repeats). Times in periods (days or weeks).
 */
export interface RfmSummary {
  ids: string[];
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  /** Mean value of repeat purchases; only spend models need it. */
  monetary?: Float64Array;
}

export interface Transaction {
  customerId: string;
  /** Epoch ms; only the UTC calendar day counts (same-day purchases merge into one). */
  time: number;
  amount?: number;
}

export type PeriodUnit = 'days' | 'weeks';

const DAY_MS = 86_400_000;
const DAYS_PER: Record<PeriodUnit, number> = { days: 1, weeks: 7 };

/**
 * Builds the summary from transactions up to and including calibrationEnd (epoch ms of that day).
 * Customers whose first purchase is after calibrationEnd do not appear.
 */
export function buildSummary(
  transactions: Iterable<Transaction>,
  calibrationEnd: number,
  unit: PeriodUnit = 'weeks',
): RfmSummary {
  const endDay = Math.floor(calibrationEnd / DAY_MS);
  // customer → day → total spent that day
  const byCustomer = new Map<string, Map<number, number>>();
  for (const t of transactions) {
    const day = Math.floor(t.time / DAY_MS);
    if (day > endDay) continue;
    let days = byCustomer.get(t.customerId);
    if (!days) {
      days = new Map();
      byCustomer.set(t.customerId, days);
    }
    days.set(day, (days.get(day) ?? 0) + (t.amount ?? 0));
  }
  const ids = [...byCustomer.keys()];
  const n = ids.length;
  const summary: RfmSummary = {
    ids,
    frequency: new Float64Array(n),
    recency: new Float64Array(n),
    T: new Float64Array(n),
    monetary: new Float64Array(n),
  };
  const scale = DAYS_PER[unit];
  ids.forEach((id, i) => {
    const days = [...(byCustomer.get(id) as Map<number, number>).entries()].sort((a, b) => a[0] - b[0]);
    const first = (days[0] as [number, number])[0];
    const last = (days[days.length - 1] as [number, number])[0];
    summary.frequency[i] = days.length - 1;
    summary.recency[i] = (last - first) / scale;
    summary.T[i] = (endDay - first) / scale;
    let repeatSpend = 0;
    for (let k = 1; k < days.length; k++) repeatSpend += (days[k] as [number, number])[1];
    (summary.monetary as Float64Array)[i] = days.length > 1 ? repeatSpend / (days.length - 1) : 0;
  });
  return summary;
}

/** Repeat purchase days per customer strictly after `from` and up to and including `to` (epoch ms days). */
export function countPurchaseDays(
  transactions: Iterable<Transaction>,
  from: number,
  to: number,
): Map<string, number> {
  const fromDay = Math.floor(from / DAY_MS);
  const toDay = Math.floor(to / DAY_MS);
  const days = new Map<string, Set<number>>();
  for (const t of transactions) {
    const day = Math.floor(t.time / DAY_MS);
    if (day <= fromDay || day > toDay) continue;
    let set = days.get(t.customerId);
    if (!set) {
      set = new Set();
      days.set(t.customerId, set);
    }
    set.add(day);
  }
  return new Map([...days].map(([id, set]) => [id, set.size]));
}

/** Keeps the customers for which keep(i) holds (e.g. repeat buyers for Gamma-Gamma). */
export function filterSummary(summary: RfmSummary, keep: (i: number) => boolean): RfmSummary {
  const index = summary.ids.map((_, i) => i).filter(keep);
  const pick = (a: Float64Array) => Float64Array.from(index, (i) => a[i] as number);
  return {
    ids: index.map((i) => summary.ids[i] as string),
    frequency: pick(summary.frequency),
    recency: pick(summary.recency),
    T: pick(summary.T),
    ...(summary.monetary ? { monetary: pick(summary.monetary) } : {}),
  };
}
