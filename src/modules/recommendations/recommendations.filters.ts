import { CATEGORY_SEPARATOR, type CatalogueItem } from '../items/index.ts';
import type { Reason } from './recommendations.types.ts';

// Request-time filters over a scored candidate pool, with the catalogue facts of the pool's ids
// (items.catalogue.ts); an item missing from the catalogue is never shown.

/** A scored item on its way into a list; `reason` is set where the source already knows it. */
export interface Candidate {
  itemId: string;
  score: number;
  reason: Reason | null;
}

/** A candidate with its catalogue facts, after filtering. */
export interface ListedCandidate extends Candidate {
  item: CatalogueItem;
}

export interface ListFilter {
  category?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  inStock?: boolean | undefined;
  /** Ids the caller excluded, plus what the list itself must not repeat (session items, the seed item). */
  exclude: ReadonlySet<string>;
  /** Items the member bought: left out unless their top-level category is repeat-purchase. */
  bought: ReadonlySet<string>;
  repeatPurchaseCategories: ReadonlySet<string>;
}

/** A top-level category (`服饰`) or a path prefix (`服饰 > 女装`) matches the item's path. */
export function inCategory(item: CatalogueItem, category: string): boolean {
  if (item.category === category || item.categoryPath === category) return true;
  return item.categoryPath.startsWith(`${category}${CATEGORY_SEPARATOR}`);
}

/** Whether one catalogue item passes every filter. */
export function passesFilter(item: CatalogueItem, filter: ListFilter): boolean {
  if (filter.exclude.has(item.id)) return false;
  if (filter.bought.has(item.id) && !filter.repeatPurchaseCategories.has(item.category)) return false;
  if (filter.category !== undefined && !inCategory(item, filter.category)) return false;
  if (filter.inStock !== undefined && item.inStock !== filter.inStock) return false;
  if (filter.minPrice !== undefined && item.price.amount < filter.minPrice) return false;
  if (filter.maxPrice !== undefined && item.price.amount > filter.maxPrice) return false;
  return true;
}

/**
 * Keeps the candidates in the catalogue that pass the filter, in order, each item once (`seen`
 * carries the items already kept across calls).
 */
export function applyFilter(
  candidates: readonly Candidate[],
  catalogue: ReadonlyMap<string, CatalogueItem>,
  filter: ListFilter,
  seen = new Set<string>(),
): ListedCandidate[] {
  const out: ListedCandidate[] = [];
  for (const candidate of candidates) {
    const item = catalogue.get(candidate.itemId);
    if (!item || seen.has(item.id) || !passesFilter(item, filter)) continue;
    seen.add(item.id);
    out.push({ ...candidate, item });
  }
  return out;
}
