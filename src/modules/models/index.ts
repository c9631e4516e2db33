// The models module's public surface; other modules import only from here.
export { modelJobs } from './models.jobs.ts';
export { modelRoutes } from './models.routes.ts';
export {
  activeModels,
  findModel,
  getModel,
  latestActiveModel,
  listModels,
  modelDto,
  queueTraining,
  saveModel,
  saveModelSet,
} from './models.service.ts';
export type { ModelsTable } from './models.table.ts';
export {
  MODEL_KINDS,
  type ModelDto,
  modelDtoSchema,
  type NewModel,
  type StoredModel,
} from './models.types.ts';
