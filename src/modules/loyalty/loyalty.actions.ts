import { z } from 'zod';

// What a matched rule gives, and how much of it a member may collect per period.

const MAX_POINTS = 10_000_000;

export const actionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('per_amount'),
    /** `points` for every whole `per` major units of the amount: 1 per 1 CNY; 3 per 10 CNY. */
    points: z.number().int().min(1).max(MAX_POINTS),
    per: z.number().int().min(1).max(1_000_000_000).default(1),
  }),
  z.strictObject({ type: z.literal('fixed'), points: z.number().int().min(1).max(MAX_POINTS) }),
  z.strictObject({
    type: z.literal('multiplier'),
    /** Multiplies what the earlier stackable rules gave this event: 2 doubles it. */
    factor: z.number().min(1).max(100),
  }),
  z.strictObject({ type: z.literal('tier_multiplier') }),
]);
export type RuleAction = z.infer<typeof actionSchema>;
export type RuleActionInput = z.input<typeof actionSchema>;

export const CAP_PERIODS = ['day', 'week', 'month', 'year', 'lifetime'] as const;
export type CapPeriod = (typeof CAP_PERIODS)[number];

/** The most one member may earn from one rule per period (UTC; weeks start on Monday). */
export const capSchema = z.strictObject({
  points: z.number().int().min(1).max(1_000_000_000),
  period: z.enum(CAP_PERIODS),
});
export type RuleCap = z.infer<typeof capSchema>;

/** Whether a rule's points count toward tiers unless it says: the base spend rule does. */
export function defaultQualifying(action: RuleAction): boolean {
  return action.type === 'per_amount';
}

const exponents = new Map<string, number>();

/**
 * Minor-unit digits of a currency (CNY 2, JPY 0, KWD 3) from the runtime's ICU data; 2 for a
 * code it does not know.
 */
export function minorUnitExponent(currency: string): number {
  let digits = exponents.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    exponents.set(currency, digits);
  }
  return digits;
}

/** `points` for every whole `per` major units of `amount` (minor units). */
export function perAmountPoints(amount: number, currency: string, points: number, per: number): number {
  if (amount <= 0) return 0;
  const unit = per * 10 ** minorUnitExponent(currency);
  return Math.floor(amount / unit) * points;
}

/**
 * `(factor − 1) × subtotal`, floored. Rounded to 1e-6 first, so binary fractions do not lose
 * a point: (1.15 − 1) × 100 is 14.999999999999991 in floating point.
 */
export function multiplierPoints(factor: number, subtotal: number): number {
  if (factor <= 1 || subtotal <= 0) return 0;
  return Math.floor(Math.round((factor - 1) * subtotal * 1e6) / 1e6);
}

const FOREVER = 8_640_000_000_000_000; // the largest Date, far past any ledger time

/** The cap period holding `at`, as `[from, until)` epoch ms (UTC). */
export function capWindow(period: CapPeriod, at: number): { from: number; until: number } {
  const d = new Date(at);
  const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
  switch (period) {
    case 'day':
      return { from: Date.UTC(y, m, day), until: Date.UTC(y, m, day + 1) };
    case 'week': {
      const monday = day - ((d.getUTCDay() + 6) % 7);
      return { from: Date.UTC(y, m, monday), until: Date.UTC(y, m, monday + 7) };
    }
    case 'month':
      return { from: Date.UTC(y, m, 1), until: Date.UTC(y, m + 1, 1) };
    case 'year':
      return { from: Date.UTC(y, 0, 1), until: Date.UTC(y + 1, 0, 1) };
    case 'lifetime':
      return { from: 0, until: FOREVER };
  }
}
