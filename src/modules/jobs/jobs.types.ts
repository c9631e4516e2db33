import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { pageQuerySchema } from '../../http/pagination.ts';

/** Where a job stands after a step: `cursor` null means it is finished. */
export interface JobStep<R> {
  cursor: string | null;
  /** Units of work done so far (for progress). */
  done: number;
  /** What the job has found or changed so far, accumulated step by step. */
  result: R;
}

/**
 * A kind of background work, done in chunks. A step must be idempotent: if the process dies after
 * a step's changes are committed but before the runner saves the new cursor, the step runs again.
 */
export interface JobHandler<P = unknown, R = unknown> {
  type: string;
  params: z.ZodType<P>;
  /** Maintenance the worker queues on its own this often (with default params). */
  everyMs?: number;
  /** Scheduled types whose work a job of this type also does: one counts as a run of each. */
  covers?: readonly string[];
  initialResult: R;
  /** How much work there is, for progress; null when unknown. */
  total(ctx: AppContext, params: P): Promise<number | null>;
  step(ctx: AppContext, params: P, state: JobStep<R>): Promise<JobStep<R>>;
}

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

export const jobDtoSchema = z.object({
  id: z.string(),
  type: z.string(),
  status: z.enum(JOB_STATUSES),
  params: z.unknown(),
  progress: z.object({
    done: z.number().int(),
    total: z.number().int().nullable(),
    fraction: z.number().nullable(),
  }),
  result: z.unknown(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type JobDto = z.infer<typeof jobDtoSchema>;

export const jobListQuerySchema = pageQuerySchema.extend({
  type: z.string().max(100).optional(),
  status: z.enum(JOB_STATUSES).optional(),
});

export const jobIdParams = z.object({ id: z.string().max(100) });
