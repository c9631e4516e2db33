import { sql } from 'kysely';
import type { Database, DialectName } from '../../db/database.ts';

/** One aggregate table as the incremental path writes it: key columns, then value columns. */
export interface AggregateSpec {
  table: string;
  keys: readonly string[];
  values: readonly string[];
  /** The SQL type of each column, keys then values (PostgreSQL's unnest needs them). */
  types: readonly ('text' | 'bigint')[];
  /** `add`: counters grow by the new values; `latest`: a value is replaced only by a larger one. */
  merge: 'add' | 'latest';
}

export const EVENT_COUNTS: AggregateSpec = {
  table: 'daily_event_counts',
  keys: ['day', 'type'],
  values: ['events'],
  types: ['text', 'text', 'bigint'],
  merge: 'add',
};
export const ORDERS: AggregateSpec = {
  table: 'daily_orders',
  keys: ['day', 'currency'],
  values: ['orders', 'gmv', 'refunds', 'refund_amount'],
  types: ['text', 'text', 'bigint', 'bigint', 'bigint', 'bigint'],
  merge: 'add',
};
export const CATEGORY_SALES: AggregateSpec = {
  table: 'daily_category_sales',
  keys: ['day', 'category', 'currency'],
  values: ['orders', 'revenue'],
  types: ['text', 'text', 'text', 'bigint', 'bigint'],
  merge: 'add',
};
export const NEW_MEMBERS: AggregateSpec = {
  table: 'daily_new_members',
  keys: ['day'],
  values: ['members'],
  types: ['text', 'bigint'],
  merge: 'add',
};
export const ACTIVITY: AggregateSpec = {
  table: 'member_activity',
  keys: ['member_id'],
  values: ['last_active_day'],
  types: ['text', 'text'],
  merge: 'latest',
};

/** Every aggregate table, in the order the rebuild fills them. */
export const AGGREGATES = [EVENT_COUNTS, ORDERS, CATEGORY_SALES, NEW_MEMBERS, ACTIVITY] as const;

type Row = readonly (string | number)[];

/**
 * All rows as ONE bound value, so the statement text never depends on the row count: SQLite
 * reads a JSON array through json_each, PostgreSQL one array per column through unnest. One
 * cached statement per table replaces building a statement of hundreds of placeholders.
 */
function rowSource(dialect: DialectName, spec: AggregateSpec, rows: readonly Row[]) {
  if (dialect === 'sqlite') {
    const columns = spec.types.map((_, i) => `value ->> ${i}`).join(', ');
    // `where true` lets SQLite tell the upsert's ON CONFLICT from a join constraint.
    return sql`select ${sql.raw(columns)} from json_each(${JSON.stringify(rows)}) where true`;
  }
  const arrays = spec.types.map((type, i) => sql`${rows.map((row) => row[i])}::${sql.raw(type)}[]`);
  return sql`select * from unnest(${sql.join(arrays)})`;
}

function setClause(spec: AggregateSpec): string {
  return spec.values
    .map((v) => (spec.merge === 'add' ? `${v} = ${spec.table}.${v} + excluded.${v}` : `${v} = excluded.${v}`))
    .join(', ');
}

/**
 * Merges rows (keys then values, in the spec's column order, each key at most once) into an
 * aggregate table with one `insert … select … on conflict … do update`.
 */
export async function upsertAggregate(
  db: Database,
  dialect: DialectName,
  spec: AggregateSpec,
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = sql.raw([...spec.keys, ...spec.values].join(', '));
  const guard =
    spec.merge === 'latest'
      ? sql.raw(` where ${spec.values.map((v) => `excluded.${v} > ${spec.table}.${v}`).join(' and ')}`)
      : sql.raw('');
  await sql`insert into ${sql.raw(spec.table)} (${columns}) ${rowSource(dialect, spec, rows)}
    on conflict (${sql.raw(spec.keys.join(', '))}) do update set ${sql.raw(setClause(spec))}${guard}`.execute(
    db,
  );
}

/** Categories of the given items (unknown ids are left out), with one bound list of ids. */
export async function findItemCategories(
  db: Database,
  dialect: DialectName,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const idList =
    dialect === 'sqlite'
      ? sql`(select value from json_each(${JSON.stringify(ids)}))`
      : sql`(select unnest(${ids}::text[]))`;
  const rows = await db
    .selectFrom('items')
    .select(['id', 'category'])
    .where(sql<boolean>`id in ${idList}`)
    .execute();
  return new Map(rows.map((row) => [row.id, row.category]));
}

/** Drops `daily_new_members` rows of these days whose count fell to zero. */
export async function deleteEmptyNewMemberDays(db: Database, days: readonly string[]): Promise<void> {
  await db.deleteFrom('dailyNewMembers').where('day', 'in', days).where('members', '<=', 0).execute();
}

/** The currency of most paid orders over all days, or null when there are none. */
export async function findMainCurrency(db: Database): Promise<string | null> {
  const row = await db
    .selectFrom('dailyOrders')
    .select(['currency', (eb) => eb.fn.sum<number>('orders').as('orders')])
    .groupBy('currency')
    .orderBy('orders', 'desc')
    .orderBy('currency')
    .limit(1)
    .executeTakeFirst();
  return row && Number(row.orders) > 0 ? row.currency : null;
}

/** Orders, GMV and refunds per day of the range in one currency (days without rows left out). */
export function selectDailyOrders(db: Database, from: string, to: string, currency: string) {
  return db
    .selectFrom('dailyOrders')
    .select(['day', 'orders', 'gmv', 'refunds'])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .where('currency', '=', currency)
    .execute();
}

/** New members per day of the range. */
export function selectDailyNewMembers(db: Database, from: string, to: string) {
  return db
    .selectFrom('dailyNewMembers')
    .select(['day', 'members'])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .execute();
}

/** Event counts per day and type of the range. */
export function selectDailyEventCounts(db: Database, from: string, to: string) {
  return db
    .selectFrom('dailyEventCounts')
    .select(['day', 'type', 'events'])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .execute();
}

/** The categories with the most revenue in the range, in one currency. */
export function selectTopCategories(db: Database, from: string, to: string, currency: string, limit: number) {
  return db
    .selectFrom('dailyCategorySales')
    .select([
      'category',
      (eb) => eb.fn.sum<number>('orders').as('orders'),
      (eb) => eb.fn.sum<number>('revenue').as('revenue'),
    ])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .where('currency', '=', currency)
    .groupBy('category')
    .orderBy('revenue', 'desc')
    .orderBy('category')
    .limit(limit)
    .execute();
}

/**
 * Live members: every row minus the deleted ones. A bare `count(*)` is what SQLite answers
 * fastest (from b-tree page headers); the deleted ones come from the partial index members_deleted.
 */
export async function countLiveMembers(db: Database): Promise<number> {
  const all = await db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const deleted = await db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('deletedAt', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(all.n) - Number(deleted.n);
}

/** Members whose latest active day is `day` or later. */
export async function countActiveSince(db: Database, day: string): Promise<number> {
  const row = await db
    .selectFrom('memberActivity')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('lastActiveDay', '>=', day)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
