import type { AppContext } from '../../context.ts';
import type { ItemFeatures } from '../../ml/recommend/content.ts';
import { CATEGORY_SEPARATOR } from '../items/index.ts';

// The content model's view of an item: its category path levels, brand, price band (powers of
// two of the major unit, so neighbouring prices share a token) and string attributes.

const CHUNK = 1000;

export interface ItemFeatureRow {
  categoryPath: string;
  brand: string | null;
  priceAmount: number;
  attributes: string;
}

/** The tokens of one item. */
export function itemTokens(row: ItemFeatureRow): string[] {
  const tokens: string[] = [];
  const levels = row.categoryPath.split(CATEGORY_SEPARATOR).map((level) => level.trim());
  for (let depth = 1; depth <= levels.length; depth++) tokens.push(`cat:${levels.slice(0, depth).join('/')}`);
  if (row.brand) tokens.push(`brand:${row.brand.toLowerCase()}`);
  const major = Math.max(1, Math.floor(Number(row.priceAmount) / 100));
  const band = 2 ** Math.floor(Math.log2(major));
  tokens.push(`price:${band}-${band * 2}`);
  let attributes: Record<string, unknown> = {};
  try {
    attributes = JSON.parse(row.attributes) as Record<string, unknown>;
  } catch {
    // A store may send anything; unreadable attributes add no tokens.
  }
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === 'string' && value.length <= 64) tokens.push(`${key}=${value.toLowerCase()}`);
  }
  return tokens;
}

/** Tokens per item, in the order of `itemIds` (an item no longer in the catalogue has none). */
export async function itemFeaturesFor(ctx: AppContext, itemIds: readonly string[]): Promise<ItemFeatures> {
  const byId = new Map<string, string[]>();
  for (let start = 0; start < itemIds.length; start += CHUNK) {
    const rows = await ctx.db
      .selectFrom('items')
      .select(['id', 'categoryPath', 'brand', 'priceAmount', 'attributes'])
      .where('id', 'in', itemIds.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) byId.set(row.id, itemTokens(row));
  }
  return itemIds.map((id) => byId.get(id) ?? []);
}
