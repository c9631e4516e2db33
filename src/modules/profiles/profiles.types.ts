import { z } from 'zod';
import { STORE_ID_PATTERN } from '../../lib/ids.ts';

export const DAY_MS = 86_400_000;

/**
 * Half-life of the category and brand affinities: an interaction 30 days old weighs half as
 * much as one today, one 90 days old an eighth. Tastes in retail move within a season.
 */
export const AFFINITY_HALF_LIFE_DAYS = 30;
export const AFFINITY_HALF_LIFE_MS = AFFINITY_HALF_LIFE_DAYS * DAY_MS;

/**
 * How much one event of each type says about a member's taste: a purchase most, then intent
 * (cart, favourite), then a review (bought, maybe disliked), then a view. Other types add nothing.
 */
export const AFFINITY_WEIGHTS: Readonly<Record<string, number>> = {
  view: 1,
  cart_add: 3,
  favorite: 3,
  order_paid: 5,
  review: 2,
};

/** Keys kept per affinity map; the lowest scores beyond this are dropped after each batch. */
export const AFFINITY_TOP_KEYS = 30;

/** Day flags in member_active_days. */
export const DAY_ACTIVE = 1;
export const DAY_CART = 2;
export const DAY_ORDER = 4;

export const DEVICE_CLASSES = ['mobile', 'tablet', 'desktop', 'app', 'other'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/** The fields of a stored event the profile reads (an events row fits). */
export interface ProfileEvent {
  id?: string;
  type: string;
  memberId: string;
  itemId?: string | null;
  occurredAt: number;
  quantity?: number | null;
  priceAmount?: number | null;
  amount?: number | null;
  currency?: string | null;
  rating?: number | null;
  deviceId?: string | null;
  userAgent?: string | null;
  channel?: string | null;
}

/** Category and brand of a catalogue item, as the affinities read them. */
export interface ItemFacets {
  category: string;
  brand: string | null;
}

export const memberParams = z.object({ id: z.string().regex(STORE_ID_PATTERN) });

const money = z.object({ amount: z.number().int(), currency: z.string() });
const scored = z.array(z.object({ name: z.string(), score: z.number() }));

/** `GET /v1/members/{id}/profile`. */
export const memberProfileDtoSchema = z.object({
  memberId: z.string(),
  updatedAt: z.string().nullable(),
  recencyDays: z.number().int().nullable().describe('Whole days since the last paid order'),
  frequency: z.number().int().describe('Paid orders, in any currency'),
  orderDays: z.number().int().describe('Distinct UTC days with a paid order'),
  monetary: money.describe('Revenue of paid orders in the programme currency'),
  averageOrderValue: money.nullable(),
  purchaseIntervalDays: z.number().nullable().describe('Mean days between order days'),
  firstOrderAt: z.string().nullable(),
  lastOrderAt: z.string().nullable(),
  firstEventAt: z.string().nullable(),
  lastEventAt: z.string().nullable(),
  activeDays: z.number().int(),
  counts: z.object({
    events: z.number().int(),
    views: z.number().int(),
    searches: z.number().int(),
    cartAdds: z.number().int(),
    favorites: z.number().int(),
    logins: z.number().int(),
    shares: z.number().int(),
    couponUses: z.number().int(),
  }),
  cartAbandonmentRate: z.number().nullable().describe('Share of cart days without a paid order'),
  refunds: z.number().int(),
  refundAmount: money,
  refundRate: z.number().nullable().describe('Refunds per paid order'),
  reviews: z.number().int(),
  meanRating: z.number().nullable(),
  topCategories: scored.describe('Time-decayed affinity as of now, highest first (5 at most)'),
  topBrands: scored,
  priceBand: z.enum(['budget', 'mid', 'premium', 'luxury']).nullable(),
  meanItemPrice: money.nullable(),
  channels: z.record(z.string(), z.number().int()),
  devices: z.record(z.string(), z.number().int()),
  tier: z.object({ id: z.string(), nameEn: z.string(), nameZh: z.string() }).nullable(),
  points: z
    .object({ available: z.number().int(), pending: z.number().int(), lifetimeEarned: z.number().int() })
    .nullable(),
  value: z.unknown().nullable().describe('The member’s value scores (GET /v1/members/{id}/value)'),
  segments: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type MemberProfileDto = z.infer<typeof memberProfileDtoSchema>;

/** What a `profiles.rebuild` run did. */
export interface RebuildResult {
  members: number;
  profiles: number;
  events: number;
}

export const rebuildParamsSchema = z.strictObject({
  /** Members per step (tests use small chunks). */
  chunkSize: z.number().int().min(1).max(20_000).optional(),
});
export type RebuildParams = z.infer<typeof rebuildParamsSchema>;
