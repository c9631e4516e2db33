import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import type { WorkerLogger as Logger } from '../../lib/worker-call.ts';
import {
  chooseK,
  columnStats,
  fitKMeans,
  type KMeansResult,
  type Matrix,
  selectColumns,
  standardizeInPlace,
} from '../../ml/kmeans/index.ts';
import {
  CLUSTER_FEATURES,
  type FeatureRow,
  rawFeatureMatrix,
  transformFeatures,
} from './clusters.features.ts';
import { fitOffThread } from './clusters.fit-thread.ts';
import { featureRowsByIds, memberIdsWithEventsAfter } from './clusters.repository.ts';
import type { StoredFeature } from './clusters.types.ts';

/** Ids read per query while drawing the sample. */
const SCAN_CHUNK = 10_000;
/** k tried when the caller gives none. */
export const K_RANGE = { min: 2, max: 8 } as const;
/** Seeded k-means++ starts per fit. */
export const RESTARTS = 4;
/** Each cluster needs this many members on average, or the run is refused. */
export const MIN_MEMBERS_PER_CLUSTER = 3;

/** A 32-bit hash of the id mixed with the seed (FNV-1a, then murmur3's finaliser). */
export function seededHash(id: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A seeded uniform sample of members with events: the `size` ids with the smallest seeded hash
 * (a bottom-k sketch), found in one scan of ids in chunks, holding at most 2 × size ids.
 */
export async function sampleMemberIds(db: Database, size: number, seed: number): Promise<string[]> {
  type Pick = { id: string; h: number };
  const order = (a: Pick, b: Pick) => a.h - b.h || (a.id < b.id ? -1 : 1);
  let kept: Pick[] = [];
  let after: string | null = null;
  for (;;) {
    const ids = await memberIdsWithEventsAfter(db, after, SCAN_CHUNK);
    for (const id of ids) kept.push({ id, h: seededHash(id, seed) });
    if (kept.length > 2 * size) kept = kept.sort(order).slice(0, size);
    if (ids.length < SCAN_CHUNK) break;
    after = ids[ids.length - 1] as string;
  }
  return kept
    .sort(order)
    .slice(0, size)
    .map((p) => p.id);
}

/** Means and deviations of the transformed features on the sample; constant ones are marked dropped. */
export function featureStats(transformed: Matrix): StoredFeature[] {
  const { means, stds } = columnStats(transformed);
  return CLUSTER_FEATURES.map((f, j) => {
    const std = stds[j] as number;
    const stat: StoredFeature = {
      name: f.name,
      label: f.label,
      transform: f.transform,
      mean: Number.isFinite(means[j]) ? (means[j] as number) : 0,
      std,
    };
    return std > 1e-9 ? stat : { ...stat, dropped: 'constant' };
  });
}

/** Column indices (into CLUSTER_FEATURES) of the features a run uses. */
export function usedColumns(features: readonly StoredFeature[]): number[] {
  return features.flatMap((f, j) => (f.dropped ? [] : [j]));
}

/** Rows → z-scores over the used features (missing values at the mean, z = 0). */
export function zScores(
  rows: readonly FeatureRow[],
  asOf: number,
  features: readonly StoredFeature[],
): Matrix {
  const columns = usedColumns(features);
  const x = selectColumns(transformFeatures(rawFeatureMatrix(rows, asOf)), columns);
  const used = columns.map((j) => features[j] as StoredFeature);
  return standardizeInPlace(
    x,
    used.map((f) => f.mean),
    used.map((f) => f.std),
  );
}

export interface SampleFit {
  features: StoredFeature[];
  k: number;
  silhouettes: Record<string, number>;
  /** k rows of z coordinates over the used features, largest sample cluster first. */
  centroids: number[][];
  sampleSize: number;
}

/** What the numeric part of the fit returns: the k, every k's silhouette, ordered centroids. */
export interface StandardisedFit {
  k: number;
  silhouettes: Record<string, number>;
  /** k rows of z coordinates, largest sample cluster first. */
  centroids: number[][];
}

/**
 * The numeric part of the fit, pure and synchronous (it runs in a worker thread): picks k by
 * silhouette over K_RANGE when not given, then keeps the best of RESTARTS seeded k-means fits.
 */
export function fitStandardised(x: Matrix, k: number | undefined, seed: number): StandardisedFit {
  if (k !== undefined) {
    const fit = fitKMeans(x, { k, seed, restarts: RESTARTS });
    return { k, silhouettes: {}, centroids: orderBySize(fit) };
  }
  const kMax = Math.min(K_RANGE.max, Math.floor(x.rows / MIN_MEMBERS_PER_CLUSTER));
  const chosen = chooseK(x, { kMin: K_RANGE.min, kMax, seed, restarts: RESTARTS });
  return { k: chosen.k, silhouettes: chosen.silhouettes, centroids: orderBySize(chosen.fit) };
}

/** Standardises the sample, then fits it off the event loop (see clusters.fit-thread.ts). */
export async function fitSample(
  rows: readonly FeatureRow[],
  asOf: number,
  k: number | undefined,
  seed: number,
  log?: Logger,
): Promise<SampleFit> {
  const need = MIN_MEMBERS_PER_CLUSTER * (k ?? K_RANGE.min);
  if (rows.length < need)
    throw appError(
      Errors.CLUSTER_NOT_ENOUGH_MEMBERS,
      `${rows.length} members with events; need at least ${need}`,
    );
  const features = featureStats(transformFeatures(rawFeatureMatrix(rows, asOf)));
  if (usedColumns(features).length === 0)
    throw appError(Errors.CLUSTER_NOT_ENOUGH_MEMBERS, 'No feature varies between the members');
  const x = zScores(rows, asOf, features);
  const fit = await fitOffThread(x, k, seed, log);
  return { features, ...fit, sampleSize: rows.length };
}

/** Centroids sorted by their sample cluster's size, largest first (index 0), so numbering is stable. */
function orderBySize(fit: KMeansResult): number[][] {
  const sizes = new Array<number>(fit.k).fill(0);
  for (const l of fit.labels) sizes[l] = (sizes[l] as number) + 1;
  return Array.from({ length: fit.k }, (_, c) => c)
    .sort((a, b) => (sizes[b] as number) - (sizes[a] as number) || a - b)
    .map((c) => Array.from(fit.centroids.subarray(c * fit.cols, (c + 1) * fit.cols)));
}

/** Draws the sample and fits it. */
export async function sampleAndFit(
  db: Database,
  asOf: number,
  options: { k?: number | undefined; sampleSize: number; seed: number; log?: Logger },
): Promise<SampleFit> {
  const ids = await sampleMemberIds(db, options.sampleSize, options.seed);
  const rows = await featureRowsByIds(db, ids);
  return fitSample(rows, asOf, options.k, options.seed, options.log);
}
