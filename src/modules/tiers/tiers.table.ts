/** One tier of the programme, ordered by `position` (0 = the entry tier). */
export interface LoyaltyTiersTable {
  id: string;
  position: number;
  nameZh: string;
  nameEn: string;
  /** Metric value that earns the tier (spend in minor units, or points). */
  entryThreshold: number;
  /** Lower value that keeps it at period end. */
  retainThreshold: number;
  /** JSON: { earningMultiplier, … }. */
  benefits: string;
  color: string | null;
  updatedAt: number;
}

/** A member's current tier and any manual override. */
export interface MemberTiersTable {
  memberId: string;
  tierId: string;
  since: number;
  validUntil: number | null;
  metricValue: number;
  overrideTierId: string | null;
  overrideUntil: number | null;
  overrideReason: string | null;
  /** When the metric first fell below the retain threshold (grace period starts). */
  belowRetainSince: number | null;
  evaluatedAt: number;
  version: number;
}

/** Every tier change, append-only. */
export interface TierHistoryTable {
  id: string;
  memberId: string;
  fromTier: string | null;
  toTier: string;
  /** `ladder_change`: the member's tier was removed from the ladder and they were mapped to another. */
  change: 'initial' | 'upgrade' | 'downgrade' | 'override' | 'override_end' | 'ladder_change';
  reason: string;
  metricValue: number | null;
  actorType: string;
  actorId: string | null;
  at: number;
}
