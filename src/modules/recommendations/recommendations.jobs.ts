import type { JobHandler } from '../jobs/index.ts';

/** The recommendations module's background jobs, registered at start-up. */
// biome-ignore lint/suspicious/noExplicitAny: handlers of different parameter types share the list.
export const recommendationJobs: JobHandler<any, any>[] = [];
