/** A member's lifetime value, churn and tier forecast from the active `value` model. */
export interface MemberScoresTable {
  memberId: string;
  modelId: string;
  scoredAt: number;
  currency: string;
  /** Repeat purchase days, days from first purchase to last, days from first purchase to scoring. */
  frequency: number;
  recencyDays: number;
  ageDays: number;
  pAlive: number;
  /** Expected purchase days and spend (minor units) in the forecast period. */
  expectedPurchases: number;
  expectedSpend: number;
  /** Discounted margin over the CLV horizon, minor units. */
  clv: number;
  /** Probability of no purchase in the churn horizon, or null without a churn model. */
  churnRisk: number | null;
  /** JSON [{ feature, value, contribution }], largest contributions first. */
  churnReasons: string;
  currentTier: string | null;
  predictedTier: string | null;
  /** -1 likely down a tier, 0 stays, 1 up (a move is predicted when its probability is ≥ 0.5). */
  tierMove: number;
  /** P of the predicted move, or of the more likely move when tierMove is 0; null without tiers. */
  tierMoveProbability: number | null;
}
