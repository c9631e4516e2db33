import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { EventFact } from './segments.evaluate.ts';
import type { FieldSource, MemberFacts } from './segments.fields.ts';
import type { CompiledSegment } from './segments.sql.ts';
import type { SegmentSizesTable, SegmentsTable } from './segments.table.ts';

// All SQL of the segments module. This is the one module that compiles queries over other
// modules' tables (member_profiles, member_scores, member_tiers, points_accounts, members, events,
// items, member_clusters): a segment is a query over all of them, so it reads them directly here
// rather than through each module's API.

/**
 * Live members (alias sm) with the tables the compiled fields read left-joined on their primary
 * keys. Only those: SQLite does not drop an unused join, and each costs a lookup per member.
 */
function segmentMembers(db: Database, segment: CompiledSegment) {
  const uses = (source: FieldSource) => segment.sources.has(source);
  return db
    .selectFrom('members as sm')
    .$if(uses('profile'), (q) => q.leftJoin('memberProfiles as p', 'p.memberId', 'sm.id'))
    .$if(uses('scores'), (q) => q.leftJoin('memberScores as s', 's.memberId', 'sm.id'))
    .$if(uses('points'), (q) => q.leftJoin('pointsAccounts as pa', 'pa.memberId', 'sm.id'))
    .$if(uses('tier'), (q) => q.leftJoin('memberTiers as t', 't.memberId', 'sm.id'))
    .where('sm.deletedAt', 'is', null)
    .where(segment.where);
}

