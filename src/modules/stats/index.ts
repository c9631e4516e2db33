export { moveNewMember, recordEventStats, recordNewMember, type StatsEvent } from './stats.incremental.ts';
export { getOverview, resolveRange } from './stats.overview.ts';
export {
  type RebuildDailyStatsOptions,
  type RebuildDailyStatsResult,
  type RebuildProgress,
  rebuildDailyStats,
} from './stats.rebuild.ts';
export { statsRoutes } from './stats.routes.ts';
export type { DayRange, Overview } from './stats.types.ts';
