// The recommendation API as the dashboard reads it (member lists, similar items, the A/B report,
// settings, the models of kind `recommend`), after the contract of issue 6. Fields an older or
// newer server may leave out are optional, so the pages degrade instead of breaking.
import type { Money } from '../api/types.ts';

export const RECOMMENDER_KINDS = ['popularity', 'item-knn', 'als', 'ease', 'content'] as const;
export type RecommenderKind = (typeof RECOMMENDER_KINDS)[number];

export const BEHAVIOURS = ['view', 'favorite', 'cart_add', 'order_paid', 'review', 'share'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export type ReasonCode =
  | 'bought'
  | 'viewed'
  | 'carted'
  | 'favorited'
  | 'similar'
  | 'popular-segment'
  | 'popular-city'
  | 'popular-age-band'
  | 'popular'
  | 'trending'
  | 'onboarding'
  | 'session';

/** Why an item is recommended; the server writes the sentence in both languages. */
export interface Reason {
  code: ReasonCode | string;
  text: string;
  textZh: string;
  itemId?: string;
  itemTitle?: string;
  segmentId?: string;
  segmentName?: string;
  city?: string;
  ageBand?: string;
  category?: string;
}

export interface RecommendedItem {
  itemId: string;
  score: number;
  title: string;
  /** The English title, when the server passes it on. */
  titleEn?: string | null;
  category: string;
  price: Money;
  inStock: boolean;
  reason: Reason;
}

export interface ServingModel {
  id: string;
  kind: RecommenderKind | string;
  variant: string | null;
}

export type Strategy = 'precomputed' | 'online' | 'cold-start' | 'session';

/** `GET /v1/members/{id}/recommendations`. */
export interface MemberRecommendations {
  recommendationId: string;
  memberId: string | null;
  strategy: Strategy | string;
  model: ServingModel | null;
  items: RecommendedItem[];
}

/** `GET /v1/items/{id}/similar`. */
export interface SimilarItems {
  recommendationId: string;
  itemId: string;
  model: ServingModel | null;
  items: RecommendedItem[];
}

/** One item of `GET /v1/items`. */
export interface CatalogueItem {
  id: string;
  title: string;
  titleEn: string | null;
  categoryPath: string[];
  category: string;
  brand: string | null;
  price: Money;
  inStock: boolean;
}

/** `GET /v1/items/categories`: a top-level category and how many items it holds. */
export interface CategoryCount {
  category: string;
  items: number;
}

export interface ExperimentVariant {
  name: string;
  model: 'auto' | RecommenderKind;
  share: number;
}

export interface RecommendationSettings {
  behaviourWeights: Record<Behaviour, number>;
  halfLifeDays: number;
  repeatPurchaseCategories: string[];
  model: 'auto' | RecommenderKind;
  easeMaxItems: number;
  activeDays: number;
  listSize: number;
  diversity: { categoryCap: number | null; mmrLambda: number | null };
  experiment: null | { name: string; variants: ExperimentVariant[] };
}

/** `GET /v1/recommendations/settings` (and the answer to a PUT). */
export interface SettingsDto {
  version: number;
  settings: RecommendationSettings;
  updatedAt: string | number | null;
}

export interface VariantReport {
  variant: string | null;
  modelId: string | null;
  modelKind: string | null;
  lists: number;
  members: number;
  itemsShown: number;
  clicks: number;
  ctr: number | null;
  ctrLow: number | null;
  ctrHigh: number | null;
  carts: number;
  orders: number;
  conversion: number | null;
}

export interface DailyReport {
  day: string;
  variant: string | null;
  lists: number;
  itemsShown: number;
  clicks: number;
  orders: number;
}

/** `GET /v1/recommendations/report`. */
export interface RecommendationReport {
  from: string;
  to: string;
  variants: VariantReport[];
  daily: DailyReport[];
  comparison: null | { control: string; treatment: string; ctrLift: number | null; pValue: number | null };
}

export interface CurvePoint {
  iteration: number;
  loss?: number;
  ndcg?: number;
  seconds: number;
}

export interface Validation {
  ndcg?: number;
  hr?: number;
  recall?: number;
  mrr?: number;
  coverage?: number;
  popularityBias?: number;
  users?: number;
}

export interface CandidateRow {
  kind: string;
  params?: Record<string, unknown>;
  ndcg?: number;
  hr?: number;
  seconds?: number;
}

export interface RecommendMetrics {
  validation?: Validation;
  candidates?: CandidateRow[];
  curve?: CurvePoint[];
  trainSeconds?: number;
}

export interface RecommendParams {
  model?: string;
  hyper?: Record<string, unknown>;
  variant?: string | null;
  halfLifeDays?: number;
  members?: number;
  items?: number;
  interactions?: number;
}

/** A models row of kind `recommend` (`GET /v1/models?kind=recommend`). */
export interface RecommendRun {
  id: string;
  kind: string;
  state: string;
  createdAt: string;
  dataThrough: string | null;
  params: RecommendParams | null;
  metrics: RecommendMetrics | null;
}

export function itemPath(id: string, suffix = ''): string {
  return `/v1/items/${encodeURIComponent(id)}${suffix}`;
}
