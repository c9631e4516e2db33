/** The shop's recommendation settings: one row (`id = 'default'`), versioned for optimistic updates. */
export interface RecommendationSettingsTable {
  id: string;
  version: number;
  /** JSON: the validated settings. */
  settings: string;
  updatedAt: number;
  updatedBy: string | null;
}

/** A list computed ahead for an active member by the training job. */
export interface RecommendationListsTable {
  memberId: string;
  modelId: string;
  /** JSON: [{ itemId, score, reason }] best first, before request-time filters. */
  items: string;
  computedAt: number;
}

/** Popular items per audience (`all`, `segment`, `city`, `age-band`, `category`) for cold start. */
export interface RecommendationPopularTable {
  scope: string;
  key: string;
  modelId: string;
  /** JSON: [{ itemId, score }] best first. */
  items: string;
  computedAt: number;
}

/** What a new member said they like when joining (onboarding). */
export interface MemberPreferencesTable {
  memberId: string;
  /** JSON array of category names. */
  categories: string;
  /** JSON array of brands. */
  brands: string;
  updatedAt: number;
}

/** Every list served: the exposure log behind click-through, conversion and A/B reports. */
export interface RecommendationsServedTable {
  id: string;
  memberId: string | null;
  surface: string;
  modelId: string | null;
  variant: string | null;
  strategy: string;
  /** JSON array of item ids shown, in order. */
  items: string;
  itemCount: number;
  servedAt: number;
}

/** A store event that carried a served list's id in `properties.recommendationId`. */
export interface RecommendationFeedbackTable {
  eventId: string;
  recommendationId: string;
  memberId: string;
  itemId: string | null;
  type: string;
  occurredAt: number;
}
