import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { LoyaltyTiersTable, MemberTiersTable, TierHistoryTable } from './tiers.table.ts';

/** Ids per statement when many rows are written or looked up at once. */
const BATCH = 500;

function batches<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// --- ladder -------------------------------------------------------------------------------

export async function listTierRows(db: Database): Promise<LoyaltyTiersTable[]> {
  return db.selectFrom('loyaltyTiers').selectAll().orderBy('position').execute();
}

/** Inserts tiers that are missing; a concurrent installer is not an error. */
export async function insertTierRowsIfMissing(db: Database, rows: LoyaltyTiersTable[]): Promise<void> {
  await db
    .insertInto('loyaltyTiers')
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Replaces the whole ladder (positions are unique, so the old rows go first). */
export async function replaceTierRows(db: Database, rows: LoyaltyTiersTable[]): Promise<void> {
  await db.deleteFrom('loyaltyTiers').execute();
  await db.insertInto('loyaltyTiers').values(rows).execute();
}

/** How many member rows hold each of `tierIds`, earned or as an override. */
export async function countTierHolders(
  db: Database,
  tierIds: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (tierIds.length === 0) return counts;
  for (const column of ['tierId', 'overrideTierId'] as const) {
    const rows = await db
      .selectFrom('memberTiers')
      .select((eb) => [eb.ref(column).as('tierId'), eb.fn.countAll<number>().as('n')])
      .where(column, 'in', tierIds)
      .groupBy(column)
      .execute();
    for (const row of rows) {
      if (row.tierId !== null) counts.set(row.tierId, (counts.get(row.tierId) ?? 0) + Number(row.n));
    }
  }
  return counts;
}

/** Member rows that hold `tierId`, earned or as an override. */
export async function findRowsHoldingTier(db: Database, tierId: string): Promise<MemberTiersTable[]> {
  return db
    .selectFrom('memberTiers')
    .selectAll()
    .where((eb) => eb.or([eb('tierId', '=', tierId), eb('overrideTierId', '=', tierId)]))
    .orderBy('memberId')
    .execute();
}

// --- member rows --------------------------------------------------------------------------

export async function findMemberTierRows(
  db: Database,
  memberIds: readonly string[],
): Promise<Map<string, MemberTiersTable>> {
  const rows = new Map<string, MemberTiersTable>();
  for (const ids of batches(memberIds)) {
    const found = await db.selectFrom('memberTiers').selectAll().where('memberId', 'in', ids).execute();
    for (const row of found) rows.set(row.memberId, row);
  }
  return rows;
}

/** Inserts the member's first row; false when another writer created it first. */
export async function insertMemberTierRow(db: Database, row: MemberTiersTable): Promise<boolean> {
  const result = await db
    .insertInto('memberTiers')
    .values(row)
    .onConflict((oc) => oc.column('memberId').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * Inserts first rows in multi-row statements (one round trip per 500 on PostgreSQL, not one per
 * member); returns the ids actually inserted — a missing id lost a race to another writer.
 */
export async function insertMemberTierRows(
  db: Database,
  rows: readonly MemberTiersTable[],
): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const batch of batches(rows, 500)) {
    const written = await db
      .insertInto('memberTiers')
      .values(batch)
      .onConflict((oc) => oc.column('memberId').doNothing())
      .returning('memberId')
      .execute();
    for (const row of written) inserted.add(row.memberId);
  }
  return inserted;
}

/** Writes `row` (its version already incremented) only over `expectedVersion`; false on a race. */
export async function updateMemberTierRow(
  db: Database,
  row: MemberTiersTable,
  expectedVersion: number,
): Promise<boolean> {
  const { memberId, ...fields } = row;
  const result = await db
    .updateTable('memberTiers')
    .set(fields)
    .where('memberId', '=', memberId)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertHistoryRows(db: Database, rows: readonly TierHistoryTable[]): Promise<void> {
  for (const batch of batches(rows, 200)) await db.insertInto('tierHistory').values(batch).execute();
}

/** A member's history newest first, after the keyset `(at, id)`. */
export async function listHistoryRows(
  db: Database,
  memberId: string,
  after: [number, string] | null,
  limit: number,
): Promise<TierHistoryTable[]> {
  let query = db.selectFrom('tierHistory').selectAll().where('memberId', '=', memberId);
  if (after) {
    const [at, id] = after;
    query = query.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
  }
  return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** The member's latest history entry of one kind. */
export async function findLatestHistory(
  db: Database,
  memberId: string,
  change: TierHistoryTable['change'],
): Promise<TierHistoryTable | undefined> {
  return db
    .selectFrom('tierHistory')
    .selectAll()
    .where('memberId', '=', memberId)
    .where('change', '=', change)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

// --- members ------------------------------------------------------------------------------

/** The live member's registration time, or undefined for an unknown or deleted id. */
export async function findLiveMember(
  db: Database,
  memberId: string,
): Promise<{ id: string; registeredAt: number } | undefined> {
  return db
    .selectFrom('members')
    .select(['id', 'registeredAt'])
    .where('id', '=', memberId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
}

// --- stats --------------------------------------------------------------------------------

/**
 * Live members per effective tier (an active override counts as its tier), rows only. The
 * instant is inlined (a number), so the grouped expression is the selected one on PostgreSQL.
 */
export async function countEffectiveTiers(db: Database, now: number): Promise<Map<string, number>> {
  const effective = sql<string>`case when mt.override_tier_id is not null and (mt.override_until is null or mt.override_until > ${sql.lit(now)}) then mt.override_tier_id else mt.tier_id end`;
  const rows = await db
    .selectFrom('memberTiers as mt')
    .innerJoin('members as m', 'm.id', 'mt.memberId')
    .select((eb) => [effective.as('tierId'), eb.fn.countAll<number>().as('n')])
    .where('m.deletedAt', 'is', null)
    .groupBy(effective)
    .execute();
  return new Map(rows.map((r) => [r.tierId, Number(r.n)]));
}

/**
 * Upgrades and downgrades per bucket: `bounds` are ascending instants, bucket i is
 * `[bounds[i], bounds[i+1])`. One grouped query; the bucket is a CASE over the (inlined) bounds.
 */
export async function countChangesByBucket(
  db: Database,
  bounds: readonly number[],
): Promise<{ bucket: number; change: string; n: number }[]> {
  const first = bounds[0] as number;
  const last = bounds[bounds.length - 1] as number;
  const whens = bounds.slice(1).map((bound, i) => sql`when at < ${sql.lit(bound)} then ${sql.lit(i)}`);
  const bucket = sql<number>`case ${sql.join(whens, sql` `)} end`;
  const rows = await db
    .selectFrom('tierHistory')
    .select((eb) => [bucket.as('bucket'), 'change', eb.fn.countAll<number>().as('n')])
    .where('at', '>=', first)
    .where('at', '<', last)
    .where('change', 'in', ['upgrade', 'downgrade'])
    .groupBy([bucket, 'change'])
    .execute();
  return rows.map((r) => ({ bucket: Number(r.bucket), change: r.change, n: Number(r.n) }));
}
