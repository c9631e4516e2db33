import { z } from 'zod';
import { EVENT_TYPES } from '../events/event-types.ts';
import { boundedObjectSchema, moneySchema, storeIdSchema } from '../items/index.ts';
import { actionSchema, capSchema } from './loyalty.actions.ts';
import { conditionSchema } from './loyalty.conditions.ts';
import type { EngineRule } from './loyalty.engine.ts';
import { programmeSettingsSchema } from './programme.settings.ts';

export const RULE_STATUSES = ['active', 'inactive', 'archived'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];
export const STACKING = ['stack', 'exclusive'] as const;

/** A rule as the service and the engine use it (times epoch ms). */
export interface Rule extends EngineRule {
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

const isoTime = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 date-time with Z or an offset',
});

/** Refunds take back the order's points in the ledger; no rule listens to them. */
export const RULE_TRIGGERS = EVENT_TYPES.filter((t) => t !== 'order_refunded') as [
  Exclude<(typeof EVENT_TYPES)[number], 'order_refunded'>,
  ...Exclude<(typeof EVENT_TYPES)[number], 'order_refunded'>[],
];

const ruleFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).nullable().optional(),
  trigger: z.enum(RULE_TRIGGERS).describe('The event type the rule listens to (any but order_refunded)'),
  status: z.enum(RULE_STATUSES).default('active'),
  priority: z.number().int().min(0).max(1_000_000).default(100).describe('Lower runs first'),
  stacking: z
    .enum(STACKING)
    .default('stack')
    .describe('exclusive: once this rule gives points, no later rule runs for the event'),
  condition: conditionSchema
    .optional()
    .describe(
      'A condition tree: { all: [...] } | { any: [...] } | { not: cond } | { field, op, value }; default { "all": [] } (always). See docs/loyalty.md',
    ),
  action: actionSchema,
  cap: capSchema.nullable().optional(),
  validFrom: isoTime.nullable().optional().describe('Campaign start (inclusive), compared with occurredAt'),
  validUntil: isoTime.nullable().optional().describe('Campaign end (exclusive)'),
  qualifying: z
    .boolean()
    .optional()
    .describe('Whether the points count toward tiers; default true for per_amount, false otherwise'),
};

/** validUntil must come after validFrom; runs even when other fields are bad, to list every problem. */
function checkWindow(rule: { validFrom?: unknown; validUntil?: unknown }, ctx: z.RefinementCtx): void {
  const { validFrom, validUntil } = rule;
  if (typeof validFrom !== 'string' || typeof validUntil !== 'string') return;
  const [from, until] = [Date.parse(validFrom), Date.parse(validUntil)];
  if (Number.isFinite(from) && Number.isFinite(until) && until <= from)
    ctx.addIssue({
      code: 'custom',
      path: ['validUntil'],
      message: 'must be after validFrom',
      input: validUntil,
    });
}

const always = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

const ruleObject = z.strictObject(ruleFields);

/** POST /v1/loyalty/rules. */
export const ruleInputSchema = ruleObject.superRefine(checkWindow, always);
export type RuleInput = z.infer<typeof ruleInputSchema>;

/** PUT /v1/loyalty/rules/{id}: the whole rule and the version it replaces. */
export const ruleReplaceSchema = ruleObject
  .extend({ version: z.number().int().min(1).describe('The version this change replaces') })
  .superRefine(checkWindow, always);
export type RuleReplace = z.infer<typeof ruleReplaceSchema>;

/** A draft rule in a preview; `id` names a saved rule being edited (its caps then count). */
export const draftRuleSchema = ruleObject
  .extend({ id: z.string().min(1).max(64).optional() })
  .superRefine(checkWindow, always);
export type DraftRule = z.infer<typeof draftRuleSchema>;

export const ruleDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  trigger: z.string(),
  status: z.enum(RULE_STATUSES),
  priority: z.number().int(),
  stacking: z.enum(STACKING),
  condition: z.unknown(),
  action: actionSchema,
  cap: capSchema.nullable(),
  validFrom: z.string().nullable(),
  validUntil: z.string().nullable(),
  qualifying: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RuleDto = z.infer<typeof ruleDtoSchema>;

export const ruleVersionDtoSchema = z.object({
  version: z.number().int(),
  rule: ruleDtoSchema,
  changedBy: z.string().nullable(),
  changedAt: z.string(),
});
export type RuleVersionDto = z.infer<typeof ruleVersionDtoSchema>;

export const ruleIdParams = z.object({ id: z.string().min(1).max(64) });

export const ruleListQuerySchema = z.strictObject({
  trigger: z.enum(EVENT_TYPES).optional(),
  status: z.enum(RULE_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(512).optional(),
});
export type RuleListQuery = z.infer<typeof ruleListQuerySchema>;

export const archiveBodySchema = z
  .strictObject({ version: z.number().int().min(1).optional().describe('Checked when sent') })
  .nullish();

/** The event a preview evaluates; everything but the type is optional. */
export const previewEventSchema = z.strictObject({
  type: z.enum(EVENT_TYPES),
  amount: moneySchema.optional(),
  itemId: storeIdSchema.optional(),
  occurredAt: isoTime.optional().describe('Default: now'),
  quantity: z.number().int().min(1).max(1_000_000).optional(),
  rating: z.number().int().min(1).max(5).optional(),
  text: z.string().max(5000).optional(),
  channel: z.string().min(1).max(32).optional(),
  properties: boundedObjectSchema(8192).optional(),
});
export type PreviewEvent = z.infer<typeof previewEventSchema>;

export const previewBodySchema = z.strictObject({
  event: previewEventSchema,
  memberId: storeIdSchema.optional().describe('Evaluate for this member: tier, attributes, caps so far'),
  rules: z
    .array(draftRuleSchema)
    .max(200)
    .optional()
    .describe('Draft rules to evaluate instead of the saved active ones'),
});
export type PreviewBody = z.infer<typeof previewBodySchema>;

const SKIP_REASONS = [
  'inactive',
  'trigger',
  'not_in_window',
  'condition',
  'after_exclusive',
  'cap_reached',
  'no_points',
] as const;

export const previewResultSchema = z.object({
  total: z.number().int(),
  pending: z.boolean().describe('Whether the points would wait out the return window'),
  pendingUntil: z.string().nullable(),
  expiresAt: z.string().nullable(),
  lines: z.array(
    z.object({
      ruleId: z.string(),
      ruleName: z.string(),
      points: z.number().int(),
      qualifying: z.number().int().describe('Points of the line that count toward tiers'),
    }),
  ),
  rules: z.array(
    z.object({
      ruleId: z.string(),
      name: z.string(),
      matched: z.boolean(),
      points: z.number().int(),
      skippedBecause: z.enum(SKIP_REASONS).optional(),
      detail: z.string().optional(),
      cappedFrom: z.number().int().optional(),
      trace: z.unknown().describe('The condition, each leaf with field, op, expected, actual, result'),
    }),
  ),
});
export type PreviewResult = z.infer<typeof previewResultSchema>;

export const programmeDtoSchema = z.object({
  settings: programmeSettingsSchema,
  version: z.number().int(),
  updatedAt: z.string(),
});
export type ProgrammeDto = z.infer<typeof programmeDtoSchema>;

export const programmePutSchema = z.strictObject({
  settings: programmeSettingsSchema,
  version: z.number().int().min(1).describe('The version this change replaces'),
});
export type ProgrammePut = z.infer<typeof programmePutSchema>;

/** Who changed something, as the audit log records it. */
export interface LoyaltyActor {
  actorType: string;
  actorId: string;
}
