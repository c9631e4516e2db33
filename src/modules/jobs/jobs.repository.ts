import type { Database } from '../../db/database.ts';
import type { JobsTable } from './jobs.table.ts';

export async function insertJob(db: Database, row: JobsTable): Promise<void> {
  await db.insertInto('jobs').values(row).execute();
}

export async function findJob(db: Database, id: string): Promise<JobsTable | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Takes a job for `owner` until `leaseUntil`: a queued one, or a running one whose runner let its
 * lease lapse (it died). One conditional update, so two runners never both take it.
 */
export async function claimJob(
  db: Database,
  id: string,
  owner: string,
  now: number,
  leaseUntil: number,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      leaseOwner: owner,
      leaseUntil,
      attempts: eb('attempts', '+', 1),
      startedAt: eb.fn.coalesce('startedAt', eb.val(now)),
      updatedAt: now,
    }))
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'queued'),
        eb.and([eb('status', '=', 'running'), eb('leaseUntil', '<', now)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ids of jobs a runner may take now, oldest first. */
export async function findClaimable(db: Database, now: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('jobs')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('status', '=', 'queued'),
        eb.and([eb('status', '=', 'running'), eb('leaseUntil', '<', now)]),
      ]),
    )
    .orderBy('createdAt')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Saves a step's outcome while `owner` still holds the job; false when it was cancelled or taken over. */
export async function saveStep(
  db: Database,
  id: string,
  owner: string,
  set: Partial<
    Pick<JobsTable, 'cursor' | 'done' | 'total' | 'result' | 'status' | 'leaseUntil' | 'finishedAt' | 'error'>
  >,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ ...set, updatedAt: now })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('leaseOwner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listJobs(
  db: Database,
  filter: { type?: string | undefined; status?: string | undefined },
  after: [number, string] | null,
  limit: number,
): Promise<JobsTable[]> {
  let query = db.selectFrom('jobs').selectAll();
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.status) query = query.where('status', '=', filter.status as JobsTable['status']);
  if (after) {
    const [createdAt, id] = after;
    query = query.where((eb) =>
      eb.or([eb('createdAt', '<', createdAt), eb.and([eb('createdAt', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** When the latest job of this type was created (any status), or null. */
export async function latestCreatedAt(db: Database, type: string): Promise<number | null> {
  const row = await db
    .selectFrom('jobs')
    .select('createdAt')
    .where('type', '=', type)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.createdAt) : null;
}

/** A job of this type that is queued or running, if any (the scheduler does not queue twice). */
export async function findActiveOfType(db: Database, type: string): Promise<JobsTable | undefined> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('type', '=', type)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
}

export async function setStatus(
  db: Database,
  id: string,
  from: JobsTable['status'][],
  set: Partial<Pick<JobsTable, 'status' | 'finishedAt' | 'leaseOwner' | 'leaseUntil' | 'error'>>,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ ...set, updatedAt: now })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
