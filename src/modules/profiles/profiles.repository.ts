import type BetterSqlite3 from 'better-sqlite3';
import { type RawBuilder, sql } from 'kysely';
import type { Database, DialectName } from '../../db/database.ts';
import {
  findDayFlagsSqlite,
  findProfileRowsSqlite,
  findRangeEventsSqlite,
  upsertDaysSqlite,
  upsertProfilesSqlite,
} from './profiles.sqlite.ts';
import type { MemberProfilesTable } from './profiles.table.ts';
import type { ItemFacets, ProfileEvent } from './profiles.types.ts';

// All SQL of the profiles module. Row sets travel as ONE bound value (SQLite: a JSON array read
// by json_each; PostgreSQL: one array per column through unnest), so every statement's text is
// fixed whatever the batch size, and a batch costs a handful of statements.

type SqlType = 'text' | 'bigint' | 'integer';
type Cell = string | number | null;

const BIGINT_COLUMNS = [
  ...['events', 'views', 'searches', 'cartAdds', 'favorites', 'logins', 'shares', 'couponUses', 'orders'],
  ...['orderDays', 'revenue', 'itemsBought', 'itemPriceSum', 'refunds', 'refundAmount', 'reviews'],
  ...['ratings', 'ratingSum', 'activeDays', 'cartDays', 'cartDaysOrdered', 'firstEventAt', 'lastEventAt'],
  ...['firstOrderAt', 'lastOrderAt', 'affinityAt', 'updatedAt'],
] as const;
const TEXT_COLUMNS = ['categoryAffinity', 'brandAffinity', 'channels', 'devices'] as const;

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The member_profiles columns in the order rows are bound: key, column, SQL type. */
const PROFILE_COLUMNS: readonly [keyof MemberProfilesTable, string, SqlType][] = [
  ['memberId', 'member_id', 'text'],
  ...BIGINT_COLUMNS.map((c): [keyof MemberProfilesTable, string, SqlType] => [c, snake(c), 'bigint']),
  ...TEXT_COLUMNS.map((c): [keyof MemberProfilesTable, string, SqlType] => [c, snake(c), 'text']),
];

/** `select <columns> from <rows bound as one value>`, usable in `in (…)`, joins and inserts. */
function rowSource(dialect: DialectName, types: readonly SqlType[], rows: readonly (readonly Cell[])[]) {
  if (dialect === 'sqlite') {
    const columns = types.map((_, i) => `value ->> ${i} as c${i}`).join(', ');
    // `where true` lets SQLite tell an upsert's ON CONFLICT from a join constraint.
    return sql`select ${sql.raw(columns)} from json_each(${JSON.stringify(rows)}) where true`;
  }
  const arrays = types.map((type, i) => sql`${rows.map((row) => row[i] ?? null)}::${sql.raw(type)}[]`);
  const names = sql.raw(types.map((_, i) => `c${i}`).join(', '));
  return sql`select * from unnest(${sql.join(arrays)}) as t(${names})`;
}

function idList(dialect: DialectName, ids: readonly string[]): RawBuilder<unknown> {
  return dialect === 'sqlite'
    ? sql`(select value from json_each(${JSON.stringify(ids)}))`
    : sql`(select unnest(${ids}::text[]))`;
}

/** Category and brand of the given catalogue items (unknown ids left out). */
export async function findItemFacets(
  db: Database,
  dialect: DialectName,
  ids: readonly string[],
): Promise<Map<string, ItemFacets>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('items')
    .select(['id', 'category', 'brand'])
    .where(sql<boolean>`id in ${idList(dialect, ids)}`)
    .execute();
  return new Map(rows.map((r) => [r.id, { category: r.category, brand: r.brand }]));
}

/**
 * PostgreSQL: makes sure a row exists for every member, then locks them in id order, so two
 * batches of one member's events add up instead of overwriting each other. (SQLite has one
 * writer at a time.)
 */
export async function lockProfileRows(
  db: Database,
  memberIds: readonly string[],
  now: number,
): Promise<void> {
  await sql`insert into member_profiles (member_id, updated_at)
    select id, ${now}::bigint from unnest(${memberIds}::text[]) as t(id) order by id
    on conflict (member_id) do nothing`.execute(db);
}

/** The stored profile rows of these members (locked `for update` on PostgreSQL; raw on SQLite). */
export async function findProfileRows(
  db: Database,
  dialect: DialectName,
  memberIds: readonly string[],
  sqlite: BetterSqlite3.Database | null = null,
): Promise<MemberProfilesTable[]> {
  if (sqlite) return findProfileRowsSqlite(sqlite, memberIds);
  const query = db
    .selectFrom('memberProfiles')
    .selectAll()
    .where(sql<boolean>`member_id in ${idList(dialect, memberIds)}`);
  return dialect === 'postgres' ? query.orderBy('memberId').forUpdate().execute() : query.execute();
}

