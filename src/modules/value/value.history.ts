import type { PurchaseDays } from '../../ml/churn/index.ts';
import type { MetricEvent } from './value.forecast.ts';
import type { OrderRow } from './value.repository.ts';

export const DAY_MS = 86_400_000;
/** Weeks are the period of the purchase models (purchases still merge per UTC day). */
export const WEEK_DAYS = 7;

/** One member's orders, as the models read them. */
export interface MemberHistory extends PurchaseDays {
  memberId: string;
  days: number[];
  spend: number[];
  /** Order amounts, refunds negative: the spend tier metric's events. */
  spendEvents: MetricEvent[];
}

/** Groups order rows (sorted by member, then time) into one history per member with a paid order. */
export function groupHistories(rows: readonly OrderRow[]): MemberHistory[] {
  const out: MemberHistory[] = [];
  let current: MemberHistory | null = null;
  for (const row of rows) {
    if (!current || current.memberId !== row.memberId) {
      if (current && current.days.length > 0) out.push(current);
      current = { memberId: row.memberId, days: [], spend: [], invoices: 0, spendEvents: [] };
    }
    const paid = row.type === 'order_paid';
    current.spendEvents.push({ at: row.occurredAt, delta: paid ? row.amount : -row.amount });
    if (!paid) continue;
    current.invoices += 1;
    const day = Math.floor(row.occurredAt / DAY_MS);
    const last = current.days.length - 1;
    if (current.days[last] === day) current.spend[last] = (current.spend[last] as number) + row.amount;
    else {
      current.days.push(day);
      current.spend.push(row.amount);
    }
  }
  if (current && current.days.length > 0) out.push(current);
  return out;
}

/** The history as it stood at the end of `endDay` (or null when the member had not bought yet). */
export function historyUntil(h: MemberHistory, endDay: number, invoicesUntil: number): MemberHistory | null {
  let n = 0;
  while (n < h.days.length && (h.days[n] as number) <= endDay) n++;
  if (n === 0) return null;
  return {
    memberId: h.memberId,
    days: h.days.slice(0, n),
    spend: h.spend.slice(0, n),
    invoices: invoicesUntil,
    spendEvents: h.spendEvents.filter((e) => Math.floor(e.at / DAY_MS) <= endDay),
  };
}

/** Orders paid on or before `endDay` (for the invoice count of a truncated history). */
export function paidOrdersUntil(h: MemberHistory, endDay: number): number {
  let n = 0;
  for (const e of h.spendEvents) if (e.delta > 0 && Math.floor(e.at / DAY_MS) <= endDay) n++;
  return n;
}

/** Mean spend of the repeat purchase days (Gamma-Gamma's m̄; 0 without repeats). */
export function repeatMeanSpend(h: PurchaseDays): number {
  const n = h.days.length;
  if (n < 2) return 0;
  let total = 0;
  for (let k = 1; k < n; k++) total += h.spend[k] as number;
  return total / (n - 1);
}

/** Deterministic number in [0, 1) from a member id and a salt (FNV-1a): seeded sampling and splits. */
export function hashUnit(id: string, salt: number): number {
  let h = (2166136261 ^ salt) >>> 0;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  h = (h ^ (h >>> 15)) >>> 0;
  h = Math.imul(h, 2246822507) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  return h / 4294967296;
}
