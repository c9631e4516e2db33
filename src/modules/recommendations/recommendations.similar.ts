import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { loadCatalogue } from '../items/index.ts';
import type { Candidate, ListFilter } from './recommendations.filters.ts';
import { similarReason } from './recommendations.reasons.ts';
import { buildList, poolSize, recordList, type ServeSources, servedModel } from './recommendations.serve.ts';
import type { ListOptions, Reason, SimilarList } from './recommendations.types.ts';

// Item-to-item lists ("similar items" on a product page): the model's neighbours of the item,
// filtered and diversified like any list. Not personal, so the primary model serves them.

/** Items like one item (reason 'similar'), padded with its category's best sellers; 404 ITEM_NOT_FOUND. */
export async function serveSimilar(
  ctx: AppContext,
  sources: ServeSources,
  itemId: string,
  options: ListOptions,
): Promise<SimilarList> {
  const seed = (await loadCatalogue(ctx.db, [itemId])).get(itemId);
  if (!seed) throw appError(Errors.ITEM_NOT_FOUND);
  const model = sources.models.primary;
  const index = model?.itemIndex.get(itemId);
  const pool: Candidate[] = [];
  if (model && index !== undefined) {
    const reason: Reason = similarReason(seed);
    const { items, scores } = model.recommender.similar(
      index,
      poolSize(options.limit, options.exclude.length),
    );
    for (let n = 0; n < items.length; n++) {
      pool.push({ itemId: model.itemIds[items[n] as number] as string, score: scores[n] as number, reason });
    }
  }
  // Without neighbours (a new item, a popularity model) its category's best sellers stand in.
  const filter: ListFilter = {
    category: options.category,
    minPrice: options.minPrice,
    maxPrice: options.maxPrice,
    inStock: options.inStock,
    exclude: new Set([...options.exclude, itemId]),
    bought: new Set(),
    repeatPurchaseCategories: new Set(),
  };
  const padded = { ...options, category: options.category ?? seed.category };
  const chosen = await buildList(ctx, { pool, filter, options: padded, settings: sources.settings, model });
  const { recommendationId, items } = recordList(
    ctx,
    {
      memberId: null,
      surface: 'similar',
      modelId: model?.id ?? null,
      variant: null,
      strategy: 'similar',
    },
    chosen,
  );
  return { recommendationId, itemId, model: servedModel(model, null), items };
}
