import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { createJob } from '../jobs/index.ts';
import { K_RANGE, MIN_MEMBERS_PER_CLUSTER } from './clusters.fit.ts';
import { CLUSTERS_RUN } from './clusters.jobs.ts';
import * as repo from './clusters.repository.ts';
import type { ClusterRunsTable } from './clusters.table.ts';
import type { ClusterRunParams, RunDto, StoredCluster, StoredFeature } from './clusters.types.ts';

const iso = (ms: number) => new Date(Number(ms)).toISOString();

function toRunDto(row: ClusterRunsTable): RunDto {
  const features = JSON.parse(row.features) as StoredFeature[];
  const stored = JSON.parse(row.clusters) as StoredCluster[];
  const members = Number(row.members);
  return {
    id: row.id,
    createdAt: iso(row.createdAt),
    jobId: row.jobId,
    k: Number(row.k),
    members,
    sampleSize: Number(row.sampleSize),
    silhouettes: JSON.parse(row.silhouettes) as Record<string, number>,
    features: features
      .filter((f) => !f.dropped)
      .map(({ name, label, transform, mean, std }) => ({ name, label, transform, mean, std })),
    droppedFeatures: features.filter((f) => f.dropped).map((f) => f.name),
    clusters: stored.map((c) => ({ ...c, share: members > 0 ? c.size / members : 0 })),
  };
}

/**
 * Queues a `clusters.run` job after checking there are enough members with events
 * (MIN_MEMBERS_PER_CLUSTER per cluster); returns the job id.
 */
export async function startClusterRun(ctx: AppContext, params: ClusterRunParams, createdBy: string | null) {
  const members = await repo.countMembersWithEvents(ctx.db);
  const need = MIN_MEMBERS_PER_CLUSTER * (params.k ?? K_RANGE.min);
  if (members < need)
    throw appError(
      Errors.CLUSTER_NOT_ENOUGH_MEMBERS,
      `${members} members with events; need at least ${need}`,
      [{ message: 'too few members with events', membersWithEvents: members, needed: need }],
    );
  const job = await createJob(ctx, CLUSTERS_RUN, params, createdBy);
  return { jobId: job.id };
}

/** Finished runs, newest first. */
export async function listClusterRuns(
  ctx: AppContext,
  query: { limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor<[number, string]>(query.cursor, ['number', 'string']);
  const rows = await repo.listRuns(ctx.db, after, query.limit + 1);
  const page = toPage(rows, query.limit, (r) => [Number(r.createdAt), r.id]);
  return {
    data: page.data.map((r) => ({
      id: r.id,
      createdAt: iso(r.createdAt),
      k: Number(r.k),
      members: Number(r.members),
    })),
    nextCursor: page.nextCursor,
  };
}

/** One finished run with its clusters (CLUSTER_RUN_NOT_FOUND otherwise). */
export async function getClusterRun(ctx: AppContext, runId: string): Promise<RunDto> {
  const row = await repo.findRun(ctx.db, runId);
  if (!row) throw appError(Errors.CLUSTER_RUN_NOT_FOUND);
  return toRunDto(row);
}

/** The newest finished run (CLUSTER_RUN_NOT_FOUND when there is none yet). */
export async function getLatestClusterRun(ctx: AppContext): Promise<RunDto> {
  const row = await repo.findLatestRun(ctx.db);
  if (!row) throw appError(Errors.CLUSTER_RUN_NOT_FOUND, 'No cluster run has finished yet');
  return toRunDto(row);
}

/** The run and its cluster `index`, or the matching not-found error. */
export async function getCluster(ctx: AppContext, runId: string, index: number) {
  const run = await getClusterRun(ctx, runId);
  const cluster = run.clusters.find((c) => c.index === index);
  if (!cluster) throw appError(Errors.CLUSTER_NOT_FOUND, `Run ${runId} has clusters 0..${run.k - 1}`);
  return { run, cluster };
}

/** A page of the cluster's member ids, in id order. */
export async function listClusterMembers(
  ctx: AppContext,
  runId: string,
  index: number,
  query: { limit: number; cursor?: string | undefined },
) {
  await getCluster(ctx, runId, index);
  const after = decodeCursor<[string]>(query.cursor, ['string']);
  const ids = await repo.clusterMemberIds(ctx.db, runId, index, after?.[0] ?? null, query.limit + 1);
  const page = toPage(ids, query.limit, (id) => [id]);
  return { data: page.data.map((memberId) => ({ memberId })), nextCursor: page.nextCursor };
}
