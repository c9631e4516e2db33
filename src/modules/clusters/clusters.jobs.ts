import type { AppContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { nearestCentroid } from '../../ml/kmeans/index.ts';
import { type JobHandler, listJobs } from '../jobs/index.ts';
import { describeClusters } from './clusters.describe.ts';
import { CLUSTER_FEATURES, rawFeatureMatrix } from './clusters.features.ts';
import { sampleAndFit, usedColumns, zScores } from './clusters.fit.ts';
import {
  countMembersWithEvents,
  featureRowsAfter,
  pruneRuns,
  replaceAssignments,
  saveRun,
} from './clusters.repository.ts';
import {
  type ClusterRunParams,
  clusterRunParamsSchema,
  type StoredCluster,
  type StoredFeature,
} from './clusters.types.ts';

export const CLUSTERS_RUN = 'clusters.run';
/** Members assigned per step. */
export const ASSIGN_CHUNK = 10_000;
export const DEFAULT_SAMPLE_SIZE = 5000;
export const DEFAULT_SEED = 1;

/** The job's state between steps (saved as its result); the fit is small: k × features numbers. */
export interface ClusterJobResult {
  runId: string | null;
  asOf: number | null;
  k: number | null;
  sampleSize: number;
  silhouettes: Record<string, number>;
  features: StoredFeature[];
  centroids: number[][];
  members: number;
  sizes: number[];
  /** Per cluster, per CLUSTER_FEATURES entry: sum and count of the raw values present. */
  sums: number[][];
  counts: number[][];
  clusters: { index: number; size: number; description: { en: string; zh: string } }[];
}

const INITIAL: ClusterJobResult = {
  runId: null,
  asOf: null,
  k: null,
  sampleSize: 0,
  silhouettes: {},
  features: [],
  centroids: [],
  members: 0,
  sizes: [],
  sums: [],
  counts: [],
  clusters: [],
};

const ASSIGN = 'assign:';
const FINISH = 'finish';

async function fitStep(ctx: AppContext, params: ClusterRunParams): Promise<ClusterJobResult> {
  const asOf = ctx.clock.now();
  const fit = await sampleAndFit(ctx.db, asOf, {
    k: params.k,
    sampleSize: params.sampleSize ?? DEFAULT_SAMPLE_SIZE,
    seed: params.seed ?? DEFAULT_SEED,
    log: ctx.log,
  });
  const zeros = () => Array.from({ length: fit.k }, () => new Array<number>(CLUSTER_FEATURES.length).fill(0));
  return {
    ...INITIAL,
    runId: newId('clu'),
    asOf,
    k: fit.k,
    sampleSize: fit.sampleSize,
    silhouettes: fit.silhouettes,
    features: fit.features,
    centroids: fit.centroids,
    sizes: new Array<number>(fit.k).fill(0),
    sums: zeros(),
    counts: zeros(),
  };
}

/** Assigns one chunk to the nearest centroid, writes it, and adds it to sizes and raw sums. */
async function assignStep(
  ctx: AppContext,
  params: ClusterRunParams,
  after: string | null,
  state: ClusterJobResult,
) {
  const size = params.chunkSize ?? ASSIGN_CHUNK;
  const rows = await featureRowsAfter(ctx.db, after, size);
  const result = structuredClone(state);
  if (rows.length === 0) return { rows: 0, last: after, result };
  const asOf = state.asOf as number;
  const k = state.k as number;
  const z = zScores(rows, asOf, state.features);
  const raw = rawFeatureMatrix(rows, asOf);
  const centroids = Float64Array.from(state.centroids.flat());
  const assignments = rows.map((row, i) => {
    const cluster = nearestCentroid(centroids, k, z.data, i, z.cols);
    result.sizes[cluster] = (result.sizes[cluster] as number) + 1;
    addRaw(result, cluster, raw.data, i * raw.cols);
    return { memberId: row.memberId, cluster };
  });
  const last = (rows[rows.length - 1] as { memberId: string }).memberId;
  await ctx.db
    .transaction()
    .execute((trx) => replaceAssignments(trx, state.runId as string, after, last, assignments));
  result.members += rows.length;
  return { rows: rows.length, last, result };
}

function addRaw(result: ClusterJobResult, cluster: number, raw: Float64Array, offset: number): void {
  const sums = result.sums[cluster] as number[];
  const counts = result.counts[cluster] as number[];
  for (let j = 0; j < CLUSTER_FEATURES.length; j++) {
    const v = raw[offset + j] as number;
    if (Number.isNaN(v)) continue;
    sums[j] = (sums[j] as number) + v;
    counts[j] = (counts[j] as number) + 1;
  }
}

/** Clusters with sizes, raw means, centroids by feature name and descriptions. */
export function summariseClusters(state: ClusterJobResult): StoredCluster[] {
  const columns = usedColumns(state.features);
  const centroids = state.centroids.map((c) =>
    Object.fromEntries(
      columns.map((j, n) => [(CLUSTER_FEATURES[j] as { name: string }).name, c[n] as number]),
    ),
  );
  const descriptions = describeClusters(centroids);
  return centroids.map((centroid, index) => ({
    index,
    size: state.sizes[index] as number,
    description: descriptions[index] as { en: string; zh: string },
    centroid,
    means: Object.fromEntries(
      columns.map((j) => {
        const n = state.counts[index]?.[j] ?? 0;
        return [
          (CLUSTER_FEATURES[j] as { name: string }).name,
          n > 0 ? (state.sums[index]?.[j] ?? 0) / n : null,
        ];
      }),
    ),
  }));
}

/** The running job that carries this run (a step is not told its job id; the result names the run). */
async function jobOfRun(ctx: AppContext, runId: string): Promise<string | null> {
  const running = await listJobs(ctx, { limit: 100, type: CLUSTERS_RUN, status: 'running' });
  return running.data.find((j) => (j.result as ClusterJobResult | null)?.runId === runId)?.id ?? null;
}

/** Writes the cluster_runs row: only now does the run become visible. */
/** Finished runs kept beside those a live segment refers to. */
export const KEEP_RUNS = 5;

async function finishStep(ctx: AppContext, state: ClusterJobResult): Promise<ClusterJobResult> {
  const clusters = summariseClusters(state);
  const jobId = await jobOfRun(ctx, state.runId as string);
  await saveRun(ctx.db, {
    id: state.runId as string,
    createdAt: ctx.clock.now(),
    jobId,
    k: state.k as number,
    members: state.members,
    sampleSize: state.sampleSize,
    features: JSON.stringify(state.features),
    clusters: JSON.stringify(clusters),
    silhouettes: JSON.stringify(state.silhouettes),
  });
  // Each run holds a row per member: keep the recent ones and those saved segments use.
  await pruneRuns(ctx.db, KEEP_RUNS);
  return {
    ...state,
    clusters: clusters.map(({ index, size, description }) => ({ index, size, description })),
  };
}

/**
 * `clusters.run`: step 1 samples members, standardises, picks k and fits; then one step per chunk of
 * members (by id) writes each member's nearest cluster; the last step writes the run row.
 */
export const clustersRunJob: JobHandler<ClusterRunParams, ClusterJobResult> = {
  type: CLUSTERS_RUN,
  params: clusterRunParamsSchema,
  initialResult: INITIAL,
  total: (ctx) => countMembersWithEvents(ctx.db),
  async step(ctx, params, state) {
    if (state.cursor === null) return { cursor: ASSIGN, done: 0, result: await fitStep(ctx, params) };
    if (state.cursor.startsWith(ASSIGN)) {
      const after = state.cursor.slice(ASSIGN.length) || null;
      const chunk = await assignStep(ctx, params, after, state.result);
      const done = chunk.rows < (params.chunkSize ?? ASSIGN_CHUNK);
      return {
        cursor: done ? FINISH : `${ASSIGN}${chunk.last}`,
        done: state.done + chunk.rows,
        result: chunk.result,
      };
    }
    return { cursor: null, done: state.done, result: await finishStep(ctx, state.result) };
  },
};

/** The clusters module's background jobs, registered at start-up. */
// biome-ignore lint/suspicious/noExplicitAny: handlers of different parameter types share the list.
export const clusterJobs: JobHandler<any, any>[] = [clustersRunJob];
