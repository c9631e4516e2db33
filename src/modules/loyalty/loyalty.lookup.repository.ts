import type { Selectable } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { EventsTable } from '../events/events.table.ts';

// The reads that give the earning rules their facts: one query per kind per batch of events,
// in chunks so a 1,000-event batch stays well under every driver's parameter limit.

const CHUNK = 900;

async function inChunks<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(ids)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += CHUNK) out.push(...(await query(unique.slice(i, i + CHUNK))));
  return out;
}

export interface MemberLookupRow {
  id: string;
  region: string | null;
  gender: string | null;
  channel: string | null;
  attributes: string;
  registeredAt: number;
  birthdayEnc: string | null;
}

/** Live members' segment fields; the birthday ciphertext only when a rule needs it. */
export function findMemberLookupRows(
  db: Database,
  ids: readonly string[],
  withBirthday: boolean,
): Promise<MemberLookupRow[]> {
  return inChunks(ids, async (chunk) => {
    const rows = await db
      .selectFrom('members')
      .select(['id', 'region', 'gender', 'channel', 'attributes', 'registeredAt'])
      .$if(withBirthday, (q) => q.select('birthdayEnc'))
      .where('id', 'in', chunk)
      .where('deletedAt', 'is', null)
      .execute();
    return rows.map((r) => ({ birthdayEnc: null, ...r }) as MemberLookupRow);
  });
}

export interface MemberTierLookupRow {
  memberId: string;
  tierId: string;
  overrideTierId: string | null;
  overrideUntil: number | null;
}

export function findMemberTierRows(db: Database, ids: readonly string[]): Promise<MemberTierLookupRow[]> {
  return inChunks(ids, (chunk) =>
    db
      .selectFrom('memberTiers')
      .select(['memberId', 'tierId', 'overrideTierId', 'overrideUntil'])
      .where('memberId', 'in', chunk)
      .execute(),
  );
}

/** Every tier, entry tier first (a handful of rows). */
export function listTierLookupRows(
  db: Database,
): Promise<{ id: string; position: number; benefits: string }[]> {
  return db.selectFrom('loyaltyTiers').select(['id', 'position', 'benefits']).orderBy('position').execute();
}

export interface ItemLookupRow {
  id: string;
  category: string;
  categoryPath: string;
  brand: string | null;
  priceAmount: number;
}

export function findItemLookupRows(db: Database, ids: readonly string[]): Promise<ItemLookupRow[]> {
  return inChunks(ids, (chunk) =>
    db
      .selectFrom('items')
      .select(['id', 'category', 'categoryPath', 'brand', 'priceAmount'])
      .where('id', 'in', chunk)
      .execute(),
  );
}

export interface EventRange {
  from: number;
  until: number;
  types: readonly string[];
}

/** Events of `types` with occurredAt in `[from, until)`, in time order after the keyset `after`. */
export async function listEventRowsAfter(
  db: Database,
  range: EventRange,
  after: [number, string] | null,
  limit: number,
): Promise<Selectable<EventsTable>[]> {
  if (range.types.length === 0) return [];
  let query = db
    .selectFrom('events')
    .selectAll()
    .where('type', 'in', range.types)
    .where('occurredAt', '>=', range.from)
    .where('occurredAt', '<', range.until);
  if (after) {
    const [occurredAt, id] = after;
    query = query.where((eb) =>
      eb.or([
        eb('occurredAt', '>', occurredAt),
        eb.and([eb('occurredAt', '=', occurredAt), eb('id', '>', id)]),
      ]),
    );
  }
  return query.orderBy('occurredAt').orderBy('id').limit(limit).execute();
}

export async function countEventRows(db: Database, range: EventRange): Promise<number> {
  if (range.types.length === 0) return 0;
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', 'in', range.types)
    .where('occurredAt', '>=', range.from)
    .where('occurredAt', '<', range.until)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
