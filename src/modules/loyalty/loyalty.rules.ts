import type { Insertable } from 'kysely';
import { defaultQualifying, type RuleAction } from './loyalty.actions.ts';
import { ALWAYS, type Condition } from './loyalty.conditions.ts';
import type { RuleRow } from './loyalty.repository.ts';
import type { LoyaltyRulesTable } from './loyalty.table.ts';
import type { DraftRule, Rule, RuleDto, RuleInput } from './loyalty.types.ts';

// A rule's three forms: the row (JSON columns), the domain rule (the engine's), the DTO (ISO times).

/** The action column also carries `qualifying` (the table has no column of its own for it). */
type StoredAction = RuleAction & { qualifying?: boolean };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ms = (value: string | null | undefined) => (value ? Date.parse(value) : null);
const num = (value: number | null) => (value === null ? null : Number(value));

export function rowToRule(row: RuleRow): Rule {
  const { qualifying, ...action } = JSON.parse(row.action) as StoredAction;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    trigger: row.trigger,
    status: row.status,
    priority: Number(row.priority),
    stacking: row.stacking,
    condition: JSON.parse(row.condition) as Condition,
    action,
    cap: row.cap === null ? null : JSON.parse(row.cap),
    validFrom: num(row.validFrom),
    validUntil: num(row.validUntil),
    qualifying: qualifying ?? defaultQualifying(action),
    version: Number(row.version),
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
  };
}

export function ruleToRow(rule: Rule): Insertable<LoyaltyRulesTable> {
  const action: StoredAction = { ...rule.action, qualifying: rule.qualifying };
  return {
    id: rule.id,
    name: rule.name,
    description: rule.description,
    trigger: rule.trigger,
    status: rule.status,
    priority: rule.priority,
    stacking: rule.stacking,
    condition: JSON.stringify(rule.condition),
    action: JSON.stringify(action),
    cap: rule.cap === null ? null : JSON.stringify(rule.cap),
    validFrom: rule.validFrom,
    validUntil: rule.validUntil,
    version: rule.version,
    createdAt: rule.createdAt,
    updatedAt: rule.updatedAt,
  };
}

export function ruleToDto(rule: Rule): RuleDto {
  return {
    id: rule.id,
    name: rule.name,
    description: rule.description,
    trigger: rule.trigger,
    status: rule.status,
    priority: rule.priority,
    stacking: rule.stacking,
    condition: rule.condition,
    action: rule.action,
    cap: rule.cap,
    validFrom: iso(rule.validFrom),
    validUntil: iso(rule.validUntil),
    qualifying: rule.qualifying,
    version: rule.version,
    createdAt: iso(rule.createdAt) as string,
    updatedAt: iso(rule.updatedAt) as string,
  };
}

interface Stamp {
  id: string;
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** A validated input (or a preview's draft) as a rule, with the defaults filled in. */
export function inputToRule(input: RuleInput | DraftRule, stamp: Stamp): Rule {
  return {
    ...stamp,
    name: input.name,
    description: input.description ?? null,
    trigger: input.trigger,
    status: input.status,
    priority: input.priority,
    stacking: input.stacking,
    condition: input.condition ?? ALWAYS,
    action: input.action,
    cap: input.cap ?? null,
    validFrom: ms(input.validFrom),
    validUntil: ms(input.validUntil),
    qualifying: input.qualifying ?? defaultQualifying(input.action),
  };
}
