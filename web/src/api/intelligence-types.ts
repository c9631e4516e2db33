// The member-intelligence API as the dashboard reads it (profiles, value, models, segments,
// clusters), after the route schemas under src/modules/. Fields a server version may leave out
// are optional, so an older server degrades instead of breaking.
import type { Money } from './types.ts';

/** Both languages of a server-side label (feature names, churn reasons, cluster descriptions). */
export interface BiLabel {
  en: string;
  zh: string;
}

export interface TierRef {
  id: string;
  nameEn: string;
  nameZh: string;
}

export interface ChurnReason {
  feature: string;
  label: BiLabel;
  value: number | null;
  contribution: number;
}

/** `GET /v1/members/{id}/value`. */
export type MemberValue =
  | {
      status: 'scored';
      modelId: string;
      scoredAt: string;
      pAlive: number;
      expectedPurchases: number;
      expectedSpend: Money;
      clv: Money;
      churnRisk: number | null;
      churnReasons: ChurnReason[];
      currentTier: TierRef | string | null;
      predictedTier: TierRef | string | null;
      tierMove: -1 | 0 | 1;
      pAliveHistory: { at: string; pAlive: number }[];
    }
  | { status: 'not_scored'; reason: 'no_model' | 'no_purchases' | string };

export interface NamedScore {
  name: string;
  score: number;
}

/** `GET /v1/members/{id}/profile`. */
export interface MemberProfile {
  memberId: string;
  updatedAt: string | null;
  recencyDays: number | null;
  frequency: number;
  orderDays?: number;
  monetary: Money;
  averageOrderValue: Money | null;
  purchaseIntervalDays: number | null;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  activeDays: number;
  counts?: Record<string, number>;
  cartAbandonmentRate: number | null;
  refunds: number;
  refundAmount?: Money;
  refundRate: number | null;
  reviews: number;
  meanRating: number | null;
  topCategories: NamedScore[];
  topBrands?: NamedScore[];
  priceBand?: string | null;
  channels: Record<string, number>;
  devices: Record<string, number>;
  tier?: TierRef | null;
  value?: MemberValue | null;
  segments?: SegmentRef[];
}

export interface ModelDto {
  id: string;
  kind: string;
  state: string;
  createdAt: string;
  dataThrough: string | null;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export interface Bucket {
  from: number;
  /** Null for the last, open-ended bucket. */
  to: number | null;
  members: number;
}

export interface ChurnByTier {
  tierId: string | null;
  nameEn: string | null;
  nameZh: string | null;
  members: number;
  meanChurnRisk: number | null;
  highRisk: number;
}

export interface Mover {
  memberId: string;
  currentTier: TierRef | string | null;
  predictedTier: TierRef | string | null;
  expectedSpend: Money;
  clv: Money;
  churnRisk: number | null;
}

/** `GET /v1/value/overview`. */
export interface ValueOverview {
  model: ModelDto | null;
  scored: number;
  currency: string;
  /** Sums over every scored member (optional: older servers lack them). */
  totalClv?: Money;
  totalExpectedSpend?: Money;
  clvDistribution: Bucket[];
  pAliveDistribution: Bucket[];
  churnByTier: ChurnByTier[];
  movers: { up: number | Mover[]; down: number | Mover[] };
  tierForecastAccuracy: Record<string, unknown> | null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

// --- segments ------------------------------------------------------------------------------------

export type FieldOp =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'between'
  | 'in'
  | 'notIn'
  | 'exists'
  | 'notExists';
export type CountOp = 'gte' | 'lte' | 'eq' | 'gt' | 'lt';

export interface EventFilter {
  type: string;
  category?: string;
  brand?: string;
  itemId?: string;
  withinDays?: number;
  from?: string;
  to?: string;
}

/** A segment definition as the API stores it. */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { field: string; op: FieldOp; value?: unknown }
  | {
      event: EventFilter;
      count?: { op: CountOp; value: number };
      amount?: { op: CountOp; value: number };
    }
  | { segment: string }
  | { cluster: { runId: string; index: number } };

export type FieldUnit = 'days' | 'money' | 'points' | 'ratio' | 'count';

/** One entry of `GET /v1/segments/fields`. */
export interface SegmentField {
  field: string;
  type: 'number' | 'string' | 'enum';
  label: BiLabel;
  unit?: FieldUnit;
  values?: (string | number | { value: string | number; label?: BiLabel })[];
  ops?: FieldOp[];
}

export interface SegmentRef {
  id: string;
  name: string;
}

export interface SegmentDto {
  id: string;
  name: string;
  description: string | null;
  definition: Condition;
  version: number;
  size: number | null;
  countedAt: string | null;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
  status?: string;
}

export interface SegmentSummary {
  id: string;
  name: string;
  description?: string | null;
  size: number | null;
  countedAt: string | null;
  updatedAt: string;
  version?: number;
  sizes?: { countedAt: string; size: number }[];
}

export interface SegmentPreview {
  size: number;
  sample: string[];
}

// --- clusters ------------------------------------------------------------------------------------

export interface ClusterFeature {
  name: string;
  label: BiLabel;
  mean: number;
  std: number;
}

export interface Cluster {
  index: number;
  size: number;
  share: number;
  description: BiLabel;
  centroid: Record<string, number>;
  means: Record<string, number>;
}

export interface ClusterRun {
  id: string;
  createdAt: string;
  k: number;
  members: number;
  sampleSize: number;
  silhouettes: Record<string, number>;
  features: ClusterFeature[];
  clusters: Cluster[];
}

/** `202 { jobId }` of the intelligence jobs; the loyalty routes answer `{ job }`. */
export interface JobStarted {
  jobId?: string;
  job?: { id: string };
}

/** The job id of a 202 answer, whichever shape it has. */
export function startedJobId(answer: JobStarted): string {
  const id = answer.jobId ?? answer.job?.id;
  if (!id) throw new Error('the server did not name the job it started');
  return id;
}

/**
 * A tier as the value API gives it (its id, or an object), by name in the language; ids are
 * looked up in the ladder when one is at hand.
 */
export function tierText(
  tier: TierRef | string | null | undefined,
  zh: boolean,
  ladder: readonly TierRef[] = [],
): string | null {
  if (tier === null || tier === undefined) return null;
  const ref = typeof tier === 'string' ? ladder.find((t) => t.id === tier) : tier;
  if (!ref) return String(tier);
  return (zh ? ref.nameZh : ref.nameEn) || ref.id;
}

export function segmentPath(id: string, suffix = ''): string {
  return `/v1/segments/${encodeURIComponent(id)}${suffix}`;
}
