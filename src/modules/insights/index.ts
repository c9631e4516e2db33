// The insights module's public surface: one job that refreshes every member-intelligence table.
export { insightsJobs } from './insights.jobs.ts';
export {
  INSIGHTS_REFRESH,
  insightsRefreshJob,
  REFRESH_PHASES,
  type RefreshResult,
} from './insights.refresh.ts';
export { insightsRoutes } from './insights.routes.ts';
