import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.ts';

/** Parameters of the `clusters.run` job (and the body of POST /v1/clusters/run). */
export const clusterRunParamsSchema = z.strictObject({
  /** Number of clusters; chosen by silhouette over 2..8 when absent. */
  k: z.number().int().min(2).max(12).optional(),
  /** Members the model is fitted on (a seeded uniform sample). Default 5000. */
  sampleSize: z.number().int().min(10).max(20_000).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  /** Members per assignment step (tests use small chunks). Default 10,000. */
  chunkSize: z.number().int().min(1).max(10_000).optional(),
});
export type ClusterRunParams = z.infer<typeof clusterRunParamsSchema>;

const labelSchema = z.object({ en: z.string(), zh: z.string() });

/** A feature as used by a run: the transform and the mean and deviation of the z-score. */
export const featureStatSchema = z.object({
  name: z.string(),
  label: labelSchema,
  transform: z.enum(['log1p', 'none']),
  mean: z.number(),
  std: z.number(),
});
export type FeatureStat = z.infer<typeof featureStatSchema>;

export const clusterDtoSchema = z.object({
  index: z.number().int(),
  size: z.number().int(),
  share: z.number(),
  description: labelSchema,
  /** Centroid in z units (after log1p where the feature has it). */
  centroid: z.record(z.string(), z.number()),
  /** Mean raw value of each feature over the cluster's members (members without a value left out). */
  means: z.record(z.string(), z.number().nullable()),
});
export type ClusterDto = z.infer<typeof clusterDtoSchema>;

export const runSummarySchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  k: z.number().int(),
  members: z.number().int(),
});

export const runDtoSchema = runSummarySchema.extend({
  jobId: z.string().nullable(),
  sampleSize: z.number().int(),
  silhouettes: z.record(z.string(), z.number()),
  features: z.array(featureStatSchema),
  /** Features left out of this run because they did not vary on the sample. */
  droppedFeatures: z.array(z.string()),
  clusters: z.array(clusterDtoSchema),
});
export type RunDto = z.infer<typeof runDtoSchema>;

export const runParams = z.object({ runId: z.string().max(100) });
export const clusterParams = runParams.extend({ index: z.coerce.number().int().min(0).max(100) });
export const memberPageQuerySchema = pageQuerySchema;
export const segmentBodySchema = z.strictObject({ name: z.string().trim().min(1).max(200).optional() });

/** A feature stored with a run; `dropped` when it was constant on the sample. */
export interface StoredFeature extends FeatureStat {
  dropped?: 'constant';
}

/** A cluster as stored in cluster_runs.clusters. */
export interface StoredCluster {
  index: number;
  size: number;
  description: { en: string; zh: string };
  centroid: Record<string, number>;
  means: Record<string, number | null>;
}
