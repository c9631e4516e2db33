/** The loyalty API's shapes as the dashboard reads them: points, tiers, their statistics, jobs. */

/** `GET /v1/members/{id}/points`. */
export interface PointsSummary {
  memberId: string;
  available: number;
  pending: number;
  /** Points that expire within the next 30 days. */
  expiringSoon: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  /** Points owed after a reversal took more than the balance held; paid first from new points. */
  debt: number;
}

export const LEDGER_KINDS = [
  'earn',
  'redeem',
  'adjust',
  'expire',
  'reverse',
  'transfer_in',
  'transfer_out',
  'release',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** One entry of `GET /v1/members/{id}/points/ledger`, newest first. */
export interface LedgerEntry {
  id: string;
  memberId?: string;
  kind: LedgerKind | string;
  /** Change to the available balance (signed). */
  points: number;
  /** Change to the pending balance (signed); absent from older servers. */
  pendingDelta?: number;
  /** Change to the debt (signed); absent from older servers. */
  debtDelta?: number;
  lotId: string | null;
  expiresAt: string | null;
  source: { type: string; id: string | null };
  /** The earning rule (and its version) that gave the points, for rule-based entries. */
  rule?: { id: string; version: number } | null;
  reason: string;
  balanceAfter: number;
  createdAt: string;
}

/** `GET /v1/members/{id}/points/expiring?days=`: one row per day with points expiring. */
export interface ExpiringPoints {
  data: { expiresAt: string; points: number }[];
}

export interface TierName {
  id: string;
  nameZh: string;
  nameEn: string;
}

export type TierMetric = 'spend' | 'qualifying_points';

/** `GET /v1/loyalty/tiers`: the ladder, lowest tier first, and how members qualify. */
export interface TierLadder {
  tiers: (TierName & {
    position: number;
    entryThreshold: number;
    retainThreshold: number;
    benefits: Record<string, unknown>;
    color: string | null;
  })[];
  settings: { metric: TierMetric; window: string; graceDays: number; currency: string };
  updatedAt: string | null;
}

/** `GET /v1/members/{id}/tier`. */
export interface MemberTier {
  memberId?: string;
  /** `position` 0 is the entry tier. */
  tier: TierName & { benefits: Record<string, unknown>; position?: number; color?: string | null };
  since: string;
  validUntil: string | null;
  override: { tierId: string; until: string | null; reason: string } | null;
  progress: {
    /** spend: paid minus refunded in minor units; qualifying_points: points that count for tiers. */
    metric: TierMetric;
    window: string;
    current: number;
    /** The tier the metric earned; differs from `tier` while an override is in force. */
    earnedTierId?: string;
    nextTier: (TierName & { entryThreshold?: number }) | null;
    neededForNext: number | null;
    neededToKeep: number | null;
    /** Currency of a spend metric, when the server names it. */
    currency?: string;
  };
}

export const TIER_CHANGES = ['initial', 'upgrade', 'downgrade', 'override', 'override_end'] as const;
export type TierChange = (typeof TIER_CHANGES)[number];

/** A tier as history names it: its id, or its id with names. */
export type TierRef = string | TierName | null;

/** One entry of `GET /v1/members/{id}/tier/history`, newest first. */
export interface TierHistoryEntry {
  id: string;
  fromTier: TierRef;
  toTier: TierRef;
  change: TierChange | string;
  reason: string;
  metricValue: number | null;
  actor: { type: string; id: string | null };
  at: string;
}

export interface PointsStatsDay {
  date: string;
  earned: number;
  redeemed: number;
  expired: number;
  reversed: number;
  adjusted: number;
}

/** `GET /v1/stats/points?days=`: the programme's liability and its daily movements. */
export interface PointsStats {
  outstanding: { available: number; pending: number; debt: number; members: number };
  expiring: { in30d: number; in90d: number };
  daily: PointsStatsDay[];
}

/** `GET /v1/stats/tiers`. */
export interface TierStats {
  distribution: { tierId: string; nameZh: string; nameEn: string; members: number }[];
  monthly: { month: string; upgrades: number; downgrades: number }[];
}

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** `GET /v1/jobs` and `GET /v1/jobs/{id}`. */
export interface Job {
  id: string;
  type: string;
  status: JobStatus;
  params: unknown;
  progress: { done: number; total: number | null; fraction: number | null };
  result: unknown;
  error: string | null;
  attempts?: number;
  createdBy?: string | null;
  createdAt: string;
  startedAt: string | null;
  updatedAt?: string;
  finishedAt: string | null;
}

/** `/v1/members/{id}` + `suffix`, with the id encoded. */
export function memberApiPath(memberId: string, suffix = ''): string {
  return `/v1/members/${encodeURIComponent(memberId)}${suffix}`;
}
