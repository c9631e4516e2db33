// The profiles module's public surface; other modules import only from here.

export { PROFILE_FEATURES, type ProfileFeature, profileFeatureSql } from './profiles.features.ts';
export { emptyProfileRow } from './profiles.fold.ts';
export { updateProfilesForEvents } from './profiles.incremental.ts';
export { PROFILES_REBUILD, profileJobs, profilesRebuildJob } from './profiles.jobs.ts';
export { REBUILD_CHUNK } from './profiles.rebuild.ts';
export { profileRoutes } from './profiles.routes.ts';
export { getMemberProfile } from './profiles.service.ts';
export type { MemberActiveDaysTable, MemberProfilesTable } from './profiles.table.ts';
export {
  AFFINITY_HALF_LIFE_DAYS,
  AFFINITY_TOP_KEYS,
  AFFINITY_WEIGHTS,
  type MemberProfileDto,
  memberProfileDtoSchema,
  type ProfileEvent,
} from './profiles.types.ts';