/** How many live members satisfy the compiled condition. */
export async function countSegmentMembers(db: Database, segment: CompiledSegment): Promise<number> {
  const row = await segmentMembers(db, segment)
    .select(sql<number | string>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The next `limit` member ids (by id) after `after` that satisfy the condition. */
export async function segmentMemberIds(
  db: Database,
  segment: CompiledSegment,
  after: string | null,
  limit: number,
): Promise<string[]> {
  let query = segmentMembers(db, segment).select('sm.id').orderBy('sm.id').limit(limit);
  if (after !== null) query = query.where('sm.id', '>', after);
  return (await query.execute()).map((row) => row.id);
}

/** A filter on the outer `members` table: this member is in the segment (members list `?segment=`). */
export function memberInSegment(db: Database, segment: CompiledSegment): RawBuilder<SqlBool> {
  const inner = segmentMembers(db, segment)
    .where(sql<SqlBool>`sm.id = members.id`)
    .select(sql.lit(1).as('one'));
  // A query builder inside sql`` compiles with its own parentheses.
  return sql<SqlBool>`exists ${inner}`;
}

/** The entry tier's id (position 0), or null when no ladder is installed. */
export async function findEntryTierId(db: Database): Promise<string | null> {
  const row = await db.selectFrom('loyaltyTiers').select('id').where('position', '=', 0).executeTakeFirst();
  return row?.id ?? null;
}

/** Whether a cluster run exists. */
export async function clusterRunExists(db: Database, runId: string): Promise<boolean> {
  return (
    (await db.selectFrom('clusterRuns').select('id').where('id', '=', runId).executeTakeFirst()) !== undefined
  );
}

export async function insertSegment(db: Database, row: SegmentsTable): Promise<void> {
  await db.insertInto('segments').values(row).execute();
}

export async function findSegmentRow(db: Database, id: string): Promise<SegmentsTable | undefined> {
  return db.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every live (not archived) segment, by id. */
export async function liveSegmentRows(db: Database): Promise<SegmentsTable[]> {
  return db.selectFrom('segments').selectAll().where('archivedAt', 'is', null).orderBy('id').execute();
}

/** A page of live segments, newest first. */
export async function listSegmentRows(
  db: Database,
  before: string | null,
  limit: number,
): Promise<SegmentsTable[]> {
  let query = db
    .selectFrom('segments')
    .selectAll()
    .where('archivedAt', 'is', null)
    .orderBy('id', 'desc')
    .limit(limit);
  if (before !== null) query = query.where('id', '<', before);
  return query.execute();
}

/** Updates only when the stored version is `version` and the segment is live; false otherwise. */
export async function updateSegmentRow(
  db: Database,
  id: string,
  version: number,
  changes: Pick<SegmentsTable, 'name' | 'description' | 'definition' | 'version' | 'updatedAt'>,
): Promise<boolean> {
  const result = await db
    .updateTable('segments')
    .set(changes)
    .where('id', '=', id)
    .where('version', '=', version)
    .where('archivedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function archiveSegmentRow(db: Database, id: string, at: number): Promise<void> {
  await db.updateTable('segments').set({ archivedAt: at, updatedAt: at }).where('id', '=', id).execute();
}

/** Stores a count on the segment and in its size history (a second count in the same ms replaces the first). */
export async function recordSegmentSize(db: Database, id: string, size: number, at: number): Promise<void> {
  await db.updateTable('segments').set({ size, countedAt: at }).where('id', '=', id).execute();
  await db
    .insertInto('segmentSizes')
    .values({ segmentId: id, countedAt: at, size })
    .onConflict((oc) => oc.columns(['segmentId', 'countedAt']).doUpdateSet({ size }))
    .execute();
}

/** The segment's counts, oldest first (the latest 1,000). */
export async function segmentSizeRows(db: Database, id: string): Promise<SegmentSizesTable[]> {
  const rows = await db
    .selectFrom('segmentSizes')
    .selectAll()
    .where('segmentId', '=', id)
    .orderBy('countedAt', 'desc')
    .limit(1000)
    .execute();
  return rows.reverse();
}

/** One member's rows for in-memory evaluation, or null when the member is unknown or deleted. */
export async function loadMemberFacts(db: Database, memberId: string): Promise<MemberFacts | null> {
  const member = await db
    .selectFrom('members')
    .select(['id', 'region', 'gender', 'channel', 'registeredAt'])
    .where('id', '=', memberId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  if (!member) return null;
  const [profile, scores, points, tier] = await Promise.all([
    db.selectFrom('memberProfiles').selectAll().where('memberId', '=', memberId).executeTakeFirst(),
    db.selectFrom('memberScores').selectAll().where('memberId', '=', memberId).executeTakeFirst(),
    db
      .selectFrom('pointsAccounts')
      .select(['available', 'lifetimeEarned'])
      .where('memberId', '=', memberId)
      .executeTakeFirst(),
    db
      .selectFrom('memberTiers')
      .select(['tierId', 'overrideTierId', 'overrideUntil'])
      .where('memberId', '=', memberId)
      .executeTakeFirst(),
  ]);
  return {
    member,
    profile: profile ?? null,
    scores: scores ?? null,
    points: points ?? null,
    tier: tier ?? null,
  };
}

/** The member's events of these types from `from` on, with each item's current category path and brand. */
export async function loadMemberEvents(
  db: Database,
  memberId: string,
  types: readonly string[],
  from: number | null,
): Promise<EventFact[]> {
  if (types.length === 0) return [];
  let query = db
    .selectFrom('events as e')
    .leftJoin('items as i', 'i.id', 'e.itemId')
    .select(['e.type', 'e.occurredAt', 'e.itemId', 'e.amount', 'e.currency', 'i.categoryPath', 'i.brand'])
    .where('e.memberId', '=', memberId)
    .where('e.type', 'in', [...types]);
  if (from !== null) query = query.where('e.occurredAt', '>=', from);
  return query.execute();
}

/** run id → cluster for every run the member was assigned in. */
export async function loadMemberClusters(db: Database, memberId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('memberClusters')
    .select(['runId', 'cluster'])
    .where('memberId', '=', memberId)
    .execute();
  return new Map(rows.map((row) => [row.runId, row.cluster]));
}

/** The ladder's tier ids, lowest first (the values of the `tier` field). */
export async function ladderTierIds(db: Database): Promise<string[]> {
  return (await db.selectFrom('loyaltyTiers').select('id').orderBy('position').execute()).map((r) => r.id);
}
