// The event-types file is dependency-free; importing it (not events/index.ts) keeps the events
// module, which calls this one from its ingest path, out of an import cycle.
import { EVENT_TYPES } from '../events/event-types.ts';
import { GENDERS } from '../members/genders.ts';

/** What a condition field holds; `json` is a store-defined value (properties, attributes). */
export type FieldType = 'string' | 'number' | 'boolean' | 'date' | 'json';

/** What an evaluation must load for a field beyond the event itself. */
export type FieldNeed = 'member' | 'tier' | 'item' | 'birthday';

export interface FieldSpec {
  type: FieldType;
  description: string;
  /** The only values a string field takes. */
  values?: readonly string[];
  integer?: boolean;
  min?: number;
  max?: number;
  needs?: FieldNeed;
}

/** Every fixed field a condition may test, with its type. Times are UTC. */
export const CONDITION_FIELDS: Readonly<Record<string, FieldSpec>> = {
  'event.type': { type: 'string', values: EVENT_TYPES, description: 'the event type' },
  'event.amount': {
    type: 'number',
    integer: true,
    min: 0,
    description: 'the event amount (order total) in minor units: 12999 is 129.99 CNY',
  },
  'event.currency': { type: 'string', description: 'ISO 4217 currency of the amount or price' },
  'event.quantity': { type: 'number', integer: true, min: 0, description: 'quantity' },
  'event.rating': { type: 'number', integer: true, min: 1, max: 5, description: 'review rating, 1 to 5' },
  'event.channel': { type: 'string', description: 'context.channel of the event (app, web, mini-program…)' },
  'event.textLength': {
    type: 'number',
    integer: true,
    min: 0,
    description: 'characters (code points) of the event text (a review’s text); absent without text',
  },
  'item.id': { type: 'string', needs: 'item', description: 'the event item’s id' },
  'item.category': { type: 'string', needs: 'item', description: 'first segment of the item’s category' },
  'item.categoryPath': {
    type: 'string',
    needs: 'item',
    description: 'the full category path, segments joined by " > "',
  },
  'item.brand': { type: 'string', needs: 'item', description: 'the item’s brand' },
  'item.price': {
    type: 'number',
    integer: true,
    min: 0,
    needs: 'item',
    description: 'list price, minor units',
  },
  'member.tier': { type: 'string', needs: 'tier', description: 'id of the member’s effective tier' },
  'member.region': { type: 'string', needs: 'member', description: 'the member’s region' },
  'member.gender': { type: 'string', values: GENDERS, needs: 'member', description: 'the member’s gender' },
  'member.channel': { type: 'string', needs: 'member', description: 'where the member registered' },
  'member.daysSinceRegistration': {
    type: 'number',
    integer: true,
    min: 0,
    needs: 'member',
    description: 'whole days from registration to the event',
  },
  'date.dayOfWeek': {
    type: 'number',
    integer: true,
    min: 1,
    max: 7,
    description: 'day of week of the event, 1 = Monday … 7 = Sunday (UTC)',
  },
  'date.month': { type: 'number', integer: true, min: 1, max: 12, description: 'month of the event (UTC)' },
  'date.hour': { type: 'number', integer: true, min: 0, max: 23, description: 'hour of the event (UTC)' },
  'date.date': { type: 'date', description: 'date of the event, YYYY-MM-DD (UTC)' },
  'date.isBirthdayMonth': {
    type: 'boolean',
    needs: 'birthday',
    description: 'whether the event falls in the member’s birthday month',
  },
};

/** Fields named by a prefix and a store-defined key: `event.properties.campaign`. */
export const PREFIX_FIELDS: Readonly<Record<string, FieldSpec>> = {
  'event.properties.': { type: 'json', description: 'a key of the event’s properties (dots nest)' },
  'member.attributes.': {
    type: 'json',
    needs: 'member',
    description: 'a key of the member’s attributes (dots nest)',
  },
};

const KEY_PATH = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,3}$/;

/** The spec of `field`, or undefined when no such field exists. */
export function fieldSpec(field: string): FieldSpec | undefined {
  const fixed = CONDITION_FIELDS[field];
  if (fixed) return fixed;
  for (const [prefix, spec] of Object.entries(PREFIX_FIELDS)) {
    if (field.startsWith(prefix) && KEY_PATH.test(field.slice(prefix.length))) return spec;
  }
  return undefined;
}

export const OPS = [
  'eq',
  'ne',
  'in',
  'nin',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'contains',
  'exists',
] as const;
export type Op = (typeof OPS)[number];

const ORDERED: readonly Op[] = ['gt', 'gte', 'lt', 'lte', 'between'];
const BASIC: readonly Op[] = ['eq', 'ne', 'in', 'nin', 'exists'];

/** The operators that make sense for each type. */
export const OPS_BY_TYPE: Readonly<Record<FieldType, readonly Op[]>> = {
  string: [...BASIC, 'contains'],
  number: [...BASIC, ...ORDERED],
  date: [...BASIC, ...ORDERED],
  boolean: ['eq', 'ne', 'exists'],
  json: OPS,
};
