import { z } from 'zod';
import { RECOMMENDER_KINDS } from '../../ml/recommend/serving.ts';

// The shop's recommendation settings (contract §2 "Settings"): how much each behaviour counts,
// how fast it fades, which kind of model to train, how lists are precomputed and diversified, and
// an optional A/B experiment between models. Stored as one JSON row, versioned.

/** The behaviours that say something about a member's taste in an item. */
export const BEHAVIOURS = ['view', 'favorite', 'cart_add', 'order_paid', 'review', 'share'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export const MODEL_CHOICES = ['auto', ...RECOMMENDER_KINDS] as const;
export type ModelChoice = (typeof MODEL_CHOICES)[number];

const weight = z.number().min(0, 'must be 0 or more').max(1000, 'must be at most 1000');

const behaviourWeightsSchema = z.strictObject({
  view: weight,
  favorite: weight,
  cart_add: weight,
  order_paid: weight,
  review: weight,
  share: weight,
});

const variantSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'must be 1–32 characters of A–Z a–z 0–9 _ . -'),
  model: z.enum(MODEL_CHOICES),
  share: z.number().int('must be a whole percentage').min(1, 'must be at least 1').max(100),
});

const experimentSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(64),
    variants: z.array(variantSchema).min(2, 'an experiment needs at least 2 variants').max(5),
  })
  .superRefine((experiment, ctx) => {
    const variants = experiment.variants;
    const total = variants.reduce((sum, v) => sum + (typeof v?.share === 'number' ? v.share : 0), 0);
    if (total !== 100) {
      ctx.addIssue({
        code: 'custom',
        path: ['variants'],
        message: `shares must sum to 100 (they sum to ${total})`,
      });
    }
    const seen = new Set<string>();
    variants.forEach((v, i) => {
      if (typeof v?.name !== 'string') return;
      if (seen.has(v.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['variants', i, 'name'],
          message: `duplicate variant name ${v.name}`,
        });
      }
      seen.add(v.name);
    });
  }, runEvenWhenOtherFieldsAreBad());

/** Refinements run on partly-invalid input too, so one reply lists every problem. */
function runEvenWhenOtherFieldsAreBad() {
  return {
    when: (payload: { value: unknown }) =>
      typeof payload.value === 'object' &&
      payload.value !== null &&
      Array.isArray((payload.value as { variants?: unknown }).variants),
  };
}

export const recommendationSettingsSchema = z.strictObject({
  behaviourWeights: behaviourWeightsSchema,
  /** Days after which a behaviour counts half as much. */
  halfLifeDays: z.number().min(1, 'must be at least 1 day').max(3650),
  /** Top-level categories whose bought items may be recommended again (consumables). */
  repeatPurchaseCategories: z
    .array(z.string().trim().min(1).max(64))
    .max(100)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a category'),
  model: z.enum(MODEL_CHOICES),
  /** EASE inverts an items × items matrix: it is a candidate only up to this many items. */
  easeMaxItems: z.number().int().min(100).max(50_000),
  /** Members with an event in the last N days get a list precomputed by the training job. */
  activeDays: z.number().int().min(1).max(365),
  /** Length of a precomputed list (before request-time filters). */
  listSize: z.number().int().min(10).max(500),
  diversity: z.strictObject({
    categoryCap: z.number().int().min(1).max(100).nullable(),
    mmrLambda: z.number().min(0).max(1).nullable(),
  }),
  experiment: experimentSchema.nullable(),
});
export type RecommendationSettings = z.infer<typeof recommendationSettingsSchema>;

/** The settings of a shop that never changed them. */
export const DEFAULT_RECOMMENDATION_SETTINGS: RecommendationSettings = {
  behaviourWeights: { view: 1, share: 1.5, favorite: 3, cart_add: 4, review: 4, order_paid: 8 },
  halfLifeDays: 90,
  repeatPurchaseCategories: [],
  model: 'auto',
  easeMaxItems: 20_000,
  activeDays: 30,
  listSize: 100,
  diversity: { categoryCap: 3, mmrLambda: null },
  experiment: null,
};

export const recommendationSettingsDtoSchema = z.object({
  version: z.number().int(),
  settings: recommendationSettingsSchema,
  updatedAt: z.string(),
});
export type RecommendationSettingsDto = z.infer<typeof recommendationSettingsDtoSchema>;

export const recommendationSettingsPutSchema = z.strictObject({
  /** The version read with GET: 0 while the shop runs on the defaults. */
  version: z.number().int().min(0),
  settings: recommendationSettingsSchema,
});
export type RecommendationSettingsPut = z.infer<typeof recommendationSettingsPutSchema>;

/** Onboarding: what a new member says they like. */
export const preferencesSchema = z.strictObject({
  categories: z
    .array(z.string().trim().min(1).max(64))
    .max(20)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a category'),
  brands: z
    .array(z.string().trim().min(1).max(64))
    .max(20)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a brand'),
});
export type Preferences = z.infer<typeof preferencesSchema>;

export const preferencesDtoSchema = preferencesSchema.extend({ updatedAt: z.string().nullable() });
export type PreferencesDto = z.infer<typeof preferencesDtoSchema>;
