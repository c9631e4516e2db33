import type { Database } from '../../db/database.ts';
import type { FeatureRow } from './clusters.features.ts';
import type { ClusterRunsTable } from './clusters.table.ts';

/** Rows per multi-row INSERT (3 parameters each, far below either dialect's limit). */
const INSERT_BATCH = 1000;
/** Ids per IN (…) list. */
const IN_BATCH = 500;

/** Members with at least one event: the only ones clustered. */
export async function countMembersWithEvents(db: Database): Promise<number> {
  const row = await db
    .selectFrom('memberProfiles')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('events', '>', 0)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The next `limit` ids of members with events after `after`, in id order. */
export async function memberIdsWithEventsAfter(
  db: Database,
  after: string | null,
  limit: number,
): Promise<string[]> {
  let query = db.selectFrom('memberProfiles').select('memberId').where('events', '>', 0);
  if (after !== null) query = query.where('memberId', '>', after);
  const rows = await query.orderBy('memberId').limit(limit).execute();
  return rows.map((r) => r.memberId);
}

function featureQuery(db: Database) {
  // LEFT JOIN: a member the value model has not scored keeps null scores (treated as the mean).
  return db
    .selectFrom('memberProfiles as p')
    .leftJoin('memberScores as s', 's.memberId', 'p.memberId')
    .select([
      'p.memberId',
      'p.events',
      'p.views',
      'p.orders',
      'p.orderDays',
      'p.revenue',
      'p.refunds',
      'p.reviews',
      'p.ratings',
      'p.ratingSum',
      'p.activeDays',
      'p.cartDays',
      'p.cartDaysOrdered',
      'p.firstOrderAt',
      'p.lastOrderAt',
      's.clv',
      's.pAlive',
      's.churnRisk',
    ])
    .where('p.events', '>', 0);
}

function toFeatureRow(r: Record<string, unknown>): FeatureRow {
  const num = (v: unknown) => Number(v ?? 0);
  const opt = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    memberId: r.memberId as string,
    events: num(r.events),
    views: num(r.views),
    orders: num(r.orders),
    orderDays: num(r.orderDays),
    revenue: num(r.revenue),
    refunds: num(r.refunds),
    reviews: num(r.reviews),
    ratings: num(r.ratings),
    ratingSum: num(r.ratingSum),
    activeDays: num(r.activeDays),
    cartDays: num(r.cartDays),
    cartDaysOrdered: num(r.cartDaysOrdered),
    firstOrderAt: opt(r.firstOrderAt),
    lastOrderAt: opt(r.lastOrderAt),
    clv: opt(r.clv),
    pAlive: opt(r.pAlive),
    churnRisk: opt(r.churnRisk),
  };
}

/** Feature rows of the next `limit` members with events after `after`, in id order. */
export async function featureRowsAfter(
  db: Database,
  after: string | null,
  limit: number,
): Promise<FeatureRow[]> {
  let query = featureQuery(db);
  if (after !== null) query = query.where('p.memberId', '>', after);
  const rows = await query.orderBy('p.memberId').limit(limit).execute();
  return rows.map(toFeatureRow);
}

/** Feature rows of the listed members (those with events), in id order. */
export async function featureRowsByIds(db: Database, ids: readonly string[]): Promise<FeatureRow[]> {
  const out: FeatureRow[] = [];
  for (let i = 0; i < ids.length; i += IN_BATCH) {
    const rows = await featureQuery(db)
      .where('p.memberId', 'in', ids.slice(i, i + IN_BATCH))
      .execute();
    out.push(...rows.map(toFeatureRow));
  }
  return out.sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

/**
 * Replaces a run's assignments for members in (after, last]: delete then insert, so a chunk
 * written twice (a step retried after a crash) leaves the same rows.
 */
export async function replaceAssignments(
  db: Database,
  runId: string,
  after: string | null,
  last: string,
  rows: { memberId: string; cluster: number }[],
): Promise<void> {
  let del = db.deleteFrom('memberClusters').where('runId', '=', runId).where('memberId', '<=', last);
  if (after !== null) del = del.where('memberId', '>', after);
  await del.execute();
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const batch = rows.slice(i, i + INSERT_BATCH).map((r) => ({ runId, ...r }));
    await db.insertInto('memberClusters').values(batch).execute();
  }
}

/** Writes the run row (replacing one a retried final step wrote already). */
export async function saveRun(db: Database, row: ClusterRunsTable): Promise<void> {
  await db.deleteFrom('clusterRuns').where('id', '=', row.id).execute();
  await db.insertInto('clusterRuns').values(row).execute();
}

export async function findRun(db: Database, id: string): Promise<ClusterRunsTable | undefined> {
  return db.selectFrom('clusterRuns').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findLatestRun(db: Database): Promise<ClusterRunsTable | undefined> {
  return db
    .selectFrom('clusterRuns')
    .selectAll()
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Runs newest first, after the (createdAt, id) key of the previous page. */
export async function listRuns(db: Database, after: [number, string] | null, limit: number) {
  let query = db.selectFrom('clusterRuns').select(['id', 'createdAt', 'k', 'members']);
  if (after !== null)
    query = query.where((eb) =>
      eb.or([
        eb('createdAt', '<', after[0]),
        eb.and([eb('createdAt', '=', after[0]), eb('id', '<', after[1])]),
      ]),
    );
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Member ids of one cluster of a run, in id order, after `after`. */
export async function clusterMemberIds(
  db: Database,
  runId: string,
  cluster: number,
  after: string | null,
  limit: number,
): Promise<string[]> {
  let query = db
    .selectFrom('memberClusters')
    .select('memberId')
    .where('runId', '=', runId)
    .where('cluster', '=', cluster);
  if (after !== null) query = query.where('memberId', '>', after);
  const rows = await query.orderBy('memberId').limit(limit).execute();
  return rows.map((r) => r.memberId);
}

/**
 * Deletes finished runs beyond the newest `keep` — their rows and every member's assignment —
 * except runs a live segment refers to (a saved cluster segment keeps its run). Assignments of a
 * run that never finished (no run row) older than the kept runs go too. Returns the runs removed.
 */
export async function pruneRuns(db: Database, keep: number): Promise<string[]> {
  const kept = await db
    .selectFrom('clusterRuns')
    .select(['id', 'createdAt'])
    .orderBy('createdAt', 'desc')
    .execute();
  const referenced = await db
    .selectFrom('segments')
    .select('definition')
    .where('archivedAt', 'is', null)
    .where('definition', 'like', '%"cluster"%')
    .execute();
  const inUse = (id: string) => referenced.some((s) => s.definition.includes(`"${id}"`));
  const old = kept
    .slice(keep)
    .filter((r) => !inUse(r.id))
    .map((r) => r.id);
  const keepIds = kept.filter((r) => !old.includes(r.id)).map((r) => r.id);
  const oldest = kept[Math.min(keep, kept.length) - 1];
  // Runs without a row are unfinished; only those older than the kept runs are abandoned (ids sort by time).
  const abandoned = oldest
    ? (
        await db
          .selectFrom('memberClusters')
          .select('runId')
          .distinct()
          .where('runId', '<', oldest.id)
          .execute()
      )
        .map((r) => r.runId)
        .filter((id) => !keepIds.includes(id) && !inUse(id))
    : [];
  const remove = [...new Set([...old, ...abandoned])];
  for (const id of remove) {
    await db.deleteFrom('memberClusters').where('runId', '=', id).execute();
    await db.deleteFrom('clusterRuns').where('id', '=', id).execute();
  }
  return remove;
}
