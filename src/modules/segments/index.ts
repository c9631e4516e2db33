// The segments module's public surface; other modules import only from here.
export { segmentJobs } from './segments.jobs.ts';
export { segmentRoutes } from './segments.routes.ts';
export type { SegmentSizesTable, SegmentsTable } from './segments.table.ts';
