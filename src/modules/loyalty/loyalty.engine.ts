import { multiplierPoints, perAmountPoints, type RuleAction, type RuleCap } from './loyalty.actions.ts';
import type { Condition } from './loyalty.conditions.ts';
import { type ConditionTrace, evaluateCondition, type Facts } from './loyalty.facts.ts';

// The earning engine: rules in, award lines out. Pure and deterministic (no clock, no I/O):
// the caller loads the facts, the member's tier multiplier and what each capped rule already
// gave in its current period.

/** What the engine needs of a rule. */
export interface EngineRule {
  id: string;
  name: string;
  version: number;
  trigger: string;
  status: 'active' | 'inactive' | 'archived';
  priority: number;
  stacking: 'stack' | 'exclusive';
  condition: Condition;
  action: RuleAction;
  cap: RuleCap | null;
  validFrom: number | null;
  validUntil: number | null;
  qualifying: boolean;
}

export interface EngineContext {
  facts: Facts;
  /** The programme currency (settings.currency); per-amount rules count its major units. */
  currency: string;
  /** The effective tier's `earningMultiplier`; null or 1 when there is no bonus. */
  tierMultiplier: number | null;
  /** Points each capped rule already gave this member in its current cap period. */
  capUsed: ReadonlyMap<string, number>;
}

/** One ledger line, as the ledger's `awardEventPoints` takes it. */
export interface AwardLine {
  ruleId: string | null;
  ruleVersion: number | null;
  points: number;
  qualifying: number;
  reason: string;
}

export type SkipReason =
  | 'inactive'
  | 'trigger'
  | 'not_in_window'
  | 'condition'
  | 'after_exclusive'
  | 'cap_reached'
  | 'no_points';

/** What happened to one rule, for preview and logs. */
export interface RuleOutcome {
  ruleId: string;
  name: string;
  /** Active, listening to this event, inside its window, condition held. */
  matched: boolean;
  points: number;
  skippedBecause?: SkipReason;
  /** A sentence for people: which exclusive rule, why no points, what the cap cut. */
  detail?: string;
  /** Points before the cap cut them. */
  cappedFrom?: number;
  /** The condition trace; null when the rule was not evaluated (inactive, other trigger). */
  trace: ConditionTrace | null;
}

export interface EngineResult {
  lines: AwardLine[];
  /** Every rule's outcome, in evaluation order. */
  trace: RuleOutcome[];
  total: number;
}

/** Lower priority first; the id breaks ties, so the order never depends on the input order. */
export function ruleOrder(a: EngineRule, b: EngineRule): number {
  return a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function rawPoints(rule: EngineRule, context: EngineContext, subtotal: number): [number, string?] {
  const action = rule.action;
  const event = context.facts.event;
  switch (action.type) {
    case 'fixed':
      return [action.points];
    case 'per_amount':
      if (event.amount === null) return [0, 'the event has no amount'];
      if (event.currency !== null && event.currency !== context.currency)
        return [0, `the amount is in ${event.currency}, the programme counts ${context.currency}`];
      return [perAmountPoints(event.amount, context.currency, action.points, action.per)];
    case 'multiplier':
      return subtotal === 0
        ? [0, 'no earlier rule gave points to multiply']
        : [multiplierPoints(action.factor, subtotal)];
    case 'tier_multiplier': {
      const factor = context.tierMultiplier ?? 1;
      if (factor <= 1) return [0, 'the member’s tier has no earning multiplier'];
      return subtotal === 0
        ? [0, 'no earlier rule gave points to multiply']
        : [multiplierPoints(factor, subtotal)];
    }
  }
}

function gate(rule: EngineRule, facts: Facts): [SkipReason, string] | null {
  if (rule.status !== 'active') return ['inactive', `the rule is ${rule.status}`];
  if (rule.trigger !== facts.event.type) return ['trigger', `the rule listens to ${rule.trigger}`];
  const at = facts.event.occurredAt;
  if (rule.validFrom !== null && at < rule.validFrom)
    return ['not_in_window', 'the campaign has not started'];
  if (rule.validUntil !== null && at >= rule.validUntil) return ['not_in_window', 'the campaign has ended'];
  return null;
}

/** Whether `rule` would apply to the event, before caps, stacking and multipliers. */
export function ruleMatches(rule: EngineRule, facts: Facts): boolean {
  return gate(rule, facts) === null && evaluateCondition(rule.condition, facts).result;
}

/** Applies the cap: the points left in this period, and the outcome fields it sets. */
function capped(rule: EngineRule, points: number, context: EngineContext): Partial<RuleOutcome> {
  if (!rule.cap) return { points };
  const left = Math.max(0, rule.cap.points - (context.capUsed.get(rule.id) ?? 0));
  if (left === 0)
    return {
      points: 0,
      skippedBecause: 'cap_reached',
      detail: `the ${rule.cap.period} cap of ${rule.cap.points} is reached`,
    };
  return points > left ? { points: left, cappedFrom: points } : { points };
}

/**
 * Evaluates `rules` against one event in priority order. A multiplier adds (factor − 1) × the
 * points of the lines before it; an exclusive rule that gives points stops every later rule.
 * @example evaluateRules(rules, { facts, currency: 'CNY', tierMultiplier: 1.5, capUsed: new Map() })
 */
export function evaluateRules(rules: readonly EngineRule[], context: EngineContext): EngineResult {
  const lines: AwardLine[] = [];
  const outcomes: RuleOutcome[] = [];
  let subtotal = 0;
  let stoppedBy: EngineRule | null = null;
  for (const rule of [...rules].sort(ruleOrder)) {
    const base = { ruleId: rule.id, name: rule.name };
    const skip = gate(rule, context.facts);
    if (skip) {
      outcomes.push({
        ...base,
        matched: false,
        points: 0,
        skippedBecause: skip[0],
        detail: skip[1],
        trace: null,
      });
      continue;
    }
    const trace = evaluateCondition(rule.condition, context.facts);
    if (!trace.result) {
      outcomes.push({ ...base, matched: false, points: 0, skippedBecause: 'condition', trace });
      continue;
    }
    if (stoppedBy) {
      const detail = `the exclusive rule “${stoppedBy.name}” gave points first`;
      outcomes.push({ ...base, matched: true, points: 0, skippedBecause: 'after_exclusive', detail, trace });
      continue;
    }
    const [raw, why] = rawPoints(rule, context, subtotal);
    const outcome: RuleOutcome = { ...base, matched: true, points: 0, trace, ...capped(rule, raw, context) };
    if (outcome.points === 0 && !outcome.skippedBecause) {
      outcome.skippedBecause = 'no_points';
      if (why) outcome.detail = why;
    }
    outcomes.push(outcome);
    if (outcome.points === 0) continue;
    lines.push({
      ruleId: rule.id,
      ruleVersion: rule.version,
      points: outcome.points,
      qualifying: rule.qualifying ? outcome.points : 0,
      reason: rule.name,
    });
    subtotal += outcome.points;
    if (rule.stacking === 'exclusive') stoppedBy = rule;
  }
  return { lines, trace: outcomes, total: subtotal };
}
