// The clusters module's public surface; other modules import only from here.
export { CLUSTERS_RUN, type ClusterJobResult, clusterJobs, clustersRunJob } from './clusters.jobs.ts';
export { clusterRoutes } from './clusters.routes.ts';
export { getClusterRun, getLatestClusterRun, listClusterRuns, startClusterRun } from './clusters.service.ts';
export type { ClusterRunsTable, MemberClustersTable } from './clusters.table.ts';
export type { ClusterRunParams, RunDto } from './clusters.types.ts';
