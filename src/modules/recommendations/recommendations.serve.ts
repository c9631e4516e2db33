import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { parseJsonColumn } from '../../lib/json.ts';
import type { History, RecommenderKind, ServingRecommender } from '../../ml/recommend/serving.ts';
import { topK } from '../../ml/recommend/top-k.ts';
import { type CatalogueItem, loadCatalogue } from '../items/index.ts';
import { assignVariant } from './recommendations.ab.ts';
import { coldStartCandidates, findMemberFacts, popularPadding } from './recommendations.cold-start.ts';
import {
  categorySimilarity,
  diversify,
  type ItemSimilarity,
  modelSimilarity,
  resolveDiversity,
} from './recommendations.diversity.ts';
import { exposureLog } from './recommendations.exposure-log.ts';
import type { ServedList } from './recommendations.feedback.ts';
import {
  applyFilter,
  type Candidate,
  type ListedCandidate,
  type ListFilter,
} from './recommendations.filters.ts';
import { memberHistory } from './recommendations.history.ts';
import { getServingModels } from './recommendations.model-cache.ts';
import {
  type HistoryBehaviour,
  historyReason,
  popularReason,
  tasteReason,
} from './recommendations.reasons.ts';
import { getRecommendationSettings } from './recommendations.settings.ts';
import type { RecommendationSettings } from './recommendations.settings-types.ts';
import type {
  ListOptions,
  MemberList,
  RecommendedItem,
  ServedModel,
  Strategy,
} from './recommendations.types.ts';

// Serving: pick a strategy (precomputed → online → cold start), score a candidate pool several
// times the list's length, filter it against the catalogue, pad from popular items when filters
// left it short, diversify, explain, log the exposure.

/** A loaded model as the model cache gives it (contract §2 `LoadedRecommendModel`). */
export interface ServingModel {
  id: string;
  variant: string | null;
  kind: RecommenderKind;
  /** Epoch ms: events up to here were trained on. */
  dataThrough: number;
  /** Epoch ms the model was saved: precomputed lists older than this are stale. */
  createdAt: number;
  itemIds: readonly string[];
  itemIndex: ReadonlyMap<string, number>;
  recommender: ServingRecommender;
}

export interface ServingModelSet {
  primary: ServingModel | null;
  variants: ReadonlyMap<string, ServingModel>;
}

/** A member's recent behaviour in a model's item indices (contract §2 `memberHistory`). */
export interface MemberHistory {
  history: History;
  itemIds: readonly string[];
  boughtItemIds: ReadonlySet<string>;
  /** The strongest behaviour per item, for "because you bought / carted / saved / viewed …". */
  behaviours?: ReadonlyMap<string, HistoryBehaviour>;
}

/** What serving reads besides the request: settings, loaded models and member histories. */
export interface ServeSources {
  settings: RecommendationSettings;
  models: ServingModelSet;
  memberHistory: (memberId: string, model: ServingModel) => Promise<MemberHistory>;
}

/** Settings, the loaded models and a history reader, as serving needs them for one request. */
export async function loadServeSources(ctx: AppContext): Promise<ServeSources> {
  const [{ settings }, models] = await Promise.all([getRecommendationSettings(ctx), getServingModels(ctx)]);
  return {
    settings,
    models,
    memberHistory: (memberId, model) => memberHistory(ctx, memberId, model, settings),
  };
}

/** Candidates scored per list: enough that filters and the category cap rarely leave it short. */
export function poolSize(limit: number, excluded: number): number {
  return Math.max(50, limit * 5) + excluded;
}

/** The model's neighbours of an item as ids, for MMR. */
function neighbourMap(model: ServingModel, itemId: string, k: number): Map<string, number> {
  const index = model.itemIndex.get(itemId);
  const out = new Map<string, number>();
  if (index === undefined) return out;
  const { items, scores } = model.recommender.similar(index, k);
  for (let n = 0; n < items.length; n++)
    out.set(model.itemIds[items[n] as number] as string, scores[n] as number);
  return out;
}

function similarityOf(model: ServingModel | null): ItemSimilarity {
  if (!model) return categorySimilarity;
  return modelSimilarity((itemId) => neighbourMap(model, itemId, 200));
}

