import type { Condition, ConditionLeaf } from './loyalty.conditions.ts';
import type { Op } from './loyalty.fields.ts';

// What a condition is evaluated against, and the evaluation itself. Pure: the caller loads the
// member, tier, item and birthday month; a field whose source is missing reads as absent.

export interface EventFacts {
  type: string;
  /** Minor units. */
  amount: number | null;
  currency: string | null;
  quantity: number | null;
  rating: number | null;
  channel: string | null;
  /** Characters of the event's text (reviews); null without text. */
  textLength: number | null;
  properties: Record<string, unknown> | null;
  /** Epoch ms; every date.* field and the rule's validity window read this. */
  occurredAt: number;
}

/** An item the catalogue does not know has only its id. */
export interface ItemFacts {
  id: string;
  category: string | null;
  categoryPath: string | null;
  brand: string | null;
  price: number | null;
}

export interface MemberFacts {
  id: string;
  /** The effective tier's id (override first); null when the programme has no tiers. */
  tierId: string | null;
  region: string | null;
  gender: string | null;
  channel: string | null;
  attributes: Record<string, unknown>;
  /** Null when the member row was not needed (only the tier was). */
  registeredAt: number | null;
  /** 1–12, or null when the birthday is unknown or was not needed. */
  birthMonth: number | null;
}

export interface Facts {
  event: EventFacts;
  item: ItemFacts | null;
  member: MemberFacts | null;
}

export interface LeafTrace {
  field: string;
  op: Op;
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

const DAY_MS = 86_400_000;

function lookup(source: Record<string, unknown> | null | undefined, path: string): unknown {
  let value: unknown = source;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function dateFact(field: string, at: number, member: MemberFacts | null): unknown {
  const date = new Date(at);
  switch (field) {
    case 'date.dayOfWeek':
      return ((date.getUTCDay() + 6) % 7) + 1;
    case 'date.month':
      return date.getUTCMonth() + 1;
    case 'date.hour':
      return date.getUTCHours();
    case 'date.date':
      return date.toISOString().slice(0, 10);
    case 'date.isBirthdayMonth':
      return member?.birthMonth == null ? undefined : member.birthMonth === date.getUTCMonth() + 1;
  }
  return undefined;
}

function memberFact(field: string, facts: Facts): unknown {
  const member = facts.member;
  if (!member) return undefined;
  if (field.startsWith('member.attributes.'))
    return lookup(member.attributes, field.slice('member.attributes.'.length));
  switch (field) {
    case 'member.tier':
      return member.tierId;
    case 'member.region':
      return member.region;
    case 'member.gender':
      return member.gender;
    case 'member.channel':
      return member.channel;
    case 'member.daysSinceRegistration':
      if (member.registeredAt === null) return undefined;
      return Math.max(0, Math.floor((facts.event.occurredAt - member.registeredAt) / DAY_MS));
  }
  return undefined;
}

const EVENT_FIELDS: Record<string, (e: EventFacts) => unknown> = {
  'event.type': (e) => e.type,
  'event.amount': (e) => e.amount,
  'event.currency': (e) => e.currency,
  'event.quantity': (e) => e.quantity,
  'event.rating': (e) => e.rating,
  'event.channel': (e) => e.channel,
  'event.textLength': (e) => e.textLength,
};

const ITEM_FIELDS: Record<string, (i: ItemFacts) => unknown> = {
  'item.id': (i) => i.id,
  'item.category': (i) => i.category,
  'item.categoryPath': (i) => i.categoryPath,
  'item.brand': (i) => i.brand,
  'item.price': (i) => i.price,
};

/** The value of `field` in `facts`; undefined or null when it is absent. */
export function resolveField(field: string, facts: Facts): unknown {
  const eventField = EVENT_FIELDS[field];
  if (eventField) return eventField(facts.event);
  if (field.startsWith('event.properties.'))
    return lookup(facts.event.properties, field.slice('event.properties.'.length));
  const itemField = ITEM_FIELDS[field];
  if (itemField) return facts.item ? itemField(facts.item) : undefined;
  if (field.startsWith('member.')) return memberFact(field, facts);
  if (field.startsWith('date.')) return dateFact(field, facts.event.occurredAt, facts.member);
  return undefined;
}

function ordered(actual: unknown, expected: unknown): number | null {
  if (typeof actual === 'number' && typeof expected === 'number') return actual - expected;
  if (typeof actual === 'string' && typeof expected === 'string')
    return actual < expected ? -1 : actual > expected ? 1 : 0;
  return null;
}

/** Equal scalars; a list value (e.g. an attribute of tags) equals when it holds the expected one. */
function matches(actual: unknown, expected: unknown): boolean {
  return Array.isArray(actual) ? actual.includes(expected) : actual === expected;
}

/**
 * One comparison. An absent field fails every operator except `ne` and `nin` (a member without
 * a region is "not in Beijing") and `exists` with false.
 */
export function compare(op: Op, actual: unknown, expected: unknown): boolean {
  const absent = actual === undefined || actual === null;
  if (op === 'exists') return (expected ?? true) === !absent;
  if (absent) return op === 'ne' || op === 'nin';
  const list = Array.isArray(expected) ? (expected as unknown[]) : [];
  switch (op) {
    case 'eq':
      return matches(actual, expected);
    case 'ne':
      return !matches(actual, expected);
    case 'in':
      return list.some((e) => matches(actual, e));
    case 'nin':
      return !list.some((e) => matches(actual, e));
    case 'contains':
      if (typeof actual === 'string' && typeof expected === 'string') return actual.includes(expected);
      return Array.isArray(actual) && actual.includes(expected);
    case 'between': {
      const [low, high] = list;
      const above = ordered(actual, low);
      const below = ordered(actual, high);
      return above !== null && below !== null && above >= 0 && below <= 0;
    }
  }
  const difference = ordered(actual, expected);
  if (difference === null) return false;
  if (op === 'gt') return difference > 0;
  if (op === 'gte') return difference >= 0;
  if (op === 'lt') return difference < 0;
  return difference <= 0;
}

function evaluateLeaf(leaf: ConditionLeaf, facts: Facts): LeafTrace {
  const actual = resolveField(leaf.field, facts);
  return {
    field: leaf.field,
    op: leaf.op,
    expected: leaf.value ?? null,
    actual: actual ?? null,
    result: compare(leaf.op, actual, leaf.value),
  };
}

/**
 * Evaluates every node (no short-circuit, so the trace explains the whole tree); the root's
 * `result` is the answer. `{ all: [] }` holds.
 */
export function evaluateCondition(condition: Condition, facts: Facts): ConditionTrace {
  if ('all' in condition) {
    const all = condition.all.map((c) => evaluateCondition(c, facts));
    return { all, result: all.every((c) => c.result) };
  }
  if ('any' in condition) {
    const any = condition.any.map((c) => evaluateCondition(c, facts));
    return { any, result: any.some((c) => c.result) };
  }
  if ('not' in condition) {
    const not = evaluateCondition(condition.not, facts);
    return { not, result: !not.result };
  }
  return evaluateLeaf(condition, facts);
}
