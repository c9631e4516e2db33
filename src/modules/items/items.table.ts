export interface ItemsTable {
  id: string;
  title: string;
  titleEn: string | null;
  /** Category path joined with ' > ', e.g. `服饰 > 女装 > 连衣裙`. */
  categoryPath: string;
  /** First segment of the path, indexed for `?category=` and aggregates. */
  category: string;
  brand: string | null;
  priceAmount: number;
  currency: string;
  /** JSON object. */
  attributes: string;
  inStock: number;
  createdAt: number;
  updatedAt: number;
}