/** The model's top `k` items for a history (scores of exactly 0 carry no evidence and are left out). */
export function scoreCandidates(model: ServingModel, history: History, k: number): Candidate[] {
  const scores = new Float32Array(model.recommender.nItems);
  model.recommender.scoreHistory(history, scores);
  const out: Candidate[] = [];
  for (const i of topK(scores, Math.min(k, scores.length))) {
    const score = scores[i] as number;
    if (score === 0 || !Number.isFinite(score)) continue;
    out.push({ itemId: model.itemIds[i] as string, score, reason: null });
  }
  return out;
}

export interface BuildListInput {
  /** Ranked candidates; those with a reason keep it. */
  pool: Candidate[];
  filter: ListFilter;
  options: ListOptions;
  settings: RecommendationSettings;
  model: ServingModel | null;
  /** Fills the reasons the pool did not bring, for the chosen items only. */
  explain?: (chosen: ListedCandidate[]) => Promise<void>;
}

/** Whether `listed` can fill the list under the diversity in force without relaxing the cap. */
function enough(
  listed: readonly ListedCandidate[],
  limit: number,
  mode: string,
  cap: number | null,
): boolean {
  if (mode === 'mmr') return listed.length >= limit * 3;
  if (mode === 'none' || cap === null) return listed.length >= limit;
  const perCategory = new Map<string, number>();
  let fits = 0;
  for (const c of listed) {
    const n = perCategory.get(c.item.category) ?? 0;
    if (n < cap) fits++;
    perCategory.set(c.item.category, n + 1);
  }
  return fits >= limit;
}

/**
 * Filters, pads, diversifies and explains a pool into the final list. The catalogue is read a
 * slice of the pool at a time, only as far down as the list needs (MMR wants three times the
 * list to choose from; the cap, enough categories to fill it).
 */
export async function buildList(ctx: AppContext, input: BuildListInput): Promise<ListedCandidate[]> {
  const { options, filter } = input;
  const diversity = resolveDiversity(options, input.settings.diversity);
  const catalogue = new Map<string, CatalogueItem>();
  const kept = new Set<string>();
  const listed: ListedCandidate[] = [];
  const isEnough = () => enough(listed, options.limit, diversity.mode, diversity.categoryCap);
  const take = async (candidates: readonly Candidate[]) => {
    const slice = Math.max(30, options.limit * 4);
    for (let start = 0; start < candidates.length && !isEnough(); start += slice) {
      const part = candidates.slice(start, start + slice);
      const ids = part.map((c) => c.itemId).filter((id) => !catalogue.has(id));
      for (const [id, item] of await loadCatalogue(ctx.db, ids)) catalogue.set(id, item);
      listed.push(...applyFilter(part, catalogue, filter, kept));
    }
  };
  await take(input.pool);
  if (!isEnough()) await take(await popularPadding(ctx.db, options.category));
  const chosen = diversify(listed, {
    ...diversity,
    limit: options.limit,
    similarity: similarityOf(input.model),
  });
  if (input.explain && chosen.some((c) => c.reason === null)) await input.explain(chosen);
  return chosen;
}

/**
 * The model as the reply names it. `variant` is the experiment variant the list counts for: one
 * model may serve several variants (an A/A test), so it comes from the assignment, not the model.
 */
export function servedModel(model: ServingModel | null, variant: string | null): ServedModel {
  return model ? { id: model.id, kind: model.kind, variant } : null;
}

function toItem(c: ListedCandidate): RecommendedItem {
  return {
    itemId: c.itemId,
    score: Number(c.score.toFixed(6)),
    title: c.item.title,
    titleEn: c.item.titleEn,
    category: c.item.category,
    price: c.item.price,
    inStock: c.item.inStock,
    reason: c.reason ?? popularReason(),
  };
}

/** Queues the exposure (written behind, recommendations.exposure-log.ts); the reply items and the list's id. */
export function recordList(
  ctx: AppContext,
  list: Omit<ServedList, 'id' | 'itemIds' | 'servedAt'>,
  chosen: ListedCandidate[],
): { recommendationId: string; items: RecommendedItem[] } {
  const id = newId('rec');
  exposureLog(ctx).add({
    ...list,
    id,
    itemIds: chosen.map((c) => c.itemId),
    servedAt: ctx.clock.now(),
  });
  return { recommendationId: id, items: chosen.map(toItem) };
}

/** Items the member paid for (at or after `since`), for the purchased filter. */
async function boughtItems(ctx: AppContext, memberId: string, since = 0): Promise<Set<string>> {
  const rows = await ctx.db
    .selectFrom('events')
    .select('itemId')
    .where('memberId', '=', memberId)
    .where('type', '=', 'order_paid')
    .where('occurredAt', '>=', since)
    .where('itemId', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.itemId as string));
}

