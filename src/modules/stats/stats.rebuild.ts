import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database, DialectName } from '../../db/database.ts';
import { sqlUtcDay } from './stats.days.ts';
import { AGGREGATES, type AggregateSpec } from './stats.repository.ts';

/** Progress of a rebuild: which table was just filled, and how many of all are done. */
export interface RebuildProgress {
  table: string;
  done: number;
  total: number;
  rows: number;
}

export interface RebuildDailyStatsOptions {
  onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildDailyStatsResult {
  /** Rows written per aggregate table. */
  rows: Record<string, number>;
  seconds: number;
}

// One `insert … select … group by` per table: the database does the work in one pass over
// its source, and the result equals what the incremental path would have accumulated.
function fillQuery(dialect: DialectName, spec: AggregateSpec) {
  const eventDay = sqlUtcDay(dialect, 'e.occurred_at');
  switch (spec.table) {
    case 'daily_event_counts':
      return sql`insert into daily_event_counts (day, type, events)
        select ${eventDay}, e.type, count(*) from events e group by 1, 2`;
    case 'daily_orders':
      return sql`insert into daily_orders (day, currency, orders, gmv, refunds, refund_amount)
        select ${eventDay}, e.currency,
          sum(case when e.type = 'order_paid' then 1 else 0 end),
          sum(case when e.type = 'order_paid' then e.amount else 0 end),
          sum(case when e.type = 'order_refunded' then 1 else 0 end),
          sum(case when e.type = 'order_refunded' then e.amount else 0 end)
        from events e
        where e.type in ('order_paid', 'order_refunded') and e.amount is not null and e.currency is not null
        group by 1, 2`;
    case 'daily_category_sales':
      return sql`insert into daily_category_sales (day, category, currency, orders, revenue)
        select ${eventDay}, i.category, e.currency, count(*), sum(e.amount)
        from events e join items i on i.id = e.item_id
        where e.type = 'order_paid' and e.amount is not null and e.currency is not null
        group by 1, 2, 3`;
    case 'daily_new_members':
      return sql`insert into daily_new_members (day, members)
        select ${sqlUtcDay(dialect, 'm.registered_at')}, count(*) from members m group by 1`;
    case 'member_activity':
      return sql`insert into member_activity (member_id, last_active_day)
        select e.member_id, ${sqlUtcDay(dialect, 'max(e.occurred_at)')} from events e group by e.member_id`;
    default:
      throw new Error(`no rebuild query for ${spec.table}`);
  }
}

async function rebuildTable(db: Database, dialect: DialectName, spec: AggregateSpec): Promise<number> {
  await sql`delete from ${sql.raw(spec.table)}`.execute(db);
  const result = await fillQuery(dialect, spec).execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Recomputes every daily aggregate from events, members and items, in one transaction (readers
 * see the old numbers until it commits). Run after writes that bypass the services: the demo
 * generator, or a repair. `membrain stats rebuild` runs it from the command line.
 */
export async function rebuildDailyStats(
  ctx: AppContext,
  options: RebuildDailyStatsOptions = {},
): Promise<RebuildDailyStatsResult> {
  const started = performance.now();
  const rows: Record<string, number> = {};
  await ctx.db.transaction().execute(async (trx) => {
    for (const [index, spec] of AGGREGATES.entries()) {
      rows[spec.table] = await rebuildTable(trx, ctx.dialect, spec);
      options.onProgress?.({
        table: spec.table,
        done: index + 1,
        total: AGGREGATES.length,
        rows: rows[spec.table] as number,
      });
    }
  });
  return { rows, seconds: (performance.now() - started) / 1000 };
}
