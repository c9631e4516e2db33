import { z } from 'zod';
import { moneySchema, storeIdSchema } from '../items/index.ts';

/** The actions a store asks about. */
export const RISK_ACTIONS = ['login', 'signup', 'order', 'redeem', 'transfer', 'coupon'] as const;
export type RiskAction = (typeof RISK_ACTIONS)[number];

export const RISK_DECISIONS = ['allow', 'review', 'block'] as const;
export type RiskDecision = (typeof RISK_DECISIONS)[number];

const opaque = (max: number) => z.string().min(1).max(max);

/** What the store knows about the attempt; every field optional, unknown fields refused. */
export const riskContextSchema = z.strictObject({
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  deviceId: opaque(128).optional(),
  /** A stable fingerprint of the payment instrument from the payment provider (never the card number). */
  paymentFingerprint: opaque(128).optional(),
  /** The shipping address as text: hashed on arrival, never stored or logged as given. */
  shippingAddress: opaque(500).optional(),
  /**
   * The country the member declared (billing or shipping), in the same convention as the loaded
   * IP ranges (ISO codes or names); compared without case.
   */
  country: z
    .string()
    .trim()
    .min(2)
    .max(64)
    .transform((c) => c.toUpperCase())
    .optional(),
  userAgent: z.string().max(512).optional(),
});

/** `POST /v1/risk/check`. */
export const riskCheckSchema = z
  .strictObject({
    action: z.enum(RISK_ACTIONS),
    memberId: storeIdSchema.optional(),
    /** The store's order id (order, coupon): a later chargeback or refund labels this decision. */
    orderId: storeIdSchema.optional(),
    amount: moneySchema.optional(),
    points: z.number().int().positive().max(1_000_000_000).optional(),
    recipientMemberId: storeIdSchema.optional(),
    couponCode: opaque(64).optional(),
    context: riskContextSchema.prefault({}),
  })
  .superRefine((input, check) => {
    const need = (field: keyof typeof input, why: string) => {
      if (input[field] === undefined) check.addIssue({ code: 'custom', path: [field], message: why });
    };
    if (['order', 'redeem', 'transfer', 'coupon'].includes(input.action))
      need('memberId', `required for ${input.action}`);
    if (input.action === 'order') need('amount', 'required for order');
    if (input.action === 'redeem' || input.action === 'transfer')
      need('points', `required for ${input.action}`);
    if (input.action === 'transfer') need('recipientMemberId', 'required for transfer');
  });
export type RiskCheckInput = z.infer<typeof riskCheckSchema>;

/** One reason behind a score: a rule that fired, a list entry, or a model's feature. */
export interface RiskReason {
  code: string;
  description: string;
  descriptionZh?: string;
  /** Points this reason added to (or, negative, took from) the 0–100 score. */
  contribution: number;
}

export interface RiskCheckResult {
  decisionId: string;
  action: RiskAction;
  decision: RiskDecision;
  score: number;
  reasons: RiskReason[];
  scenario: { action: RiskAction; version: number } | null;
  caseId: string | null;
}

/** A feature's value: a number, a string (a country), or null when it cannot be known. */
export type FeatureValue = number | string | null;
export type FeatureValues = Record<string, FeatureValue>;

const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** A condition over features: a comparison, or all / any / not of conditions. */
export type Condition =
  | { feature: string; op: Comparison; value: number | string }
  | { feature: string; op: Comparison; other: string }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({
      feature: z.string().min(1),
      op: z.enum(COMPARISONS),
      value: z.union([z.number(), z.string()]),
    }),
    z.strictObject({ feature: z.string().min(1), op: z.enum(COMPARISONS), other: z.string().min(1) }),
    z.strictObject({ all: z.array(conditionSchema).min(1).max(20) }),
    z.strictObject({ any: z.array(conditionSchema).min(1).max(20) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

export const ruleSchema = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]{2,47}$/, 'UPPER_SNAKE, 3–48 characters'),
  description: z.string().min(1).max(200),
  descriptionZh: z.string().min(1).max(200).optional(),
  when: conditionSchema,
  /** Added to the score when the condition holds; negative rules lower it (a trusted signal). */
  score: z.number().int().min(-100).max(100),
});
export type RiskRule = z.infer<typeof ruleSchema>;

/** A scenario: an action's rules with their score modifiers and the decision thresholds. */
export const scenarioDefinitionSchema = z
  .strictObject({
    name: z.string().min(1).max(100),
    rules: z.array(ruleSchema).max(100),
    /** Score at or above which the decision is review. */
    reviewAt: z.number().int().min(1).max(100),
    /** Score at or above which the decision is block. */
    blockAt: z.number().int().min(1).max(101),
  })
  .superRefine((s, check) => {
    if (s.blockAt <= s.reviewAt)
      check.addIssue({ code: 'custom', path: ['blockAt'], message: 'must be above reviewAt' });
    const seen = new Set<string>();
    s.rules.forEach((rule, i) => {
      if (seen.has(rule.code))
        check.addIssue({
          code: 'custom',
          path: ['rules', i, 'code'],
          message: `duplicate rule code ${rule.code}`,
        });
      seen.add(rule.code);
    });
  });
export type ScenarioDefinition = z.infer<typeof scenarioDefinitionSchema>;
