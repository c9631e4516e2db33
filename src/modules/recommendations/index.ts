// The recommendations module's public surface; other modules import only from here.
export { recommendationJobs } from './recommendations.jobs.ts';
export { recommendationRoutes } from './recommendations.routes.ts';
export { recommendationSettingsRoutes } from './recommendations.settings-routes.ts';
export type {
  MemberPreferencesTable,
  RecommendationFeedbackTable,
  RecommendationListsTable,
  RecommendationPopularTable,
  RecommendationSettingsTable,
  RecommendationsServedTable,
} from './recommendations.table.ts';
