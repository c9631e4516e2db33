import type { Insertable } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { zodDetails } from '../../http/error-handler.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { parseJsonColumn } from '../../lib/json.ts';
import { forgetCatalogueItems } from './items.catalogue.ts';
import {
  countItemsByCategory,
  findExistingItemIds,
  findItemById,
  type ItemRow,
  listItemRows,
  upsertItemRows,
} from './items.repository.ts';
import type { ItemsTable } from './items.table.ts';
import {
  CATEGORY_SEPARATOR,
  type CategoryCount,
  type ItemDto,
  type ItemInput,
  type ItemListQuery,
  type ItemRecord,
  itemBatchSchema,
} from './items.types.ts';

/** How many of a batch were new and how many replaced an existing item. */
export interface UpsertItemsResult {
  created: number;
  updated: number;
}

function toRow(item: ItemRecord, now: number): Insertable<ItemsTable> {
  return {
    id: item.id,
    title: item.title,
    titleEn: item.titleEn ?? null,
    categoryPath: item.categoryPath.join(CATEGORY_SEPARATOR),
    category: item.categoryPath[0] as string,
    brand: item.brand ?? null,
    priceAmount: item.price.amount,
    currency: item.price.currency,
    attributes: JSON.stringify(item.attributes ?? {}),
    inStock: item.inStock ? 1 : 0,
    createdAt: now,
    updatedAt: now,
  };
}

/** Maps a row to the API shape (ISO times, money object, path as an array). */
export function rowToItem(row: ItemRow): ItemDto {
  return {
    id: row.id,
    title: row.title,
    titleEn: row.titleEn,
    categoryPath: row.categoryPath.split(CATEGORY_SEPARATOR),
    category: row.category,
    brand: row.brand,
    price: { amount: Number(row.priceAmount), currency: row.currency },
    attributes: parseJsonColumn<Record<string, unknown>>(row.attributes, {}),
    inStock: row.inStock === 1,
    createdAt: new Date(Number(row.createdAt)).toISOString(),
    updatedAt: new Date(Number(row.updatedAt)).toISOString(),
  };
}

/**
 * Writes already-validated items (unique ids) with the caller's transaction; the importer and
 * the routes share it.
 */
export async function saveItems(
  ctx: AppContext,
  db: Database,
  items: readonly ItemRecord[],
): Promise<UpsertItemsResult> {
  if (items.length === 0) return { created: 0, updated: 0 };
  const existing = await findExistingItemIds(
    db,
    items.map((item) => item.id),
  );
  const now = ctx.clock.now();
  await upsertItemRows(
    db,
    items.map((item) => toRow(item, now)),
  );
  // Before the commit, so a list served right after it reads the new facts (ctx.db: the cache is
  // keyed by the database, `db` may be the transaction).
  forgetCatalogueItems(
    ctx.db,
    items.map((item) => item.id),
  );
  return { created: items.length - existing.size, updated: existing.size };
}

/**
 * Validates and upserts a batch of items all-or-nothing (one transaction).
 * @example await upsertItems(ctx, [{ id: 'sku-1', title: 'Tea', categoryPath: ['Food'], price: { amount: 1299, currency: 'CNY' } }])
 */
export async function upsertItems(ctx: AppContext, items: readonly ItemInput[]): Promise<UpsertItemsResult> {
  const parsed = itemBatchSchema.safeParse({ items });
  if (!parsed.success) throw appError(Errors.VALIDATION_FAILED, undefined, zodDetails(parsed.error));
  return ctx.db.transaction().execute((trx) => saveItems(ctx, trx, parsed.data.items));
}

/** One item, or ITEM_NOT_FOUND. */
export async function getItem(ctx: AppContext, id: string): Promise<ItemDto> {
  const row = await findItemById(ctx.db, id);
  if (!row) throw appError(Errors.ITEM_NOT_FOUND);
  return rowToItem(row);
}

/** A page of items in id order. */
export async function listItems(
  ctx: AppContext,
  query: ItemListQuery,
): Promise<{ data: ItemDto[]; nextCursor: string | null }> {
  const after = decodeCursor<[string]>(query.cursor, ['string']);
  const rows = await listItemRows(
    ctx.db,
    {
      category: query.category,
      brand: query.brand,
      inStock: query.inStock,
      text: query.q,
      afterId: after?.[0],
    },
    query.limit + 1,
  );
  const page = toPage(rows, query.limit, (row) => [row.id]);
  return { data: page.data.map(rowToItem), nextCursor: page.nextCursor };
}

/** Top-level categories of the catalogue with their item counts (for filters and onboarding). */
export async function listCategories(ctx: AppContext): Promise<{ data: CategoryCount[] }> {
  return { data: await countItemsByCategory(ctx.db) };
}
