/**
 * The programme API's shapes as the editors read and write them: earning rules, their preview,
 * the programme settings and the tier ladder (see docs/loyalty.md and src/modules/tiers/tiers.types.ts).
 */
import { EVENT_TYPES } from './types.ts';

export const RULE_STATUSES = ['active', 'inactive', 'archived'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];
export const STACKING = ['stack', 'exclusive'] as const;
export type Stacking = (typeof STACKING)[number];
export const ACTION_TYPES = ['per_amount', 'fixed', 'multiplier', 'tier_multiplier'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export const CAP_PERIODS = ['day', 'week', 'month', 'year', 'lifetime'] as const;
export type CapPeriod = (typeof CAP_PERIODS)[number];

/** Every event type but refunds, which take back their order's points without a rule. */
export const RULE_TRIGGERS = EVENT_TYPES.filter((type) => type !== 'order_refunded');

export type RuleAction =
  | { type: 'per_amount'; points: number; per: number }
  | { type: 'fixed'; points: number }
  | { type: 'multiplier'; factor: number }
  | { type: 'tier_multiplier' };

export interface RuleCap {
  points: number;
  period: CapPeriod;
}

/** A condition tree as the API stores it. */
export type ConditionJson =
  | { all: ConditionJson[] }
  | { any: ConditionJson[] }
  | { not: ConditionJson }
  | { field: string; op: string; value?: unknown };

/** `GET /v1/loyalty/rules/{id}`, one entry of the list. */
export interface RuleDto {
  id: string;
  name: string;
  description: string | null;
  trigger: string;
  status: RuleStatus;
  priority: number;
  stacking: Stacking;
  condition: ConditionJson;
  action: RuleAction;
  cap: RuleCap | null;
  validFrom: string | null;
  validUntil: string | null;
  qualifying: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** `GET /v1/loyalty/rules/{id}/versions`, newest first. */
export interface RuleVersion {
  version: number;
  rule: RuleDto;
  changedBy: string | null;
  changedAt: string;
}

/**
 * The body of POST / PUT (and a draft in a preview). Values come straight from the form: a
 * field the operator left malformed is sent as typed, so the server's validation names it.
 */
export type RuleInput = Record<string, unknown>;

export const SKIP_REASONS = [
  'inactive',
  'trigger',
  'not_in_window',
  'condition',
  'after_exclusive',
  'cap_reached',
  'no_points',
] as const;

export interface LeafTrace {
  field: string;
  op: string;
  expected: unknown;
  /** The value the field had; null when absent. */
  actual: unknown;
  result: boolean;
}

export type ConditionTrace =
  | LeafTrace
  | { all: ConditionTrace[]; result: boolean }
  | { any: ConditionTrace[]; result: boolean }
  | { not: ConditionTrace; result: boolean };

/** `POST /v1/loyalty/rules/preview`. */
export interface PreviewResult {
  total: number;
  pending: boolean;
  pendingUntil: string | null;
  expiresAt: string | null;
  lines: { ruleId: string; ruleName: string; points: number; qualifying: number }[];
  rules: {
    ruleId: string;
    name: string;
    matched: boolean;
    points: number;
    skippedBecause?: (typeof SKIP_REASONS)[number] | string;
    detail?: string;
    cappedFrom?: number;
    /** Null when the rule was not evaluated (inactive, another trigger, outside its window). */
    trace: ConditionTrace | null;
  }[];
}

export const EXPIRY_POLICIES = ['days', 'end_of_month', 'end_of_year', 'never'] as const;
export type ExpiryPolicyName = (typeof EXPIRY_POLICIES)[number];
export type ExpiryPolicy =
  | { policy: 'days'; days: number }
  | { policy: 'end_of_month'; months: number }
  | { policy: 'end_of_year'; years: number }
  | { policy: 'never' };

export const TIER_METRICS = ['spend', 'qualifying_points'] as const;
export const TIER_WINDOWS = ['rolling_12_months', 'calendar_year', 'lifetime'] as const;

export interface TierSettings {
  metric: (typeof TIER_METRICS)[number];
  window: (typeof TIER_WINDOWS)[number];
  graceDays: number;
}

export interface ProgrammeSettings {
  currency: string;
  pendingDays: number;
  expiry: ExpiryPolicy;
  transfers: { enabled: boolean; minPoints: number; maxPerTransfer: number; maxPerDay: number };
  tiers: TierSettings;
  earnOnImport: boolean;
}

/** `GET /v1/loyalty/programme`; PUT takes `{ settings, version }`. */
export interface Programme {
  settings: ProgrammeSettings;
  version: number;
  updatedAt: string;
}

/** One detail of 409 TIER_IN_USE: members still hold a tier the new ladder removes. */
export interface TierInUse {
  path?: string;
  message?: string;
  tierId?: string;
  members?: number;
}
