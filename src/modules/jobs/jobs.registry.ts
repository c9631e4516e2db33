import { appError, Errors } from '../../errors.ts';
import type { JobHandler } from './jobs.types.ts';

// Job types register here when their module is loaded (src/job-handlers.ts loads them all).
const handlers = new Map<string, JobHandler<unknown, unknown>>();

export function registerJobHandler<P, R>(handler: JobHandler<P, R>): void {
  handlers.set(handler.type, handler as unknown as JobHandler<unknown, unknown>);
}

export function jobHandler(type: string): JobHandler<unknown, unknown> {
  const handler = handlers.get(type);
  if (!handler) throw appError(Errors.JOB_TYPE_UNKNOWN, `No job type ${type}`);
  return handler;
}

export function jobTypes(): string[] {
  return [...handlers.keys()].sort();
}
