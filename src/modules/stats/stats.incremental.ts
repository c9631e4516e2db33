import type { Database, DialectName } from '../../db/database.ts';
import { DAY_MS, utcDay } from './stats.days.ts';
import {
  ACTIVITY,
  CATEGORY_SALES,
  deleteEmptyNewMemberDays,
  EVENT_COUNTS,
  findItemCategories,
  NEW_MEMBERS,
  ORDERS,
  upsertAggregate,
} from './stats.repository.ts';

/** The fields of a stored event the aggregates read (an events row fits). */
export interface StatsEvent {
  type: string;
  memberId: string;
  itemId?: string | null;
  occurredAt: number;
  amount?: number | null;
  currency?: string | null;
}

type Counters = number[];

/** Sums rows per key in memory, so each distinct key costs one upsert, not one per event. */
class Grouped {
  readonly rows = new Map<string, { key: string[]; values: Counters }>();
  add(key: string[], values: Counters): void {
    const id = key.join('\u0000');
    const row = this.rows.get(id);
    if (!row) {
      this.rows.set(id, { key, values: [...values] });
      return;
    }
    for (const [i, v] of values.entries()) row.values[i] = (row.values[i] as number) + v;
  }
  toRows(): (string | number)[][] {
    return [...this.rows.values()].map((r) => [...r.key, ...r.values]);
  }
}

/** A day string per distinct day number: batches mostly fall on a day or two. */
function dayOf(cache: Map<number, string>, ms: number): string {
  const n = Math.floor(ms / DAY_MS);
  let day = cache.get(n);
  if (day === undefined) {
    day = utcDay(n * DAY_MS);
    cache.set(n, day);
  }
  return day;
}

const isMoney = (e: StatsEvent): e is StatsEvent & { amount: number; currency: string } =>
  typeof e.amount === 'number' && typeof e.currency === 'string';

/**
 * Adds newly stored events to the daily aggregates, inside the caller's transaction. Pass only
 * events really inserted (never duplicates). Per batch: one category lookup for paid items,
 * then one upsert per table (rows grouped by key first).
 */
export async function recordEventStats(
  db: Database,
  dialect: DialectName,
  events: readonly StatsEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const days = new Map<number, string>();
  const counts = new Grouped();
  const orders = new Grouped();
  const activity = new Map<string, string>();
  const paid: { day: string; itemId: string; amount: number; currency: string }[] = [];
  for (const e of events) {
    const day = dayOf(days, e.occurredAt);
    counts.add([day, e.type], [1]);
    const last = activity.get(e.memberId);
    if (last === undefined || day > last) activity.set(e.memberId, day);
    if (!isMoney(e)) continue;
    if (e.type === 'order_paid') {
      orders.add([day, e.currency], [1, e.amount, 0, 0]);
      if (e.itemId) paid.push({ day, itemId: e.itemId, amount: e.amount, currency: e.currency });
    } else if (e.type === 'order_refunded') orders.add([day, e.currency], [0, 0, 1, e.amount]);
  }
  await upsertAggregate(db, dialect, EVENT_COUNTS, counts.toRows());
  await upsertAggregate(db, dialect, ORDERS, orders.toRows());
  await upsertAggregate(db, dialect, ACTIVITY, [...activity]);
  if (paid.length > 0) await recordCategorySales(db, dialect, paid);
}

async function recordCategorySales(
  db: Database,
  dialect: DialectName,
  paid: readonly { day: string; itemId: string; amount: number; currency: string }[],
): Promise<void> {
  const categories = await findItemCategories(db, dialect, [...new Set(paid.map((p) => p.itemId))]);
  const sales = new Grouped();
  for (const p of paid) {
    const category = categories.get(p.itemId);
    if (category !== undefined) sales.add([p.day, category, p.currency], [1, p.amount]);
  }
  await upsertAggregate(db, dialect, CATEGORY_SALES, sales.toRows());
}

/** Counts a newly created member on its registration day, inside the creating transaction. */
export async function recordNewMember(
  db: Database,
  dialect: DialectName,
  registeredAt: number,
): Promise<void> {
  await upsertAggregate(db, dialect, NEW_MEMBERS, [[utcDay(registeredAt), 1]]);
}

/** Moves a member from one registration day to another (registeredAt was corrected). */
export async function moveNewMember(
  db: Database,
  dialect: DialectName,
  from: number,
  to: number,
): Promise<void> {
  if (utcDay(from) === utcDay(to)) return;
  await upsertAggregate(db, dialect, NEW_MEMBERS, [
    [utcDay(from), -1],
    [utcDay(to), 1],
  ]);
  // A rebuild has no row for a day nobody registered on; neither should this path.
  await deleteEmptyNewMemberDays(db, [utcDay(from)]);
}
