import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.ts';
import type { BgNbdParams, GammaGammaParams } from '../../ml/clv/index.ts';
import { modelDtoSchema } from '../models/index.ts';
import type { TierSettings } from './value.forecast.ts';

export const VALUE_KIND = 'value';
export const VALUE_TRAIN = 'value.train';

export const valueTrainParamsSchema = z.strictObject({
  /** Days ahead that churn, expected purchases and the tier forecast look (and the backtest gap). */
  horizonDays: z.number().int().min(14).max(365).default(90),
  /** Months of discounted margin counted as lifetime value. */
  clvMonths: z.number().int().min(1).max(60).default(12),
  /** Monthly discount rate. */
  discountRate: z.number().min(0).max(0.2).default(0.01),
  /** Share of revenue that is margin. */
  margin: z.number().min(0).max(1).default(0.3),
  /** Members per scoring step (tests use small chunks). */
  chunkSize: z.number().int().min(1).max(20_000).optional(),
});
export type ValueTrainParams = z.infer<typeof valueTrainParamsSchema>;

/** What a value model stores in `models.params`. */
export interface ValueModelParams {
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
  /** Fits on the calibration period (dataThrough − horizon), used by the churn features and backtest. */
  calibration: { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams; end: string };
  settings: {
    horizonDays: number;
    clvMonths: number;
    discountRate: number;
    margin: number;
    currency: string;
    tiers: TierSettings;
  };
  /** Qualifying points per minor unit of spend across the shop (fallback of the points forecast). */
  pointsPerMinorUnit: number;
  /** Members with purchases, and how many the fits used (a seeded sample on large shops). */
  members: number;
  fitted: number;
}

export interface ValueJobResult {
  modelId: string | null;
  dataThrough: string | null;
  members: number;
  scored: number;
  metrics: unknown;
}

const money = z.object({ amount: z.number().int(), currency: z.string() });
const label = z.object({ en: z.string(), zh: z.string() });

export const churnReasonSchema = z.object({
  feature: z.string(),
  label,
  value: z.number().nullable(),
  contribution: z.number(),
});
export type ChurnReason = z.infer<typeof churnReasonSchema>;

export const memberValueDtoSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('scored'),
    modelId: z.string(),
    scoredAt: z.string(),
    pAlive: z.number(),
    expectedPurchases: z.number(),
    expectedSpend: money,
    clv: money,
    churnRisk: z.number().nullable(),
    churnReasons: z.array(churnReasonSchema),
    currentTier: z.string().nullable(),
    predictedTier: z.string().nullable(),
    tierMove: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
    /** P of the predicted move (of the more likely move when tierMove is 0); null without tiers. */
    tierMoveProbability: z.number().nullable(),
    pAliveHistory: z.array(z.object({ at: z.string(), pAlive: z.number() })),
  }),
  z.object({ status: z.literal('not_scored'), reason: z.enum(['no_model', 'no_purchases']) }),
]);
export type MemberValueDto = z.infer<typeof memberValueDtoSchema>;

const bucket = z.object({ from: z.number(), to: z.number().nullable(), members: z.number().int() });

export const valueOverviewSchema = z.object({
  model: modelDtoSchema.nullable(),
  scored: z.number().int(),
  currency: z.string(),
  /** Sums over the scored members (stored scores are in the programme currency). */
  totalClv: money,
  totalExpectedSpend: money,
  clvDistribution: z.array(bucket),
  pAliveDistribution: z.array(bucket),
  churnByTier: z.array(
    z.object({
      tierId: z.string(),
      nameEn: z.string(),
      nameZh: z.string(),
      members: z.number().int(),
      meanChurnRisk: z.number().nullable(),
      highRisk: z.number().int(),
    }),
  ),
  movers: z.object({ up: z.number().int(), down: z.number().int() }),
  tierForecastAccuracy: z.unknown(),
});
export type ValueOverview = z.infer<typeof valueOverviewSchema>;

export const moverSchema = z.object({
  memberId: z.string(),
  currentTier: z.string().nullable(),
  predictedTier: z.string().nullable(),
  /** P of the predicted move: the list is sorted by it, highest first. */
  tierMoveProbability: z.number().nullable(),
  expectedSpend: money,
  clv: money,
  churnRisk: z.number().nullable(),
});
export const moversQuerySchema = pageQuerySchema.extend({ direction: z.enum(['up', 'down']) });
export const memberParams = z.object({ id: z.string().min(1).max(64) });
