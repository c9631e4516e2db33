import { hostname } from 'node:os';
import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { newId } from '../../lib/ids.ts';
import { jobHandler } from './jobs.registry.ts';
import * as repo from './jobs.repository.ts';
import type { JobsTable } from './jobs.table.ts';
import type { JobDto, JobStep } from './jobs.types.ts';

/** A runner that stops renewing (it died) loses its job to another runner after this long. */
export const JOB_LEASE_MS = 60_000;

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
const parse = (json: string | null): unknown => (json === null ? null : JSON.parse(json));

export function toJobDto(row: JobsTable): JobDto {
  const done = Number(row.done);
  const total = row.total === null ? null : Number(row.total);
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    params: parse(row.params),
    progress: { done, total, fraction: total === null || total === 0 ? null : Math.min(1, done / total) },
    result: parse(row.result),
    error: row.error,
    attempts: Number(row.attempts),
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt) as string,
    startedAt: iso(row.startedAt),
    updatedAt: iso(row.updatedAt) as string,
    finishedAt: iso(row.finishedAt),
  };
}

/** Queues a job; its params are checked by the job type's schema (400 listing each bad field). */
export async function createJob(
  ctx: AppContext,
  type: string,
  params: unknown,
  createdBy: string | null,
): Promise<JobDto> {
  const handler = jobHandler(type);
  const parsed = handler.params.safeParse(params);
  if (!parsed.success)
    throw appError(
      Errors.VALIDATION_FAILED,
      undefined,
      parsed.error.issues.map((i) => ({ path: ['params', ...i.path].join('.'), message: i.message })),
    );
  const now = ctx.clock.now();
  const row: JobsTable = {
    id: newId('job'),
    type,
    status: 'queued',
    params: JSON.stringify(parsed.data),
    cursor: null,
    done: 0,
    total: null,
    result: JSON.stringify(handler.initialResult),
    error: null,
    createdBy,
    leaseOwner: null,
    leaseUntil: null,
    attempts: 0,
    createdAt: now,
    startedAt: null,
    updatedAt: now,
    finishedAt: null,
  };
  await repo.insertJob(ctx.db, row);
  return toJobDto(row);
}

export async function getJob(ctx: AppContext, id: string): Promise<JobDto> {
  const row = await repo.findJob(ctx.db, id);
  if (!row) throw appError(Errors.JOB_NOT_FOUND);
  return toJobDto(row);
}

export async function listJobs(
  ctx: AppContext,
  query: {
    limit: number;
    cursor?: string | undefined;
    type?: string | undefined;
    status?: string | undefined;
  },
): Promise<{ data: JobDto[]; nextCursor: string | null }> {
  const after = decodeCursor<[number, string]>(query.cursor, ['number', 'string']);
  const rows = await repo.listJobs(ctx.db, query, after, query.limit + 1);
  const page = toPage(rows, query.limit, (r) => [Number(r.createdAt), r.id]);
  return { data: page.data.map(toJobDto), nextCursor: page.nextCursor };
}

/** Stops a queued or running job; a running one stops after its current step. */
export async function cancelJob(ctx: AppContext, id: string): Promise<JobDto> {
  const now = ctx.clock.now();
  const changed = await repo.setStatus(
    ctx.db,
    id,
    ['queued', 'running'],
    { status: 'cancelled', finishedAt: now, leaseOwner: null, leaseUntil: null },
    now,
  );
  if (!changed) {
    const row = await repo.findJob(ctx.db, id);
    if (!row) throw appError(Errors.JOB_NOT_FOUND);
    throw appError(Errors.JOB_NOT_ACTIVE);
  }
  return getJob(ctx, id);
}

/** Queues a failed or cancelled job again; it continues from its saved cursor. */
export async function resumeJob(ctx: AppContext, id: string): Promise<JobDto> {
  const now = ctx.clock.now();
  const changed = await repo.setStatus(
    ctx.db,
    id,
    ['failed', 'cancelled'],
    { status: 'queued', finishedAt: null, error: null, leaseOwner: null, leaseUntil: null },
    now,
  );
  if (!changed) {
    const row = await repo.findJob(ctx.db, id);
    if (!row) throw appError(Errors.JOB_NOT_FOUND);
    throw appError(Errors.JOB_NOT_RESUMABLE);
  }
  return getJob(ctx, id);
}

