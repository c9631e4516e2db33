// The value module's public surface; other modules import only from here.
export { valueJobs } from './value.jobs.ts';
export { valueRoutes } from './value.routes.ts';
export type { MemberScoresTable } from './value.table.ts';