/** Reasons from the history item that contributed most to each chosen item's score. */
function historyExplainer(ctx: AppContext, model: ServingModel, history: MemberHistory) {
  return async (chosen: ListedCandidate[]): Promise<void> => {
    const sources = new Map<ListedCandidate, string>();
    for (const c of chosen) {
      if (c.reason !== null) continue;
      const index = model.itemIndex.get(c.itemId);
      const top = index === undefined ? undefined : model.recommender.explain(history.history, index, 1)[0];
      if (top) sources.set(c, model.itemIds[top.item] as string);
    }
    const titles = await loadCatalogue(ctx.db, sources.values());
    for (const c of chosen) {
      if (c.reason !== null) continue;
      const source = titles.get(sources.get(c) ?? '');
      const behaviour =
        history.behaviours?.get(source?.id ?? '') ??
        (history.boughtItemIds.has(source?.id ?? '') ? 'bought' : 'viewed');
      if (source) c.reason = historyReason(behaviour, source);
      else c.reason = model.kind === 'popularity' ? popularReason() : tasteReason();
    }
  };
}

interface Plan {
  strategy: Strategy;
  pool: Candidate[];
  seen: ReadonlySet<string>;
  explain?: (chosen: ListedCandidate[]) => Promise<void>;
}

async function planMemberList(
  ctx: AppContext,
  sources: ServeSources,
  memberId: string,
  model: ServingModel | null,
  size: number,
): Promise<Plan | null> {
  if (!model) return null;
  const row = await ctx.db
    .selectFrom('recommendationLists')
    .select(['modelId', 'items', 'computedAt'])
    .where('memberId', '=', memberId)
    .executeTakeFirst();
  if (row && row.modelId === model.id && Number(row.computedAt) >= model.createdAt) {
    // The job left out what the member had seen; only purchases since then are new.
    const pool = parseJsonColumn<Candidate[]>(row.items, []);
    return { strategy: 'precomputed', pool, seen: await boughtItems(ctx, memberId, Number(row.computedAt)) };
  }
  const history = await sources.memberHistory(memberId, model);
  if (history.history.items.length === 0) return null;
  return {
    strategy: 'online',
    pool: scoreCandidates(model, history.history, size + history.history.items.length),
    seen: new Set([...history.itemIds, ...history.boughtItemIds]),
    explain: historyExplainer(ctx, model, history),
  };
}

/**
 * A member's list: the precomputed one when the serving model made it, else scored now from
 * the member's history, else the welcome strategy. 404 MEMBER_NOT_FOUND for an unknown member.
 * `surface: 'preview'` logs a list an operator looked at, which the member never saw, apart
 * from the exposures the report counts.
 */
export async function serveMemberList(
  ctx: AppContext,
  sources: ServeSources,
  memberId: string,
  options: ListOptions,
  surface: 'member' | 'preview' = 'member',
): Promise<MemberList> {
  const member = await findMemberFacts(ctx.db, memberId);
  if (!member) throw appError(Errors.MEMBER_NOT_FOUND);
  const { settings, models } = sources;
  const assigned = assignVariant(settings.experiment, memberId);
  const variantModel = assigned === null ? undefined : models.variants.get(assigned);
  // Until a run trained the experiment's models the primary serves, and the list counts for no variant.
  const model = variantModel ?? models.primary;
  const variant = variantModel ? assigned : null;
  const size = poolSize(options.limit, options.exclude.length);
  const plan = (await planMemberList(ctx, sources, memberId, model, size)) ?? {
    strategy: 'cold-start' as const,
    pool: await coldStartCandidates(ctx, member),
    seen: await boughtItems(ctx, memberId),
  };
  const filter: ListFilter = {
    category: options.category,
    minPrice: options.minPrice,
    maxPrice: options.maxPrice,
    inStock: options.inStock,
    exclude: new Set(options.exclude),
    bought: plan.seen,
    repeatPurchaseCategories: new Set(settings.repeatPurchaseCategories),
  };
  const chosen = await buildList(ctx, {
    pool: plan.pool,
    filter,
    options,
    settings,
    model,
    explain: plan.explain,
  });
  const served = servedModel(model, variant);
  const { recommendationId, items } = recordList(
    ctx,
    {
      memberId,
      surface,
      modelId: model?.id ?? null,
      variant,
      strategy: plan.strategy,
    },
    chosen,
  );
  return { recommendationId, memberId, strategy: plan.strategy, model: served, items };
}
