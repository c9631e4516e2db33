// The profiles module's public surface; other modules import only from here.
export { profileJobs } from './profiles.jobs.ts';
export { profileRoutes } from './profiles.routes.ts';
export type { MemberActiveDaysTable, MemberProfilesTable } from './profiles.table.ts';
