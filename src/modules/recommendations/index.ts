// The recommendations module's public surface; other modules import only from here.
export {
  DAY_MS as RECOMMEND_DAY_MS,
  type ExtractedInteractions,
  eventWeight,
  extractInteractions,
} from './recommendations.extract.ts';
export { type MemberHistoryResult, memberHistories, memberHistory } from './recommendations.history.ts';
export {
  RECOMMEND_TRAIN,
  type RecommendJobResult,
  recommendationJobs,
  recommendTrainJob,
} from './recommendations.jobs.ts';
export {
  getServingModels,
  invalidateServingModels,
  type LoadedRecommendModel,
  loadStoredModel,
  type ServingModels,
} from './recommendations.model-cache.ts';
export { buildReport } from './recommendations.report.ts';
export { recommendationRoutes } from './recommendations.routes.ts';
export { loadServeSources, serveMemberList } from './recommendations.serve.ts';
export { serveSession } from './recommendations.session.ts';
export { getRecommendationSettings, updateRecommendationSettings } from './recommendations.settings.ts';
export { recommendationSettingsRoutes } from './recommendations.settings-routes.ts';
export {
  DEFAULT_RECOMMENDATION_SETTINGS,
  type RecommendationSettings,
  recommendationSettingsSchema,
} from './recommendations.settings-types.ts';
export { serveSimilar } from './recommendations.similar.ts';
export type {
  MemberPreferencesTable,
  RecommendationFeedbackTable,
  RecommendationListsTable,
  RecommendationPopularTable,
  RecommendationSettingsTable,
  RecommendationsServedTable,
} from './recommendations.table.ts';
