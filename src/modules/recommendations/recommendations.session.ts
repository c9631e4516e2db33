import type { AppContext } from '../../context.ts';
import type { History } from '../../ml/recommend/serving.ts';
import { loadCatalogue } from '../items/index.ts';
import type { ListedCandidate, ListFilter } from './recommendations.filters.ts';
import { sessionReason, tasteReason } from './recommendations.reasons.ts';
import {
  buildList,
  poolSize,
  recordList,
  type ServeSources,
  type ServingModel,
  scoreCandidates,
  servedModel,
} from './recommendations.serve.ts';
import type { MemberList, SessionBody } from './recommendations.types.ts';

// Anonymous sessions: item-to-item from what the visitor just looked at. The recent items are a
// history like a member's, the newest weighing most; ids the model does not know (new items, or
// ids from another shop's catalogue) are ignored rather than refused.

/** Each step back in the session counts this much less than the one after it. */
const RECENCY_DECAY = 0.8;

/** The session as a model history: known items once each (the latest visit counts), newest heaviest. */
export function sessionHistory(model: ServingModel, itemIds: readonly string[]): History {
  const position = new Map<number, number>();
  itemIds.forEach((id, at) => {
    const index = model.itemIndex.get(id);
    if (index !== undefined) position.set(index, at);
  });
  const items: number[] = [];
  const weights: number[] = [];
  const newest = itemIds.length - 1;
  for (const [index, at] of position) {
    items.push(index);
    weights.push(RECENCY_DECAY ** (newest - at));
  }
  return { items: Int32Array.from(items), weights: Float32Array.from(weights) };
}

function sessionExplainer(ctx: AppContext, model: ServingModel, history: History) {
  return async (chosen: ListedCandidate[]): Promise<void> => {
    const sources = new Map<ListedCandidate, string>();
    for (const c of chosen) {
      const index = c.reason === null ? model.itemIndex.get(c.itemId) : undefined;
      const top = index === undefined ? undefined : model.recommender.explain(history, index, 1)[0];
      if (top) sources.set(c, model.itemIds[top.item] as string);
    }
    const titles = await loadCatalogue(ctx.db, sources.values());
    for (const c of chosen) {
      if (c.reason !== null) continue;
      const source = titles.get(sources.get(c) ?? '');
      c.reason = source ? sessionReason(source) : tasteReason();
    }
  };
}

/** A list for an anonymous visitor (strategy 'session', memberId null), with the primary model. */
export async function serveSession(
  ctx: AppContext,
  sources: ServeSources,
  body: SessionBody,
): Promise<MemberList> {
  const model = sources.models.primary;
  const exclude = [...(body.exclude ?? []), ...body.items];
  const options = { ...body, exclude };
  const history = model ? sessionHistory(model, body.items) : null;
  const known = model && history && history.items.length > 0 ? { model, history } : null;
  const pool = known ? scoreCandidates(known.model, known.history, poolSize(body.limit, exclude.length)) : [];
  const filter: ListFilter = {
    category: body.category,
    minPrice: body.minPrice,
    maxPrice: body.maxPrice,
    inStock: body.inStock,
    exclude: new Set(exclude),
    bought: new Set(),
    repeatPurchaseCategories: new Set(),
  };
  const chosen = await buildList(ctx, {
    pool,
    filter,
    options,
    settings: sources.settings,
    model,
    ...(known ? { explain: sessionExplainer(ctx, known.model, known.history) } : {}),
  });
  const { recommendationId, items } = recordList(
    ctx,
    {
      memberId: null,
      surface: 'session',
      modelId: model?.id ?? null,
      variant: null,
      strategy: 'session',
    },
    chosen,
  );
  return { recommendationId, memberId: null, strategy: 'session', model: servedModel(model, null), items };
}
