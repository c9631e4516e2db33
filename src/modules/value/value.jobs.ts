import type { JobHandler } from '../jobs/index.ts';

/** The value module's background jobs, registered at start-up. */
// biome-ignore lint/suspicious/noExplicitAny: handlers of different parameter types share the list.
export const valueJobs: JobHandler<any, any>[] = [];
