import { type Expression, type ExpressionBuilder, type SqlBool, sql, type Updateable } from 'kysely';
import type { Database, DB, DialectName } from '../../db/database.ts';
import type { MembersTable } from './members.table.ts';

/** One member row, live or deleted. `forUpdate` locks it for the transaction on PostgreSQL. */
export async function findMemberRow(
  db: Database,
  id: string,
  options: { dialect?: DialectName; forUpdate?: boolean } = {},
): Promise<MembersTable | undefined> {
  const query = db.selectFrom('members').selectAll().where('id', '=', id);
  return options.forUpdate && options.dialect === 'postgres'
    ? query.forUpdate().executeTakeFirst()
    : query.executeTakeFirst();
}

/** Live (not deleted) members by id, ordered by id; chunked to stay under any dialect's parameter limit. */
export async function findLiveMemberRows(db: Database, ids: readonly string[]): Promise<MembersTable[]> {
  const rows: MembersTable[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    rows.push(
      ...(await db
        .selectFrom('members')
        .selectAll()
        .where('id', 'in', chunk)
        .where('deletedAt', 'is', null)
        .execute()),
    );
  }
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Which of `ids` are live members: the bulk existence check event ingestion uses. */
export async function selectLiveMemberIds(db: Database, ids: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const rows = await db
      .selectFrom('members')
      .select('id')
      .where('id', 'in', chunk)
      .where('deletedAt', 'is', null)
      .execute();
    for (const row of rows) found.push(row.id);
  }
  return found;
}

/** The live member holding a blind index value, if any. */
export async function findLiveMemberIdByIndex(
  db: Database,
  column: 'emailBidx' | 'phoneBidx',
  value: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('members')
    .select('id')
    .where(column, '=', value)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  return row?.id;
}

export async function insertMemberRow(db: Database, row: MembersTable): Promise<void> {
  await db.insertInto('members').values(row).execute();
}

/** Updates only when the stored version is still `expectedVersion`; false means someone else won. */
export async function updateMemberRow(
  db: Database,
  id: string,
  expectedVersion: number,
  changes: Updateable<MembersTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('members')
    .set(changes)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface MemberRowFilter {
  emailBidx?: string | undefined;
  phoneBidx?: string | undefined;
  status?: string | undefined;
  region?: string | undefined;
  registeredFrom?: number | undefined;
  registeredTo?: number | undefined;
  includeDeleted: boolean;
  /** Members whose tier in force (an active override, else the earned tier) is this one. */
  tier?: { id: string; now: number } | undefined;
  /** Any further condition on `members`, e.g. membership of a segment (built by the segments module). */
  where?: Expression<SqlBool> | undefined;
  /** Keyset: rows strictly after this (registeredAt, id). */
  after?: [number, string] | null | undefined;
}

/** A page of members ordered by (registeredAt, id), the order the index members_registered_at serves. */
export async function listMemberRows(
  db: Database,
  filter: MemberRowFilter,
  limit: number,
): Promise<MembersTable[]> {
  let query = baseMemberQuery(db).orderBy('registeredAt').orderBy('id').limit(limit);
  if (!filter.includeDeleted) query = query.where('deletedAt', 'is', null);
  if (filter.emailBidx !== undefined) query = query.where('emailBidx', '=', filter.emailBidx);
  if (filter.phoneBidx !== undefined) query = query.where('phoneBidx', '=', filter.phoneBidx);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.region !== undefined) query = query.where('region', '=', filter.region);
  if (filter.registeredFrom !== undefined) query = query.where('registeredAt', '>=', filter.registeredFrom);
  if (filter.registeredTo !== undefined) query = query.where('registeredAt', '<', filter.registeredTo);
  if (filter.tier !== undefined) query = await whereTier(db, query, filter.tier);
  if (filter.where !== undefined) query = query.where(filter.where);
  const after = filter.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('registeredAt', '>', after[0]),
        eb.and([eb('registeredAt', '=', after[0]), eb('id', '>', after[1])]),
      ]),
    );
  }
  return query.execute();
}

type MemberQuery = ReturnType<typeof baseMemberQuery>;
const baseMemberQuery = (db: Database) => db.selectFrom('members').selectAll();

/**
 * Members on `tier`: an active override wins over the earned tier; members the tiers module has
 * not evaluated yet are on the entry tier (position 0).
 */
