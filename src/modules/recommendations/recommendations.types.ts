import { z } from 'zod';
import { storeIdSchema } from '../items/index.ts';

// Request and reply shapes of the serving routes (contract §2 "Serving").

export const REASON_CODES = [
  'bought',
  'viewed',
  'carted',
  'favorited',
  'similar',
  'popular-segment',
  'popular-city',
  'popular-age-band',
  'popular',
  'trending',
  'onboarding',
  'session',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Why an item is in a list, in English and Chinese, with the facts the text names. */
export const reasonSchema = z.object({
  code: z.enum(REASON_CODES),
  text: z.string(),
  textZh: z.string(),
  itemId: z.string().optional(),
  itemTitle: z.string().optional(),
  segmentId: z.string().optional(),
  segmentName: z.string().optional(),
  city: z.string().optional(),
  ageBand: z.string().optional(),
  category: z.string().optional(),
});
export type Reason = z.infer<typeof reasonSchema>;

export const recommendedItemSchema = z.object({
  itemId: z.string(),
  score: z.number(),
  title: z.string(),
  /** The English title when the catalogue has one. */
  titleEn: z.string().nullable(),
  category: z.string(),
  price: z.object({ amount: z.number().int(), currency: z.string() }),
  inStock: z.boolean(),
  reason: reasonSchema,
});
export type RecommendedItem = z.infer<typeof recommendedItemSchema>;

export const STRATEGIES = ['precomputed', 'online', 'cold-start', 'session'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const servedModelSchema = z
  .object({ id: z.string(), kind: z.string(), variant: z.string().nullable() })
  .nullable();
export type ServedModel = z.infer<typeof servedModelSchema>;

export const memberListSchema = z.object({
  recommendationId: z.string(),
  memberId: z.string().nullable(),
  strategy: z.enum(STRATEGIES),
  model: servedModelSchema,
  items: z.array(recommendedItemSchema),
});
export type MemberList = z.infer<typeof memberListSchema>;

export const similarListSchema = z.object({
  recommendationId: z.string(),
  itemId: z.string(),
  model: servedModelSchema,
  items: z.array(recommendedItemSchema),
});
export type SimilarList = z.infer<typeof similarListSchema>;

export const DIVERSITY_MODES = ['none', 'cap', 'mmr'] as const;
export type DiversityMode = (typeof DIVERSITY_MODES)[number];

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
const price = z.coerce.number().int('must be whole minor units').min(0).max(Number.MAX_SAFE_INTEGER);
const category = z.string().trim().min(1).max(64);
const idList = z
  .string()
  .max(6500)
  .transform((s) => s.split(',').filter((id) => id !== ''))
  .pipe(z.array(storeIdSchema).max(100, 'at most 100 ids'));

/** The filters and diversity every list takes, as query fields. */
const listQueryFields = {
  limit: z.coerce.number().int().min(1).max(100).default(10),
  category: category.optional().describe('Top-level category, or a path prefix such as `服饰 > 女装`'),
  minPrice: price.optional().describe('Lowest price in minor units, inclusive'),
  maxPrice: price.optional().describe('Highest price in minor units, inclusive'),
  inStock: booleanQuery.optional(),
  exclude: idList.optional().describe('Item ids to leave out, comma-separated'),
  diversity: z.enum(DIVERSITY_MODES).optional().describe('Default: from the settings'),
  categoryCap: z.coerce.number().int().min(1).max(100).optional().describe('Items per category at most'),
};

function checkPriceRange(
  value: { minPrice?: number | undefined; maxPrice?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  const { minPrice, maxPrice } = value;
  if (typeof minPrice === 'number' && typeof maxPrice === 'number' && minPrice > maxPrice) {
    ctx.addIssue({ code: 'custom', path: ['maxPrice'], message: 'must not be below minPrice' });
  }
}

/** Cross-field checks run on partly invalid input too, so one reply lists every problem. */
const evenWithOtherErrors = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

export const memberListQuerySchema = z
  .strictObject(listQueryFields)
  .superRefine(checkPriceRange, evenWithOtherErrors);
export type MemberListQuery = z.infer<typeof memberListQuerySchema>;

export const similarQuerySchema = memberListQuerySchema;
export type SimilarQuery = MemberListQuery;

/** POST /v1/recommendations/session: an anonymous visitor's recent items, newest last. */
export const sessionBodySchema = z
  .strictObject({
    items: z.array(storeIdSchema).min(1).max(50),
    limit: z.number().int().min(1).max(100).default(10),
    category: category.optional(),
    minPrice: z.number().int().min(0).optional(),
    maxPrice: z.number().int().min(0).optional(),
    inStock: z.boolean().optional(),
    exclude: z.array(storeIdSchema).max(100).optional(),
    diversity: z.enum(DIVERSITY_MODES).optional(),
    categoryCap: z.number().int().min(1).max(100).optional(),
  })
  .superRefine(checkPriceRange, evenWithOtherErrors);
export type SessionBody = z.infer<typeof sessionBodySchema>;

/** What every list request boils down to: filters and diversity, whatever route it came from. */
export type ListOptions = Omit<MemberListQuery, 'exclude'> & { exclude: string[] };

export const memberParams = z.object({ id: storeIdSchema });
export const itemParams = z.object({ id: storeIdSchema });

const day = z.iso.date('must be a date YYYY-MM-DD');

/** Longest report range in days. */
export const MAX_REPORT_DAYS = 366;
/** Range when the caller names none: the last 30 UTC days, today included. */
export const DEFAULT_REPORT_DAYS = 30;

export const reportQuerySchema = z
  .strictObject({
    from: day.optional().describe('First UTC day of lists served, inclusive; default 29 days before `to`'),
    to: day.optional().describe('Last UTC day, inclusive; default today'),
    surface: z
      .enum(['member', 'similar', 'session', 'preview'])
      .default('member')
      .describe(
        'Which lists: members’ lists (the A/B experiment), similar items, sessions, or operator previews',
      ),
  })
  .superRefine((value, ctx) => {
    if (typeof value.from === 'string' && typeof value.to === 'string' && value.from > value.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    }
  }, evenWithOtherErrors);
export type ReportQuery = z.infer<typeof reportQuerySchema>;

export const variantReportSchema = z.object({
  variant: z.string(),
  modelId: z.string().nullable(),
  modelKind: z.string().nullable(),
  lists: z.number().int(),
  members: z.number().int(),
  itemsShown: z.number().int(),
  clicks: z.number().int(),
  ctr: z.number(),
  ctrLow: z.number(),
  ctrHigh: z.number(),
  carts: z.number().int(),
  orders: z.number().int(),
  conversion: z.number(),
});
export type VariantReport = z.infer<typeof variantReportSchema>;

export const reportSchema = z.object({
  from: z.string(),
  to: z.string(),
  variants: z.array(variantReportSchema),
  daily: z.array(
    z.object({
      day: z.string(),
      variant: z.string(),
      lists: z.number().int(),
      itemsShown: z.number().int(),
      clicks: z.number().int(),
      orders: z.number().int(),
    }),
  ),
  comparison: z
    .object({
      control: z.string(),
      treatment: z.string(),
      ctrLift: z.number().nullable(),
      pValue: z.number(),
    })
    .nullable(),
});
export type Report = z.infer<typeof reportSchema>;
