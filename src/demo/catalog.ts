import type { ItemsTable } from '../modules/items/items.table.ts';
import { CATEGORY_SPECS, type CategorySpec } from './catalog-data.ts';
import { cumulativeOf, Rng } from './random.ts';

/** One generated item with its latent traits (popularity, quality) kept out of the stored row. */
export interface DemoItem {
  index: number;
  id: string;
  title: string;
  titleEn: string;
  categoryIndex: number;
  /** Full path joined with ' > '; the first segment is the category. */
  categoryPath: string;
  leafZh: string;
  leafEn: string;
  brandIndex: number;
  brand: string;
  priceAmount: number;
  /** Standardised log price within the category (cheap < 0 < dear). */
  priceZ: number;
  /** Within-category popularity weight (power law). */
  popularity: number;
  /** Latent quality in (0, 1): drives ratings and refunds. */
  quality: number;
  /** Index of the item it is often bought with (same category), or -1. */
  partner: number;
  inStock: boolean;
  variantZh: string;
  variantEn: string;
}

/** Items of one category with cumulative popularity for weighted draws. */
export interface CategoryPool {
  spec: CategorySpec;
  items: Int32Array;
  cumulative: Float64Array;
}

export interface Catalog {
  items: DemoItem[];
  pools: CategoryPool[];
  /** Cumulative category weights (the shop-wide interest mix). */
  categoryCumulative: Float64Array;
  /** The dearest tenth of items (what account takeovers buy). */
  highValue: Int32Array;
}

/** Builds the catalogue (~`size` items over the 20 categories) from the seed. */
export function buildCatalog(seed: number, size = 2000): Catalog {
  const rng = Rng.stream(seed, 'catalog');
  const totalWeight = CATEGORY_SPECS.reduce((sum, c) => sum + c.weight, 0);
  const items: DemoItem[] = [];
  const pools: CategoryPool[] = [];
  CATEGORY_SPECS.forEach((spec, categoryIndex) => {
    const share = 0.5 / CATEGORY_SPECS.length + (0.5 * spec.weight) / totalWeight;
    const count = Math.max(20, Math.round(size * share));
    const brandQuality = spec.brands.map(() => rng.normal() * 0.5);
    const brandPrice = spec.brands.map(() => rng.normal() * 0.25);
    const start = items.length;
    for (let k = 0; k < count; k++) {
      items.push(makeItem(rng, spec, categoryIndex, items.length, brandQuality, brandPrice));
    }
    const indexes = Int32Array.from({ length: count }, (_, k) => start + k);
    standardisePrices(items, indexes);
    assignPopularity(rng, items, indexes);
    pairItems(rng, items, indexes);
    pools.push({
      spec,
      items: indexes,
      cumulative: cumulativeOf(Array.from(indexes, (i) => items[i]?.popularity ?? 0)),
    });
  });
  const byPrice = items
    .map((item) => item.index)
    .sort((a, b) => (items[b]?.priceAmount ?? 0) - (items[a]?.priceAmount ?? 0));
  return {
    items,
    pools,
    categoryCumulative: cumulativeOf(CATEGORY_SPECS.map((c) => c.weight)),
    highValue: Int32Array.from(byPrice.slice(0, Math.max(1, Math.floor(items.length / 10)))),
  };
}

function makeItem(
  rng: Rng,
  spec: CategorySpec,
  categoryIndex: number,
  index: number,
  brandQuality: number[],
  brandPrice: number[],
): DemoItem {
  const leaf = rng.pick(spec.leaves);
  const brandIndex = rng.int(spec.brands.length);
  const brand = spec.brands[brandIndex] as string;
  const [adjZh, adjEn] = rng.pick(spec.adjectives);
  const [variantZh, variantEn] = rng.pick(spec.variants);
  const segments = leaf[0].split('>');
  const yuan =
    spec.median * leaf[2] * Math.exp(rng.normal() * spec.sigma * 0.8 + (brandPrice[brandIndex] ?? 0));
  const quality = 1 / (1 + Math.exp(-(0.9 + (brandQuality[brandIndex] ?? 0) + rng.normal() * 0.8)));
  return {
    index,
    id: `sku-${String(index + 1).padStart(5, '0')}`,
    title: `${brand} ${adjZh}${segments[segments.length - 1]} ${variantZh}`,
    titleEn: `${brand} ${adjEn} ${leaf[1]}, ${variantEn}`,
    categoryIndex,
    categoryPath: [spec.zh, ...segments].join(' > '),
    leafZh: segments[segments.length - 1] as string,
    leafEn: leaf[1],
    brandIndex,
    brand,
    priceAmount: shelfPrice(yuan),
    priceZ: 0,
    popularity: 0,
    quality,
    partner: -1,
    inStock: rng.chance(0.97),
    variantZh,
    variantEn,
  };
}

/** A shelf price in fen: ¥x9.90 below ¥100, ¥xx9 up to ¥1000, ¥xx99 above. */
export function shelfPrice(yuan: number): number {
  if (yuan < 10) return Math.max(190, Math.round(yuan) * 100 - 10);
  if (yuan < 100) return Math.round(yuan / 10) * 1000 - 10;
  if (yuan < 1000) return Math.round(yuan / 10) * 1000 - 100;
  return Math.round(yuan / 100) * 10000 - 100;
}

function standardisePrices(items: DemoItem[], indexes: Int32Array): void {
  const logs = Array.from(indexes, (i) => Math.log((items[i] as DemoItem).priceAmount));
  const mean = logs.reduce((s, v) => s + v, 0) / logs.length;
  const sd = Math.sqrt(logs.reduce((s, v) => s + (v - mean) ** 2, 0) / logs.length) || 1;
  indexes.forEach((i, k) => {
    (items[i] as DemoItem).priceZ = ((logs[k] as number) - mean) / sd;
  });
}

/** Zipf-like popularity over a random ranking: a few hits, a long tail. */
function assignPopularity(rng: Rng, items: DemoItem[], indexes: Int32Array): void {
  const ranks = shuffled(rng, indexes.length);
  indexes.forEach((i, k) => {
    (items[i] as DemoItem).popularity = 1 / ((ranks[k] as number) + 1) ** 0.9;
  });
}

/** Pairs items of a category two by two: the pairs are what is bought together. */
function pairItems(rng: Rng, items: DemoItem[], indexes: Int32Array): void {
  const order = shuffled(rng, indexes.length);
  for (let k = 0; k + 1 < order.length; k += 2) {
    const a = indexes[order[k] as number] as number;
    const b = indexes[order[k + 1] as number] as number;
    (items[a] as DemoItem).partner = b;
    (items[b] as DemoItem).partner = a;
  }
}

function shuffled(rng: Rng, n: number): number[] {
  const order = Array.from({ length: n }, (_, k) => k);
  for (let k = n - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    [order[k], order[j]] = [order[j] as number, order[k] as number];
  }
  return order;
}

/** The stored row of an item. */
export function itemRow(item: DemoItem, now: number): ItemsTable {
  return {
    id: item.id,
    title: item.title,
    titleEn: item.titleEn,
    categoryPath: item.categoryPath,
    category: item.categoryPath.split(' > ')[0] as string,
    brand: item.brand,
    priceAmount: item.priceAmount,
    currency: 'CNY',
    attributes: JSON.stringify({ variant: item.variantZh, variantEn: item.variantEn }),
    inStock: item.inStock ? 1 : 0,
    createdAt: now,
    updatedAt: now,
  };
}
