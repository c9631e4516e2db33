import type BetterSqlite3 from 'better-sqlite3';
import type { Insertable, Selectable } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { EventsTable } from './events.table.ts';

export type EventRow = Selectable<EventsTable>;

// 19 columns a row: 500 rows are 9,500 parameters, below SQLite's 32,766 and PostgreSQL's 65,535.
const INSERT_CHUNK = 500;
// `in (...)` lists stay well below both limits too.
const LOOKUP_CHUNK = 1000;

async function inChunks<T>(values: readonly string[], run: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < values.length; start += LOOKUP_CHUNK) {
    out.push(...(await run(values.slice(start, start + LOOKUP_CHUNK))));
  }
  return out;
}

/** Which of `ids` name members that exist and are not deleted (the hot path's existence check). */
export async function findLiveMemberIds(db: Database, ids: readonly string[]): Promise<Set<string>> {
  const rows = await inChunks(ids, (chunk) =>
    db.selectFrom('members').select('id').where('id', 'in', chunk).where('deletedAt', 'is', null).execute(),
  );
  return new Set(rows.map((row) => row.id));
}

/** Content hashes of the events among `ids` that are already stored. */
export async function findEventHashes(db: Database, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await inChunks(ids, (chunk) =>
    db.selectFrom('events').select(['id', 'contentHash']).where('id', 'in', chunk).execute(),
  );
  return new Map(rows.map((row) => [row.id, row.contentHash]));
}

/**
 * Inserts that skip ids already present; returns the ids really inserted. On SQLite
 * pass the raw connection: one cached prepared statement per row is several times faster than
 * Kysely preparing a new 500-row statement per chunk.
 */
export async function insertEventRows(
  db: Database,
  rows: readonly Insertable<EventsTable>[],
  sqlite: BetterSqlite3.Database | null = null,
): Promise<Set<string>> {
  if (sqlite) return insertEventRowsSqlite(sqlite, rows);
  const inserted = new Set<string>();
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const result = await db
      .insertInto('events')
      .values(rows.slice(start, start + INSERT_CHUNK))
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    for (const row of result) inserted.add(row.id);
  }
  return inserted;
}

const SQLITE_INSERT = `insert into events (id, type, member_id, item_id, order_id, occurred_at, received_at, quantity,
  price_amount, amount, currency, rating, text, ip, device_id, user_agent, channel, properties, content_hash)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing`;
const sqliteStatements = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

function insertEventRowsSqlite(
  sqlite: BetterSqlite3.Database,
  rows: readonly Insertable<EventsTable>[],
): Set<string> {
  let statement = sqliteStatements.get(sqlite);
  if (!statement) {
    statement = sqlite.prepare(SQLITE_INSERT);
    sqliteStatements.set(sqlite, statement);
  }
  const inserted = new Set<string>();
  for (const r of rows) {
    const { changes } = statement.run(
      r.id,
      r.type,
      r.memberId,
      r.itemId ?? null,
      r.orderId ?? null,
      r.occurredAt,
      r.receivedAt,
      r.quantity ?? null,
      r.priceAmount ?? null,
      r.amount ?? null,
      r.currency ?? null,
      r.rating ?? null,
      r.text ?? null,
      r.ip ?? null,
      r.deviceId ?? null,
      r.userAgent ?? null,
      r.channel ?? null,
      r.properties ?? null,
      r.contentHash,
    );
    if (changes > 0) inserted.add(r.id);
  }
  return inserted;
}

export interface MemberEventFilter {
  type?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** Keyset: only events strictly older than this (occurredAt, id). */
  before?: [number, string] | undefined;
}

/** A member's events, newest first, ties broken by id. */
export async function listMemberEventRows(
  db: Database,
  memberId: string,
  filter: MemberEventFilter,
  limit: number,
): Promise<EventRow[]> {
  let query = db.selectFrom('events').selectAll().where('memberId', '=', memberId);
  if (filter.type !== undefined) query = query.where('type', '=', filter.type);
  if (filter.from !== undefined) query = query.where('occurredAt', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('occurredAt', '<', filter.to);
  if (filter.before !== undefined) {
    const [at, id] = filter.before;
    query = query.where((eb) =>
      eb.or([eb('occurredAt', '<', at), eb.and([eb('occurredAt', '=', at), eb('id', '<', id)])]),
    );
  }
  return query.orderBy('occurredAt', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
