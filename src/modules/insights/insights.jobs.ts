import type { JobHandler } from '../jobs/index.ts';
import { insightsRefreshJob } from './insights.refresh.ts';

/** The insights module's background jobs, registered at start-up. */
// biome-ignore lint/suspicious/noExplicitAny: handlers of different parameter types share the list.
export const insightsJobs: JobHandler<any, any>[] = [insightsRefreshJob];
