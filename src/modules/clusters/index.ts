// The clusters module's public surface; other modules import only from here.
export { clusterJobs } from './clusters.jobs.ts';
export { clusterRoutes } from './clusters.routes.ts';
export type { ClusterRunsTable, MemberClustersTable } from './clusters.table.ts';
