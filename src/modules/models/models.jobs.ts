import type { JobHandler } from '../jobs/index.ts';

/** The models module's background jobs, registered at start-up. */
// biome-ignore lint/suspicious/noExplicitAny: handlers of different parameter types share the list.
export const modelJobs: JobHandler<any, any>[] = [];
