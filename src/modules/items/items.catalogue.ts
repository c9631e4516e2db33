import type { Database } from '../../db/database.ts';

// The catalogue facts a recommendation list needs (title, category, price, stock), read by id.
// Every list served looks up its candidates, so the facts are cached per process and database:
// an id is read from the table again only after CATALOGUE_TTL_MS. Items written through this
// process are dropped from the cache at once (saveItems); a write through another API replica
// shows within CATALOGUE_TTL_MS.

/** How long a cached item's facts are served without reading the table again. */
export const CATALOGUE_TTL_MS = 5_000;
/** Past this many cached items the cache starts over (a bound on memory, not an LRU). */
const MAX_CACHED = 200_000;
// SQLite allows 32,766 parameters, PostgreSQL 65,535; pools are far smaller, but stay safe.
const LOOKUP_CHUNK = 1000;

/** The catalogue facts filters, diversity and the reply need. */
export interface CatalogueItem {
  id: string;
  title: string;
  titleEn: string | null;
  category: string;
  categoryPath: string;
  price: { amount: number; currency: string };
  inStock: boolean;
}

interface Cached {
  item: CatalogueItem;
  readAt: number;
}

const caches = new WeakMap<Database, Map<string, Cached>>();

function cacheOf(db: Database): Map<string, Cached> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  return cache;
}

/**
 * Catalogue facts of `ids`; unknown ids are absent from the map (a deleted item, or one the store
 * never sent, is never shown). Unknown ids are not cached, so an item sent later appears at once.
 */
export async function loadCatalogue(
  db: Database,
  ids: Iterable<string>,
): Promise<Map<string, CatalogueItem>> {
  const cache = cacheOf(db);
  const now = performance.now();
  const out = new Map<string, CatalogueItem>();
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const cached = cache.get(id);
    if (cached && now - cached.readAt < CATALOGUE_TTL_MS) out.set(id, cached.item);
    else missing.push(id);
  }
  if (missing.length === 0) return out;
  if (cache.size + missing.length > MAX_CACHED) cache.clear();
  for (let start = 0; start < missing.length; start += LOOKUP_CHUNK) {
    const rows = await db
      .selectFrom('items')
      .select(['id', 'title', 'titleEn', 'category', 'categoryPath', 'priceAmount', 'currency', 'inStock'])
      .where('id', 'in', missing.slice(start, start + LOOKUP_CHUNK))
      .execute();
    for (const row of rows) {
      const item: CatalogueItem = {
        id: row.id,
        title: row.title,
        titleEn: row.titleEn,
        category: row.category,
        categoryPath: row.categoryPath,
        price: { amount: Number(row.priceAmount), currency: row.currency },
        inStock: Number(row.inStock) === 1,
      };
      out.set(row.id, item);
      cache.set(row.id, { item, readAt: now });
    }
  }
  return out;
}

/** Drops `ids` from this process's cache of `db` (called when they are written). */
export function forgetCatalogueItems(db: Database, ids: Iterable<string>): void {
  const cache = caches.get(db);
  if (!cache) return;
  for (const id of ids) cache.delete(id);
}
