// The tiers module's public surface; other modules import only from here.
export { DEFAULT_TIERS } from './tiers.defaults.ts';
export {
  applyInstantUpgrades,
  type EvaluateOptions,
  evaluateMembers,
  type TierActor,
} from './tiers.evaluate.ts';
export { RECALCULATE_CHUNK, TIERS_RECALCULATE, tiersRecalculateJob } from './tiers.job.ts';
export { ensureDefaultTiers, getLadder, loadLadder, replaceLadder } from './tiers.ladder.ts';
export { earnedTierIds, getMemberTier, listTierHistory } from './tiers.member.ts';
export { endTierOverride, setTierOverride } from './tiers.override.ts';
export { tierRoutes } from './tiers.routes.ts';
export { getTierStats } from './tiers.stats.ts';
export type { LoyaltyTiersTable, MemberTiersTable, TierHistoryTable } from './tiers.table.ts';
export {
  type LadderDto,
  type LadderInput,
  type MemberTierDto,
  type RecalculateResult,
  type TierBenefits,
  type TierDto,
  type TierHistoryDto,
  type TierStats,
  tierBenefitsSchema,
} from './tiers.types.ts';
