export { jobHandler, jobTypes, registerJobHandler } from './jobs.registry.ts';
export { jobRoutes } from './jobs.routes.ts';
export {
  cancelJob,
  createJob,
  ensureJobQueued,
  getJob,
  listJobs,
  type RunJobOptions,
  resumeJob,
  runJob,
} from './jobs.service.ts';
export type { JobsTable } from './jobs.table.ts';
export { type JobDto, type JobHandler, type JobStep, jobDtoSchema } from './jobs.types.ts';
export { type JobWorker, startJobWorker } from './jobs.worker.ts';
