import { type RawBuilder, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { TierSettings } from '../loyalty/programme.settings.ts';

// The number a member's tier follows, over the programme's window, for many members in one
// grouped query. spend = order_paid − order_refunded amounts in the programme currency (events);
// qualifying_points = the ledger's `qualifying` column (the same sum as sumQualifyingPoints).

export type TierWindow = TierSettings['window'];
export type TierMetric = TierSettings['metric'];

/** What the metric queries need to know about the programme. */
export interface MetricSettings {
  metric: TierMetric;
  window: TierWindow;
  currency: string;
}

/** A member's metric: over the current window, and (calendar_year only) the last full year. */
export interface Standing {
  current: number;
  previous: number;
}

export const ZERO_STANDING: Standing = { current: 0, previous: 0 };

/** One change of the metric at a point in time (an order, a refund, a ledger entry). */
export interface MetricEvent {
  at: number;
  delta: number;
}

/** `t` moved by whole UTC years, same month, day and time (29 February rolls to 1 March). */
export function shiftYears(t: number, years: number): number {
  const d = new Date(t);
  return Date.UTC(
    d.getUTCFullYear() + years,
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

/** Midnight UTC on 1 January of `t`'s year plus `years`. */
export function yearStart(t: number, years = 0): number {
  return Date.UTC(new Date(t).getUTCFullYear() + years, 0, 1);
}

interface Range {
  from: number | null;
  until: number | null;
}

/**
 * The current window `[from, until)` at `now`, and the previous one for calendar years.
 * Rolling and lifetime windows have no upper end: events may be stamped a few minutes ahead.
 */
export function windowRanges(window: TierWindow, now: number): { current: Range; previous: Range | null } {
  switch (window) {
    case 'rolling_12_months':
      return { current: { from: shiftYears(now, -1), until: null }, previous: null };
    case 'calendar_year':
      return {
        current: { from: yearStart(now), until: yearStart(now, 1) },
        previous: { from: yearStart(now, -1), until: yearStart(now) },
      };
    case 'lifetime':
      return { current: { from: null, until: null }, previous: null };
  }
}

/** The table, time column and signed value each metric sums, as raw SQL (snake_case). */
function source(settings: MetricSettings): {
  table: 'events' | 'points_ledger';
  time: RawBuilder<number>;
  value: RawBuilder<number>;
  filter: RawBuilder<boolean>;
} {
  if (settings.metric === 'spend')
    return {
      table: 'events',
      time: sql<number>`occurred_at`,
      value: sql<number>`case when type = 'order_paid' then amount else -amount end`,
      filter: sql<boolean>`type in ('order_paid', 'order_refunded') and amount is not null and currency = ${settings.currency}`,
    };
  return {
    table: 'points_ledger',
    time: sql<number>`created_at`,
    value: sql<number>`qualifying`,
    filter: sql<boolean>`qualifying <> 0`,
  };
}

function inRange(time: RawBuilder<number>, range: Range): RawBuilder<boolean> {
  const parts = [sql`1 = 1`];
  if (range.from !== null) parts.push(sql`${time} >= ${range.from}`);
  if (range.until !== null) parts.push(sql`${time} < ${range.until}`);
  return sql<boolean>`${sql.join(parts, sql` and `)}`;
}

/**
 * Every listed member's standing at `now`, in one grouped query (members without activity are
 * absent from the map: their standing is zero). Negative sums (a refund of an order from before
 * the window) count as zero.
 */
export async function memberStandings(
  db: Database,
  settings: MetricSettings,
  memberIds: readonly string[],
  now: number,
): Promise<Map<string, Standing>> {
  if (memberIds.length === 0) return new Map();
  const { table, time, value, filter } = source(settings);
  const { current, previous } = windowRanges(settings.window, now);
  const lowest = previous ?? current;
  const previousSum = previous
    ? sql`sum(case when ${inRange(time, previous)} then ${value} else 0 end)`
    : sql`0`;
  const rows = await db
    .selectFrom(sql.table(table).as('m'))
    .select([
      sql<string>`member_id`.as('memberId'),
      sql<number>`sum(case when ${inRange(time, current)} then ${value} else 0 end)`.as('current'),
      sql<number>`${previousSum}`.as('previous'),
    ])
    .where(sql<boolean>`member_id in (${sql.join(memberIds)})`)
    .where(filter)
    .where(inRange(time, { from: lowest.from, until: current.until }))
    .groupBy(sql`member_id`)
    .execute();
  return new Map(
    rows.map((r) => [
      r.memberId,
      { current: Math.max(0, Number(r.current)), previous: Math.max(0, Number(r.previous)) },
    ]),
  );
}

/** Each listed member's metric changes in the current window, oldest first (for validUntil). */
export async function memberMetricEvents(
  db: Database,
  settings: MetricSettings,
  memberIds: readonly string[],
  now: number,
): Promise<Map<string, MetricEvent[]>> {
  const events = new Map<string, MetricEvent[]>();
  if (memberIds.length === 0) return events;
  const { table, time, value, filter } = source(settings);
  const rows = await db
    .selectFrom(sql.table(table).as('m'))
    .select([sql<string>`member_id`.as('memberId'), time.as('at'), value.as('delta')])
    .where(sql<boolean>`member_id in (${sql.join(memberIds)})`)
    .where(filter)
    .where(inRange(time, windowRanges(settings.window, now).current))
    .orderBy(sql`member_id`)
    .orderBy(time)
    .execute();
  for (const row of rows) {
    const list = events.get(row.memberId) ?? [];
    list.push({ at: Number(row.at), delta: Number(row.delta) });
    events.set(row.memberId, list);
  }
  return events;
}