export interface RunJobOptions {
  /** Called after every step with the job as saved. */
  onProgress?: (job: JobDto) => void;
  /** Who runs it (default: host and process id). */
  owner?: string;
  /** Take the job even when another runner's lease has not lapsed (an operator knows it died). */
  force?: boolean;
  /** How often the lease is renewed while a step runs (default a quarter of the lease). */
  heartbeatMs?: number;
}

/**
 * Renews the lease every `everyMs` while a long step runs (a model fit over a large shop can
 * take longer than the lease), so no other worker takes over a job that is still being worked on.
 * The step's own awaits give the timer its turns; a synchronous stretch shorter than the lease
 * is covered by the renewal before it.
 */
function startHeartbeat(ctx: AppContext, id: string, owner: string, everyMs: number): () => void {
  const timer = setInterval(() => {
    const now = ctx.clock.now();
    repo
      .saveStep(ctx.db, id, owner, { leaseUntil: now + JOB_LEASE_MS }, now)
      .catch((err) => ctx.log.warn({ jobId: id, err }, 'job lease renewal failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export function defaultRunnerName(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Runs a job to its end in this process, step by step, saving cursor, progress and result after
 * each. Returns the job as it ended; null when another runner holds it. A failing step marks the
 * job failed with the error's message; `resumeJob` continues it from the last saved cursor.
 */
export async function runJob(
  ctx: AppContext,
  id: string,
  options: RunJobOptions = {},
): Promise<JobDto | null> {
  const owner = options.owner ?? `${defaultRunnerName()}:${newId('job')}`;
  const start = ctx.clock.now();
  if (options.force) await repo.setStatus(ctx.db, id, ['running'], { leaseUntil: 0 }, start);
  if (!(await repo.claimJob(ctx.db, id, owner, start, start + JOB_LEASE_MS))) return null;
  const row = (await repo.findJob(ctx.db, id)) as JobsTable;
  const handler = jobHandler(row.type);
  const params = handler.params.parse(parse(row.params));
  let state: JobStep<unknown> = {
    cursor: row.cursor,
    done: Number(row.done),
    result: parse(row.result) ?? handler.initialResult,
  };
  try {
    if (row.total === null && row.cursor === null) {
      const total = await handler.total(ctx, params);
      await repo.saveStep(ctx.db, id, owner, { total }, ctx.clock.now());
    }
    for (;;) {
      const stopHeartbeat = startHeartbeat(ctx, id, owner, options.heartbeatMs ?? JOB_LEASE_MS / 4);
      try {
        state = await handler.step(ctx, params, state);
      } finally {
        stopHeartbeat();
      }
      const now = ctx.clock.now();
      const finished = state.cursor === null;
      const kept = await repo.saveStep(
        ctx.db,
        id,
        owner,
        {
          cursor: state.cursor,
          done: state.done,
          result: JSON.stringify(state.result),
          leaseUntil: now + JOB_LEASE_MS,
          ...(finished ? { status: 'succeeded', finishedAt: now } : {}),
        },
        now,
      );
      options.onProgress?.(await getJob(ctx, id));
      if (finished || !kept) break;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.log.error({ jobId: id, type: row.type, err: error }, 'job failed');
    const now = ctx.clock.now();
    await repo.saveStep(ctx.db, id, owner, { status: 'failed', error: message, finishedAt: now }, now);
  }
  return getJob(ctx, id);
}

/** Queues a job of `type` unless one is already queued or running (for scheduled maintenance). */
export async function ensureJobQueued(ctx: AppContext, type: string, params: unknown): Promise<JobDto> {
  const active = await repo.findActiveOfType(ctx.db, type);
  if (active) return toJobDto(active);
  return createJob(ctx, type, params, 'scheduler');
}
