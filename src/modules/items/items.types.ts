import { z } from 'zod';
import { STORE_ID_PATTERN } from '../../lib/ids.ts';

/** The store's own id for an item (or a member, or an event): 1–64 of `[A-Za-z0-9_.:-]`. */
export const storeIdSchema = z
  .string()
  .regex(STORE_ID_PATTERN, 'must be 1–64 characters of A–Z a–z 0–9 _ . : -');

/** Money as integer minor units plus an ISO 4217 currency: `{ amount: 12999, currency: 'CNY' }`. */
export const moneySchema = z.strictObject({
  amount: z
    .number()
    .int('must be an integer number of minor units (cents, fen, pence)')
    .min(0, 'must not be negative')
    .max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, such as CNY'),
});

export type Money = z.infer<typeof moneySchema>;

const MAX_OBJECT_DEPTH = 4;

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0);
}

/**
 * A free-form JSON object with a size and depth bound, for `attributes` and `properties`:
 * they are stored as text and read back on every request, so an unbounded one is a liability.
 */
export function boundedObjectSchema(maxBytes: number) {
  return z.record(z.string().min(1).max(64), z.unknown()).superRefine((value, ctx) => {
    if (Buffer.byteLength(JSON.stringify(value)) > maxBytes) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${maxBytes} bytes as JSON` });
    } else if (depthOf(value) > MAX_OBJECT_DEPTH) {
      ctx.addIssue({ code: 'custom', message: `must nest at most ${MAX_OBJECT_DEPTH} levels deep` });
    }
  });
}

/** Separator of the stored category path; a segment may not contain it. */
export const CATEGORY_SEPARATOR = ' > ';

const categorySegment = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((s) => !s.includes('>'), 'must not contain ">"');

/** An item's fields as PUT /v1/items/{id} takes them (the id comes from the path). */
export const itemFieldsSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  titleEn: z.string().trim().min(1).max(200).optional(),
  categoryPath: z.array(categorySegment).min(1).max(6),
  brand: z.string().trim().min(1).max(100).optional(),
  price: moneySchema,
  attributes: boundedObjectSchema(8192).optional(),
  inStock: z.boolean().default(true),
});

/** One item with its id, as batches and importers take it. */
export const itemSchema = itemFieldsSchema.extend({ id: storeIdSchema });

export type ItemFields = z.infer<typeof itemFieldsSchema>;
export type ItemInput = z.input<typeof itemSchema>;
export type ItemRecord = z.infer<typeof itemSchema>;

export const MAX_ITEM_BATCH = 1000;

/** `{ items: [...] }` for POST /v1/items/batch: at most 1,000, ids unique within the batch. */
export const itemBatchSchema = z.strictObject({
  items: z
    .array(itemSchema)
    .min(1)
    .max(MAX_ITEM_BATCH)
    .superRefine((items, ctx) => {
      const firstIndex = new Map<string, number>();
      items.forEach((item, index) => {
        const first = firstIndex.get(item.id);
        if (first === undefined) firstIndex.set(item.id, index);
        else
          ctx.addIssue({
            code: 'custom',
            path: [index, 'id'],
            message: `duplicate id; also at items.${first}.id`,
          });
      });
    }),
});

export const itemDtoSchema = z.object({
  id: z.string(),
  title: z.string(),
  titleEn: z.string().nullable(),
  categoryPath: z.array(z.string()),
  category: z.string(),
  brand: z.string().nullable(),
  price: z.object({ amount: z.number().int(), currency: z.string() }),
  attributes: z.record(z.string(), z.unknown()),
  inStock: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type ItemDto = z.infer<typeof itemDtoSchema>;

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const itemListQuerySchema = z.strictObject({
  category: z.string().min(1).max(64).optional(),
  brand: z.string().min(1).max(100).optional(),
  inStock: booleanQuery.optional(),
  /** Part of the title (either language) or of the id, any case. */
  q: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

export type ItemListQuery = z.infer<typeof itemListQuerySchema>;

/** A top-level category with how many items it holds. */
export const categoryCountSchema = z.object({ category: z.string(), items: z.number().int() });
export type CategoryCount = z.infer<typeof categoryCountSchema>;
