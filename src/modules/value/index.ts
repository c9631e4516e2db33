// The value module's public surface; other modules import only from here.

export { SCORE_CHUNK, valueJobs, valueTrainJob } from './value.jobs.ts';
export { FEATURE_LABELS, featureLabel } from './value.labels.ts';
export { valueRoutes } from './value.routes.ts';
export { getMemberValue, getValueOverview, HIGH_CHURN_RISK, listMovers } from './value.service.ts';
export type { MemberScoresTable } from './value.table.ts';
export {
  type MemberValueDto,
  memberValueDtoSchema,
  VALUE_TRAIN,
  type ValueModelParams,
  type ValueTrainParams,
} from './value.types.ts';
