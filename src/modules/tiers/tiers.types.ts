import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.ts';
import { STORE_ID_PATTERN } from '../../lib/ids.ts';
import { TIER_METRICS, TIER_WINDOWS } from '../loyalty/programme.settings.ts';
import { ladderIssues } from './tiers.ladder-rules.ts';

/** The most tiers a ladder may hold; real programmes have three to six. */
export const MAX_TIERS = 20;
/** Thresholds are minor units or points; ten billion CNY is more than any member spends. */
const MAX_THRESHOLD = 1_000_000_000_000;

export const tierIdSchema = z.string().regex(STORE_ID_PATTERN, 'must be 1–64 of A-Z a-z 0-9 _ . : -');

const extraBenefit = z.union([z.boolean(), z.number(), z.string().max(200)]);

/**
 * What a tier gives. `earningMultiplier` is read by the earning rules (points × multiplier);
 * the other keys are shown to members and read by the store (free shipping, a birthday gift, …).
 */
export const tierBenefitsSchema = z
  .object({
    earningMultiplier: z
      .number()
      .min(1)
      .max(10)
      .refine((n) => Number.isInteger(n * 100), 'must have at most two decimals'),
    freeShipping: z.boolean().optional(),
    birthdayGift: z.boolean().optional(),
  })
  .catchall(extraBenefit)
  .refine((v) => Object.keys(v).length <= 20, 'at most 20 benefits');
export type TierBenefits = z.infer<typeof tierBenefitsSchema>;

const nameSchema = z.string().trim().min(1).max(40);
const thresholdSchema = z.number().int().min(0).max(MAX_THRESHOLD);

/** One tier as PUT takes it; its position is its index in the array. */
export const tierInputSchema = z.strictObject({
  id: tierIdSchema,
  /** Optional, for a ladder read by GET and sent back: must equal the index when given. */
  position: z.number().int().min(0).optional(),
  nameZh: nameSchema,
  nameEn: nameSchema,
  entryThreshold: thresholdSchema.describe('Metric value that earns the tier (minor units or points)'),
  retainThreshold: thresholdSchema.describe('Metric value that keeps it; at most entryThreshold'),
  benefits: tierBenefitsSchema,
  color: z
    .string()
    .regex(/^#[0-9A-Fa-f]{6}$/, 'must be a colour #RRGGBB')
    .nullable()
    .optional(),
});
export type TierInput = z.infer<typeof tierInputSchema>;

/**
 * `PUT /v1/loyalty/tiers`: the whole ladder, lowest tier first. Members holding a tier the new
 * ladder drops must be moved: `memberMapping` maps each removed tier id to a tier of the new one.
 * The cross-field rules run even when a field is malformed, so one reply lists every problem.
 */
export const ladderInputSchema = z
  .strictObject({
    tiers: z.array(tierInputSchema).min(1).max(MAX_TIERS),
    memberMapping: z.record(tierIdSchema, tierIdSchema).optional(),
    reason: z.string().trim().min(1).max(200).optional(),
    updatedAt: z.iso
      .datetime()
      .nullable()
      .optional()
      .describe('The ladder’s updatedAt as read; saving over a newer ladder is 409 TIER_LADDER_CONFLICT'),
  })
  .superRefine(
    (value, ctx) => {
      for (const issue of ladderIssues(value)) ctx.addIssue({ code: 'custom', ...issue, input: value });
    },
    { when: () => true },
  );
export type LadderInput = z.infer<typeof ladderInputSchema>;

/** A stored tier as the API shows it. */
export const tierDtoSchema = z.object({
  id: z.string(),
  position: z.number().int(),
  nameZh: z.string(),
  nameEn: z.string(),
  entryThreshold: z.number().int(),
  retainThreshold: z.number().int(),
  benefits: tierBenefitsSchema,
  color: z.string().nullable(),
});
export type TierDto = z.infer<typeof tierDtoSchema>;

export const ladderDtoSchema = z.object({
  tiers: z.array(tierDtoSchema),
  /** How members qualify (from the programme settings), so thresholds can be read in their unit. */
  settings: z.object({
    metric: z.enum(TIER_METRICS),
    window: z.enum(TIER_WINDOWS),
    graceDays: z.number().int(),
    currency: z.string(),
  }),
  updatedAt: z.string().nullable(),
});
export type LadderDto = z.infer<typeof ladderDtoSchema>;

const tierRefSchema = z.object({ id: z.string(), nameZh: z.string(), nameEn: z.string() });

export const memberTierDtoSchema = z.object({
  memberId: z.string(),
  tier: tierRefSchema.extend({
    position: z.number().int(),
    benefits: tierBenefitsSchema,
    color: z.string().nullable(),
  }),
  since: z.string(),
  validUntil: z.string().nullable().describe('The earliest moment the tier can be lost; null: it cannot'),
  override: z.object({ tierId: z.string(), until: z.string().nullable(), reason: z.string() }).nullable(),
  progress: z.object({
    metric: z.enum(TIER_METRICS),
    window: z.enum(TIER_WINDOWS),
    current: z.number().int(),
    /** The tier the metric earned; differs from `tier` while an override is active. */
    earnedTierId: z.string(),
    nextTier: tierRefSchema.extend({ entryThreshold: z.number().int() }).nullable(),
    neededForNext: z.number().int(),
    neededToKeep: z.number().int(),
  }),
});
export type MemberTierDto = z.infer<typeof memberTierDtoSchema>;

export const TIER_CHANGES = [
  'initial',
  'upgrade',
  'downgrade',
  'override',
  'override_end',
  'ladder_change',
] as const;
export type TierChange = (typeof TIER_CHANGES)[number];

export const tierHistoryDtoSchema = z.object({
  id: z.string(),
  memberId: z.string(),
  fromTier: z.string().nullable(),
  toTier: z.string(),
  change: z.enum(TIER_CHANGES),
  reason: z.string(),
  metricValue: z.number().int().nullable(),
  actor: z.object({ type: z.string(), id: z.string().nullable() }),
  at: z.string(),
});
export type TierHistoryDto = z.infer<typeof tierHistoryDtoSchema>;

export const historyQuerySchema = pageQuerySchema;

const reasonSchema = z.string().trim().min(1).max(200);

/** `POST /v1/members/{id}/tier/override`. */
export const overrideInputSchema = z.strictObject({
  tierId: tierIdSchema,
  until: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('When the override ends; open-ended if left out'),
  reason: reasonSchema,
});
export type OverrideInput = z.infer<typeof overrideInputSchema>;

/** `DELETE /v1/members/{id}/tier/override`. */
export const overrideEndSchema = z.strictObject({ reason: reasonSchema });

export const memberParams = z.object({ id: z.string().regex(STORE_ID_PATTERN) });

/** The counts a recalculation run adds up. */
export interface RecalculateResult {
  evaluated: number;
  upgraded: number;
  downgraded: number;
  unchanged: number;
  overridesEnded: number;
}

export const tierStatsSchema = z.object({
  distribution: z.array(
    z.object({ tierId: z.string(), nameZh: z.string(), nameEn: z.string(), members: z.number().int() }),
  ),
  monthly: z.array(z.object({ month: z.string(), upgrades: z.number().int(), downgrades: z.number().int() })),
});
export type TierStats = z.infer<typeof tierStatsSchema>;