/** Flags of the given (member, day) pairs that have a row, keyed `member\0day`. */
export async function findDayFlags(
  db: Database,
  dialect: DialectName,
  keys: readonly [string, number][],
  sqlite: BetterSqlite3.Database | null = null,
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  if (sqlite) return findDayFlagsSqlite(sqlite, keys);
  const source = rowSource(dialect, ['text', 'integer'], keys);
  const { rows } = await sql<{ memberId: string; day: number; flags: number }>`
    select d.member_id, d.day, d.flags from member_active_days d
    join (${source}) k on d.member_id = k.c0 and d.day = k.c1`.execute(db);
  return new Map(rows.map((r) => [`${r.memberId}\u0000${Number(r.day)}`, Number(r.flags)]));
}

/**
 * Writes day rows `[member, day, flags]`, keeping any flag already stored. On SQLite pass the
 * raw connection (see profiles.sqlite.ts).
 */
export async function upsertDayFlags(
  db: Database,
  dialect: DialectName,
  rows: readonly [string, number, number][],
  sqlite: BetterSqlite3.Database | null = null,
): Promise<void> {
  if (rows.length === 0) return;
  if (sqlite) return upsertDaysSqlite(sqlite, rows);
  await sql`insert into member_active_days (member_id, day, flags)
    ${rowSource(dialect, ['text', 'integer', 'integer'], rows)}
    on conflict (member_id, day) do update set flags = member_active_days.flags | excluded.flags`.execute(db);
}

/** Inserts or replaces whole profile rows. On SQLite pass the raw connection. */
export async function upsertProfiles(
  db: Database,
  dialect: DialectName,
  rows: readonly MemberProfilesTable[],
  sqlite: BetterSqlite3.Database | null = null,
): Promise<void> {
  if (rows.length === 0) return;
  if (sqlite) return upsertProfilesSqlite(sqlite, rows);
  const cells = rows.map((row) => PROFILE_COLUMNS.map(([key]) => row[key] as Cell));
  const columns = sql.raw(PROFILE_COLUMNS.map(([, c]) => c).join(', '));
  const updates = sql.raw(
    PROFILE_COLUMNS.slice(1)
      .map(([, c]) => `${c} = excluded.${c}`)
      .join(', '),
  );
  await sql`insert into member_profiles (${columns})
    ${rowSource(
      dialect,
      PROFILE_COLUMNS.map(([, , t]) => t),
      cells,
    )}
    on conflict (member_id) do update set ${updates}`.execute(db);
}

export type ChunkEvent = ProfileEvent & { category: string | null; brand: string | null };

/** Events of members with ids in [first, last], with their items' category and brand. */
export async function findRangeEvents(
  db: Database,
  first: string,
  last: string,
  sqlite: BetterSqlite3.Database | null = null,
): Promise<ChunkEvent[]> {
  if (sqlite) return findRangeEventsSqlite(sqlite, first, last);
  const rows = await db
    .selectFrom('events as e')
    .leftJoin('items as i', 'i.id', 'e.itemId')
    .select([
      ...['e.type', 'e.memberId', 'e.itemId', 'e.occurredAt', 'e.quantity', 'e.priceAmount', 'e.amount'],
      ...['e.currency', 'e.rating', 'e.deviceId', 'e.userAgent', 'e.channel', 'i.category', 'i.brand'],
    ] as const)
    .where('e.memberId', '>=', first)
    .where('e.memberId', '<=', last)
    .execute();
  return rows as ChunkEvent[];
}

/** Deletes profile and day rows of members with ids in (after, upTo] (no upper bound when null). */
export async function deleteProfileRange(
  db: Database,
  after: string | null,
  upTo: string | null,
): Promise<void> {
  for (const table of ['memberProfiles', 'memberActiveDays'] as const) {
    let query = db.deleteFrom(table);
    if (after !== null) query = query.where('memberId', '>', after);
    if (upTo !== null) query = query.where('memberId', '<=', upTo);
    await query.execute();
  }
}

/** One member's stored profile row, or undefined. */
export async function findProfileRow(
  db: Database,
  memberId: string,
): Promise<MemberProfilesTable | undefined> {
  return db.selectFrom('memberProfiles').selectAll().where('memberId', '=', memberId).executeTakeFirst();
}

/** Whether a member exists and is not deleted. */
export async function liveMemberExists(db: Database, memberId: string): Promise<boolean> {
  const row = await db
    .selectFrom('members')
    .select('id')
    .where('id', '=', memberId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** Item prices in `currency` at the quartiles of the catalogue, or null with no such items. */
export async function findPriceQuartiles(
  db: Database,
  currency: string,
): Promise<[number, number, number] | null> {
  const counted = await db
    .selectFrom('items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('currency', '=', currency)
    .executeTakeFirstOrThrow();
  const n = Number(counted.n);
  if (n === 0) return null;
  // Linearly interpolated between the two prices around position q·(n−1), as most tools do.
  const at = async (q: number) => {
    const position = q * (n - 1);
    const rows = await db
      .selectFrom('items')
      .select('priceAmount')
      .where('currency', '=', currency)
      .orderBy('priceAmount')
      .limit(2)
      .offset(Math.floor(position))
      .execute();
    const low = Number(rows[0]?.priceAmount);
    const high = Number(rows[1]?.priceAmount ?? low);
    return low + (high - low) * (position - Math.floor(position));
  };
  return [await at(0.25), await at(0.5), await at(0.75)];
}
