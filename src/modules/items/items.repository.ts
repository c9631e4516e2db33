import { type Insertable, type Selectable, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { ItemsTable } from './items.table.ts';

export type ItemRow = Selectable<ItemsTable>;

// 12 columns a row: 500 rows stay far below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const INSERT_CHUNK = 500;

/** Which of `ids` already exist. */
export async function findExistingItemIds(db: Database, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < ids.length; start += INSERT_CHUNK) {
    const chunk = ids.slice(start, start + INSERT_CHUNK);
    const rows = await db.selectFrom('items').select('id').where('id', 'in', chunk).execute();
    for (const row of rows) found.add(row.id);
  }
  return found;
}

/** Inserts or replaces rows by id, keeping each existing row's createdAt. Ids must be unique. */
export async function upsertItemRows(db: Database, rows: readonly Insertable<ItemsTable>[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await db
      .insertInto('items')
      .values(rows.slice(start, start + INSERT_CHUNK))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'),
          titleEn: eb.ref('excluded.titleEn'),
          categoryPath: eb.ref('excluded.categoryPath'),
          category: eb.ref('excluded.category'),
          brand: eb.ref('excluded.brand'),
          priceAmount: eb.ref('excluded.priceAmount'),
          currency: eb.ref('excluded.currency'),
          attributes: eb.ref('excluded.attributes'),
          inStock: eb.ref('excluded.inStock'),
          updatedAt: eb.ref('excluded.updatedAt'),
        })),
      )
      .execute();
  }
}

export async function findItemById(db: Database, id: string): Promise<ItemRow | undefined> {
  return db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface ItemFilter {
  category?: string | undefined;
  brand?: string | undefined;
  inStock?: boolean | undefined;
  /** Keyset: only ids after this one. */
  afterId?: string | undefined;
  /** Part of the title (either language) or of the id, any case. */
  text?: string | undefined;
}

/** Items in id order, filtered; fetches `limit` rows (callers ask one extra to know if more follow). */
export async function listItemRows(db: Database, filter: ItemFilter, limit: number): Promise<ItemRow[]> {
  let query = db.selectFrom('items').selectAll();
  if (filter.category !== undefined) query = query.where('category', '=', filter.category);
  if (filter.brand !== undefined) query = query.where('brand', '=', filter.brand);
  if (filter.inStock !== undefined) query = query.where('inStock', '=', filter.inStock ? 1 : 0);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  if (filter.text !== undefined) {
    // LIKE with the wildcards of the search text escaped; lower() on both sides because
    // PostgreSQL's LIKE is case-sensitive and SQLite's is not.
    const pattern = `%${filter.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or(
        (['title', 'titleEn', 'id'] as const).map((column) =>
          eb(sql`lower(${eb.ref(column)})`, 'like', sql`${pattern} escape '\\'`),
        ),
      ),
    );
  }
  return query.orderBy('id').limit(limit).execute();
}

/** Top-level categories with their item counts, largest first. */
export async function countItemsByCategory(db: Database): Promise<{ category: string; items: number }[]> {
  const rows = await db
    .selectFrom('items')
    .select((eb) => ['category', eb.fn.countAll<number | string>().as('items')])
    .groupBy('category')
    .orderBy('items', 'desc')
    .orderBy('category')
    .execute();
  return rows.map((r) => ({ category: r.category, items: Number(r.items) }));
}