async function whereTier(
  db: Database,
  query: MemberQuery,
  tier: { id: string; now: number },
): Promise<MemberQuery> {
  const entry = await db.selectFrom('loyaltyTiers').select('id').where('position', '=', 0).executeTakeFirst();
  const inForce = sql<string>`case when override_tier_id is not null and (override_until is null or override_until > ${tier.now}) then override_tier_id else tier_id end`;
  return query.where((eb) => {
    const onTier = eb(
      'id',
      'in',
      eb.selectFrom('memberTiers').select('memberId').where(inForce, '=', tier.id),
    );
    if (entry?.id !== tier.id) return onTier;
    return eb.or([onTier, eb('id', 'not in', eb.selectFrom('memberTiers').select('memberId'))]);
  });
}

/** Which unique index a database error violated, on either dialect; null for any other error. */
export function violatedMemberIndex(error: unknown): 'email' | 'phone' | 'id' | null {
  const e = error as { code?: string; constraint?: string; message?: string };
  const isUnique =
    e?.code === '23505' || (typeof e?.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT'));
  if (!isUnique) return null;
  const where = `${e.constraint ?? ''} ${e.message ?? ''}`;
  if (/email_bidx/.test(where)) return 'email';
  if (/phone_bidx/.test(where)) return 'phone';
  if (/members_pkey|members\.id\b/.test(where)) return 'id';
  return null;
}

/** The ciphertext columns, in the order key rotation walks them. */
export const ENCRYPTED_COLUMNS = ['nameEnc', 'emailEnc', 'phoneEnc', 'birthdayEnc', 'addressEnc'] as const;
export type EncryptedColumn = (typeof ENCRYPTED_COLUMNS)[number];
export type MemberCiphertexts = Pick<MembersTable, 'id' | EncryptedColumn>;

/** Rows holding at least one ciphertext that does not start with `prefix` (`v1.<keyId>.`). */
function notUnderPrefix(prefix: string) {
  return (eb: ExpressionBuilder<DB, 'members'>) =>
    eb.or(
      ENCRYPTED_COLUMNS.map((column) =>
        eb.and([
          eb(column, 'is not', null),
          eb(eb.fn('substr', [eb.ref(column), sql.lit(1), sql.lit(prefix.length)]), '<>', prefix),
        ]),
      ),
    );
}

/** Rows holding at least one ciphertext that starts with `prefix`. */
function underPrefix(prefix: string) {
  return (eb: ExpressionBuilder<DB, 'members'>) =>
    eb.or(
      ENCRYPTED_COLUMNS.map((column) =>
        eb(eb.fn('substr', [eb.ref(column), sql.lit(1), sql.lit(prefix.length)]), '=', prefix),
      ),
    );
}

/** The next batch (by id) of members with a ciphertext under some other key than `prefix` names. */
export async function findMembersNotUnderKey(
  db: Database,
  prefix: string,
  afterId: string | null,
  limit: number,
): Promise<MemberCiphertexts[]> {
  let query = db
    .selectFrom('members')
    .select(['id', ...ENCRYPTED_COLUMNS])
    .where(notUnderPrefix(prefix))
    .orderBy('id')
    .limit(limit);
  if (afterId !== null) query = query.where('id', '>', afterId);
  return query.execute();
}

export async function countMembersNotUnderKey(db: Database, prefix: string): Promise<number> {
  const row = await db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(notUnderPrefix(prefix))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many members hold at least one ciphertext under the key `prefix` names. */
export async function countMembersUnderKey(db: Database, prefix: string): Promise<number> {
  const row = await db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(underPrefix(prefix))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Swaps ciphertexts only where each column still holds the ciphertext it was re-encrypted
 * from, so a write that happened meanwhile is never overwritten; false means retry later.
 */
export async function replaceMemberCiphertexts(
  db: Database,
  id: string,
  previous: Partial<Record<EncryptedColumn, string>>,
  next: Partial<Record<EncryptedColumn, string>>,
): Promise<boolean> {
  let query = db.updateTable('members').set(next).where('id', '=', id);
  for (const [column, value] of Object.entries(previous))
    query = query.where(column as EncryptedColumn, '=', value);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The next `limit` live (not deleted) member ids after `after`, in id order: the chunks of member-wide jobs. */
export async function liveMemberIdsAfter(
  db: Database,
  after: string | null,
  limit: number,
): Promise<string[]> {
  let query = db.selectFrom('members').select('id').where('deletedAt', 'is', null);
  if (after !== null) query = query.where('id', '>', after);
  const rows = await query.orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/** Live (not deleted) members: the size of a member-wide job. */
export async function countLiveMembers(db: Database): Promise<number> {
  const row = await db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('deletedAt', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
