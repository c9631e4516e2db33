import { isIP } from 'node:net';
import { z } from 'zod';
import { boundedObjectSchema, type Money, moneySchema, storeIdSchema } from '../items/index.ts';

import { EVENT_TYPES, type EventType } from './event-types.ts';

export { EVENT_TYPES, type EventType } from './event-types.ts';

/** The API's batch limit; larger batches are 413 EVENT_BATCH_TOO_LARGE. */
export const MAX_EVENT_BATCH = 1000;

const ITEM_TYPES: ReadonlySet<string> = new Set(['view', 'cart_add', 'cart_remove', 'favorite']);
const ORDER_TYPES: ReadonlySet<string> = new Set(['order_paid', 'order_refunded']);

export const eventContextSchema = z.strictObject({
  ip: z
    .string()
    .max(45)
    .refine((ip) => isIP(ip) !== 0, 'must be an IPv4 or IPv6 address')
    .optional(),
  deviceId: z.string().min(1).max(128).optional(),
  userAgent: z.string().min(1).max(512).optional(),
  channel: z.string().min(1).max(32).optional(),
});

const eventObjectSchema = z.strictObject({
  id: storeIdSchema,
  type: z.enum(EVENT_TYPES),
  memberId: storeIdSchema,
  itemId: storeIdSchema.optional(),
  orderId: storeIdSchema.optional(),
  occurredAt: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with Z or an offset' }),
  quantity: z.number().int().min(1).max(1_000_000).optional(),
  price: moneySchema.optional(),
  amount: moneySchema.optional(),
  rating: z.number().int().min(1).max(5).optional(),
  text: z.string().max(5000).optional(),
  context: eventContextSchema.optional(),
  properties: boundedObjectSchema(8192).optional(),
});

function currencyOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { currency?: unknown }).currency : undefined;
}

/**
 * The fields each type needs beyond the common ones, as `[path, message]` for every gap. Runs on
 * partly-invalid input too (see `when` below), so it reads fields defensively.
 */
export function typeRuleViolations(event: Record<string, unknown>): [string, string][] {
  const gaps: [string, string][] = [];
  const type = typeof event.type === 'string' ? event.type : '';
  if (ITEM_TYPES.has(type) && event.itemId === undefined) gaps.push(['itemId', `required for ${type}`]);
  if (ORDER_TYPES.has(type)) {
    if (event.orderId === undefined) gaps.push(['orderId', `required for ${type}`]);
    if (event.amount === undefined) gaps.push(['amount', `required for ${type} (the order total)`]);
  }
  if (type === 'review' && event.rating === undefined && event.text === undefined) {
    gaps.push(['rating', 'a review needs a rating or a text']);
  }
  const properties = event.properties as Record<string, unknown> | undefined;
  const query = typeof properties === 'object' && properties !== null ? properties.query : undefined;
  if (type === 'search' && event.text === undefined && (typeof query !== 'string' || query === '')) {
    gaps.push(['properties.query', 'a search needs properties.query or text']);
  }
  const [priceCurrency, amountCurrency] = [currencyOf(event.price), currencyOf(event.amount)];
  if (priceCurrency !== undefined && amountCurrency !== undefined && priceCurrency !== amountCurrency) {
    gaps.push(['amount.currency', 'must equal price.currency']);
  }
  return gaps;
}

/** One event as the store sends it; type-specific required fields are checked too. */
export const eventSchema = eventObjectSchema.superRefine(
  (event, ctx) => {
    for (const [path, message] of typeRuleViolations(event)) {
      ctx.addIssue({ code: 'custom', path: path.split('.'), message });
    }
  },
  // Run even when other fields are bad, so one reply lists every problem of the event.
  {
    when: (payload) =>
      typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
  },
);

export type EventInput = z.input<typeof eventSchema>;

/** A validated event in the one form that is hashed and stored (times as epoch ms). */
export interface NormalisedEvent {
  id: string;
  type: EventType;
  memberId: string;
  itemId?: string;
  orderId?: string;
  occurredAt: number;
  quantity?: number;
  price?: Money;
  amount?: Money;
  rating?: number;
  text?: string;
  context?: z.infer<typeof eventContextSchema>;
  properties?: Record<string, unknown>;
}

const moneyDto = z.object({ amount: z.number().int(), currency: z.string() });

export const eventDtoSchema = z.object({
  id: z.string(),
  type: z.string(),
  memberId: z.string(),
  itemId: z.string().nullable(),
  orderId: z.string().nullable(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  quantity: z.number().int().nullable(),
  price: moneyDto.nullable(),
  amount: moneyDto.nullable(),
  rating: z.number().int().nullable(),
  text: z.string().nullable(),
  context: z
    .object({
      ip: z.string().nullable(),
      deviceId: z.string().nullable(),
      userAgent: z.string().nullable(),
      channel: z.string().nullable(),
    })
    .nullable(),
  properties: z.record(z.string(), z.unknown()).nullable(),
});

export type EventDto = z.infer<typeof eventDtoSchema>;

/** POST /v1/events: one event, or `{ events: [...] }`. */
export const eventsBodySchema = z.union([z.strictObject({ events: z.array(eventSchema) }), eventSchema]);

export const ingestResultSchema = z.object({
  accepted: z.number().int().describe('Events stored by this call'),
  duplicates: z.number().int().describe('Events already stored with the same id and content'),
});

export type IngestResult = z.infer<typeof ingestResultSchema>;

export const memberEventsQuerySchema = z.strictObject({
  type: z.enum(EVENT_TYPES).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Inclusive lower bound of occurredAt'),
  to: z.iso.datetime({ offset: true }).optional().describe('Exclusive upper bound of occurredAt'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

export type MemberEventsQuery = z.infer<typeof memberEventsQuerySchema>;
