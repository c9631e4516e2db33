import { z } from 'zod';

// The programme's settings, stored as one JSON row (loyalty_programme, id `default`). Rules and
// tiers have their own tables; everything else a merchant tunes lives here.

const DAY_MS = 86_400_000;

export const expiryPolicySchema = z.discriminatedUnion('policy', [
  z.strictObject({ policy: z.literal('days'), days: z.number().int().min(1).max(36_500) }),
  z.strictObject({
    policy: z.literal('end_of_month'),
    /** 12 → points earned in March 2026 expire at the end of March 2027. */
    months: z.number().int().min(0).max(1_200),
  }),
  z.strictObject({
    policy: z.literal('end_of_year'),
    /** 1 → points earned in 2026 expire at the end of 2027. */
    years: z.number().int().min(0).max(100),
  }),
  z.strictObject({ policy: z.literal('never') }),
]);
export type ExpiryPolicy = z.infer<typeof expiryPolicySchema>;

export const TIER_METRICS = ['spend', 'qualifying_points'] as const;
export const TIER_WINDOWS = ['rolling_12_months', 'calendar_year', 'lifetime'] as const;

export const tierSettingsSchema = z.strictObject({
  /** spend: paid minus refunded, minor units; qualifying_points: tier-qualifying points. */
  metric: z.enum(TIER_METRICS),
  window: z.enum(TIER_WINDOWS),
  /** Days a member below the retain threshold keeps the tier before the downgrade. */
  graceDays: z.number().int().min(0).max(365),
});
export type TierSettings = z.infer<typeof tierSettingsSchema>;

export const transferSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  minPoints: z.number().int().min(1),
  maxPerTransfer: z.number().int().min(1),
  /** Points one member may send per UTC day. */
  maxPerDay: z.number().int().min(1),
});
export type TransferSettings = z.infer<typeof transferSettingsSchema>;

export const programmeSettingsSchema = z.strictObject({
  /** Currency whose major unit the per-amount rules count (minor units: 100 fen per CNY). */
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** Order points stay pending this long (the return window); 0 credits them at once. */
  pendingDays: z.number().int().min(0).max(365),
  expiry: expiryPolicySchema,
  transfers: transferSettingsSchema,
  tiers: tierSettingsSchema,
  /** Whether importing historical events (membrain import) earns points. */
  earnOnImport: z.boolean(),
});
export type ProgrammeSettings = z.infer<typeof programmeSettingsSchema>;

/** The default programme: 1 point per 1 CNY paid, 7 days pending, points last 12 months. */
export const DEFAULT_PROGRAMME_SETTINGS: ProgrammeSettings = {
  currency: 'CNY',
  pendingDays: 7,
  expiry: { policy: 'days', days: 365 },
  transfers: { enabled: true, minPoints: 100, maxPerTransfer: 10_000, maxPerDay: 20_000 },
  tiers: { metric: 'spend', window: 'rolling_12_months', graceDays: 30 },
  earnOnImport: false,
};

/** When points earned at `earnedAt` expire under `policy` (UTC); null never. */
export function expiryFor(policy: ExpiryPolicy, earnedAt: number): number | null {
  const at = new Date(earnedAt);
  switch (policy.policy) {
    case 'days':
      return earnedAt + policy.days * DAY_MS;
    case 'end_of_month':
      // Day 1 of the month after the target month, midnight UTC: the first instant past its end.
      return Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + policy.months + 1, 1);
    case 'end_of_year':
      return Date.UTC(at.getUTCFullYear() + policy.years + 1, 0, 1);
    case 'never':
      return null;
  }
}

/** When points earned at `earnedAt` leave pending; null when they are available at once. */
export function pendingUntilFor(settings: ProgrammeSettings, earnedAt: number): number | null {
  return settings.pendingDays === 0 ? null : earnedAt + settings.pendingDays * DAY_MS;
}
