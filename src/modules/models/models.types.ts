import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.ts';

/** Kinds of model and the job that trains each (the job types are registered by their modules). */
export const MODEL_KINDS = { value: 'value.train', recommend: 'recommend.train' } as const;
export type ModelKind = keyof typeof MODEL_KINDS;

export const MODEL_STATES = ['active', 'retired', 'failed'] as const;

/** A model as the API shows it: never the artifact (trees can be megabytes). */
export const modelDtoSchema = z.object({
  id: z.string(),
  kind: z.string(),
  state: z.enum(MODEL_STATES),
  createdAt: z.string(),
  dataThrough: z.string(),
  params: z.unknown(),
  metrics: z.unknown(),
});
export type ModelDto = z.infer<typeof modelDtoSchema>;

/** What a trainer hands over to be saved. */
export interface NewModel {
  kind: string;
  dataThrough: number;
  params: unknown;
  metrics: unknown;
  /** Serialised model (JSON string), or null when params say all. */
  artifact: string | null;
  jobId?: string | null;
}

/** A stored model with its artifact, for the module that serves it. */
export interface StoredModel {
  id: string;
  kind: string;
  state: (typeof MODEL_STATES)[number];
  createdAt: number;
  dataThrough: number;
  params: unknown;
  metrics: unknown;
  artifact: string | null;
}

export const modelListQuerySchema = pageQuerySchema.extend({ kind: z.string().max(64).optional() });
export const modelIdParams = z.object({ id: z.string().max(100) });
export const modelKindParams = z.object({ kind: z.string().max(64) });
