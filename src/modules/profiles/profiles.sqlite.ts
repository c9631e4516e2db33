import type BetterSqlite3 from 'better-sqlite3';
import type { ChunkEvent } from './profiles.repository.ts';
import type { MemberProfilesTable } from './profiles.table.ts';

// SQLite fast paths for the two hottest writes and the rebuild's reads: one cached prepared
// statement run per row is about four times faster than one statement over a bound JSON array
// (measured: 1,000 profile rows 4 ms against 18 ms), and raw rows skip Kysely's per-row
// mapping. They run on the raw connection, which is the one the current transaction holds.

const KEYS = [
  ...['memberId', 'events', 'views', 'searches', 'cartAdds', 'favorites', 'logins', 'shares', 'couponUses'],
  ...['orders', 'orderDays', 'revenue', 'itemsBought', 'itemPriceSum', 'refunds', 'refundAmount', 'reviews'],
  ...['ratings', 'ratingSum', 'activeDays', 'cartDays', 'cartDaysOrdered', 'firstEventAt', 'lastEventAt'],
  ...['firstOrderAt', 'lastOrderAt', 'affinityAt', 'updatedAt', 'categoryAffinity', 'brandAffinity'],
  ...['channels', 'devices'],
] as const satisfies readonly (keyof MemberProfilesTable)[];

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const COLUMNS = KEYS.map(snake);

const SQL = {
  profile_write: `insert into member_profiles (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})
    on conflict (member_id) do update set ${COLUMNS.slice(1)
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}`,
  day_write: `insert into member_active_days (member_id, day, flags) values (?, ?, ?)
    on conflict (member_id, day) do update set flags = member_active_days.flags | excluded.flags`,
  profile_read: `select ${COLUMNS.map((c, i) => `${c} as ${KEYS[i]}`).join(', ')} from member_profiles where member_id = ?`,
  day_read: 'select flags from member_active_days where member_id = ? and day = ?',
  events: `select e.type, e.member_id as memberId, e.item_id as itemId, e.occurred_at as occurredAt,
      e.quantity, e.price_amount as priceAmount, e.amount, e.currency, e.rating, e.device_id as deviceId,
      e.user_agent as userAgent, e.channel, i.category, i.brand
    from events e left join items i on i.id = e.item_id
    where e.member_id >= ? and e.member_id <= ?`,
};

const cache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

function statement(sqlite: BetterSqlite3.Database, key: keyof typeof SQL): BetterSqlite3.Statement {
  let statements = cache.get(sqlite);
  if (!statements) {
    statements = new Map();
    cache.set(sqlite, statements);
  }
  let found = statements.get(key);
  if (!found) {
    found = sqlite.prepare(SQL[key]);
    statements.set(key, found);
  }
  return found;
}

/** Inserts or replaces whole profile rows. */
export function upsertProfilesSqlite(
  sqlite: BetterSqlite3.Database,
  rows: readonly MemberProfilesTable[],
): void {
  const insert = statement(sqlite, 'profile_write');
  for (const row of rows) insert.run(KEYS.map((key) => row[key]));
}

/** Writes day rows `[member, day, flags]`, keeping any flag already stored. */
export function upsertDaysSqlite(
  sqlite: BetterSqlite3.Database,
  rows: readonly [string, number, number][],
): void {
  const insert = statement(sqlite, 'day_write');
  for (const row of rows) insert.run(row);
}

/** Events of members with ids in [first, last], with their items' category and brand. */
export function findRangeEventsSqlite(
  sqlite: BetterSqlite3.Database,
  first: string,
  last: string,
): ChunkEvent[] {
  return statement(sqlite, 'events').all(first, last) as ChunkEvent[];
}

/** The stored profile rows of these members. */
export function findProfileRowsSqlite(
  sqlite: BetterSqlite3.Database,
  memberIds: readonly string[],
): MemberProfilesTable[] {
  const read = statement(sqlite, 'profile_read');
  const rows: MemberProfilesTable[] = [];
  for (const id of memberIds) {
    const row = read.get(id) as MemberProfilesTable | undefined;
    if (row) rows.push(row);
  }
  return rows;
}

/** Flags of the given (member, day) pairs that have a row, keyed `member\0day`. */
export function findDayFlagsSqlite(
  sqlite: BetterSqlite3.Database,
  keys: readonly [string, number][],
): Map<string, number> {
  const read = statement(sqlite, 'day_read').pluck();
  const flags = new Map<string, number>();
  for (const [member, day] of keys) {
    const found = read.get(member, day) as number | undefined;
    if (found !== undefined) flags.set(`${member}\u0000${day}`, found);
  }
  return flags;
}
