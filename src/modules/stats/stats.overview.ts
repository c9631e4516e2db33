import type { AppContext } from '../../context.ts';
import type { ErrorDetail } from '../../errors.ts';
import { appError, Errors } from '../../errors.ts';
import { addDays, DAY_MS, dayStart, daysFrom, utcDay } from './stats.days.ts';
import {
  countActiveSince,
  countLiveMembers,
  findMainCurrency,
  selectDailyEventCounts,
  selectDailyNewMembers,
  selectDailyOrders,
  selectTopCategories,
} from './stats.repository.ts';
import {
  type DayRange,
  DEFAULT_RANGE_DAYS,
  MAX_RANGE_DAYS,
  type Overview,
  type OverviewQuery,
  TOP_CATEGORIES,
} from './stats.types.ts';

/** Used when no order has been paid yet. */
const DEFAULT_CURRENCY = 'CNY';

/** The query's days with defaults filled in (to: today, from: 29 days before); 400 listing each bad field. */
export function resolveRange(ctx: AppContext, query: OverviewQuery): DayRange {
  const to = query.to ?? utcDay(ctx.clock.now());
  const from = query.from ?? addDays(to, 1 - DEFAULT_RANGE_DAYS);
  const details: ErrorDetail[] = [];
  const days = (dayStart(to) - dayStart(from)) / DAY_MS + 1;
  if (days < 1) {
    details.push({ path: 'query.from', message: `must not be after to (${to})` });
    details.push({ path: 'query.to', message: `must not be before from (${from})` });
  } else if (days > MAX_RANGE_DAYS) {
    details.push({ path: 'query.from', message: `the range may span at most ${MAX_RANGE_DAYS} days` });
    details.push({ path: 'query.to', message: `the range may span at most ${MAX_RANGE_DAYS} days` });
  }
  if (details.length > 0) throw appError(Errors.VALIDATION_FAILED, undefined, details);
  return { from, to };
}

/**
 * Member KPIs. New members are summed from daily_new_members (a year of registrations is a
 * year of rows, not a million index entries); active ones are a range count on member_activity.
 */
async function memberCounts(ctx: AppContext, range: DayRange): Promise<Overview['members']> {
  const today = utcDay(ctx.clock.now());
  const since = (n: number) => addDays(today, 1 - n);
  // Days as text sort in time order: fetch from the earliest to the latest day needed.
  const needed = [range.from, since(30), range.to, today].sort();
  const [first, last] = [needed[0] as string, needed[3] as string];
  const [total, active7d, active30d, registrations] = await Promise.all([
    countLiveMembers(ctx.db),
    countActiveSince(ctx.db, since(7)),
    countActiveSince(ctx.db, since(30)),
    selectDailyNewMembers(ctx.db, first, last),
  ]);
  const sum = (from: string, to: string) =>
    registrations.reduce((n, r) => (r.day >= from && r.day <= to ? n + Number(r.members) : n), 0);
  return {
    total,
    new7d: sum(since(7), today),
    new30d: sum(since(30), today),
    active7d,
    active30d,
    newInRange: sum(range.from, range.to),
  };
}

/** Events per day and type; every day of the range lists every type seen in it (0 when absent). */
function eventsByType(
  days: readonly string[],
  rows: readonly { day: string; type: string; events: number }[],
): Overview['eventsByType'] {
  const types = [...new Set(rows.map((r) => r.type))].sort();
  const byDay = new Map(days.map((day) => [day, Object.fromEntries(types.map((t) => [t, 0]))]));
  for (const r of rows) {
    const counts = byDay.get(r.day);
    if (counts) counts[r.type] = Number(r.events);
  }
  return days.map((day) => ({ day, counts: byDay.get(day) ?? {} }));
}

/**
 * The operator overview for a range of days, read from the daily aggregates plus a few
 * indexed counts on members and member_activity; days without activity are filled with zeros.
 */
export async function getOverview(ctx: AppContext, range: DayRange): Promise<Overview> {
  const { from, to } = range;
  const currency = (await findMainCurrency(ctx.db)) ?? DEFAULT_CURRENCY;
  const [members, orders, newMembers, eventCounts, categories] = await Promise.all([
    memberCounts(ctx, range),
    selectDailyOrders(ctx.db, from, to, currency),
    selectDailyNewMembers(ctx.db, from, to),
    selectDailyEventCounts(ctx.db, from, to),
    selectTopCategories(ctx.db, from, to, currency, TOP_CATEGORIES),
  ]);
  const days = daysFrom(from, to);
  const ordersByDay = new Map(orders.map((o) => [o.day, o]));
  const newByDay = new Map(newMembers.map((n) => [n.day, Number(n.members)]));
  const eventsByDay = new Map<string, number>();
  for (const r of eventCounts) eventsByDay.set(r.day, (eventsByDay.get(r.day) ?? 0) + Number(r.events));
  return {
    from,
    to,
    currency,
    members,
    daily: days.map((day) => {
      const o = ordersByDay.get(day);
      return {
        day,
        orders: Number(o?.orders ?? 0),
        gmv: { amount: Number(o?.gmv ?? 0), currency },
        refunds: Number(o?.refunds ?? 0),
        newMembers: newByDay.get(day) ?? 0,
        events: eventsByDay.get(day) ?? 0,
      };
    }),
    eventsByType: eventsByType(days, eventCounts),
    topCategories: categories.map((c) => ({
      category: c.category,
      orders: Number(c.orders),
      revenue: { amount: Number(c.revenue), currency },
    })),
  };
}
