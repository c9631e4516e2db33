import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { loadRecommender } from '../../ml/recommend/load.ts';
import {
  decodeSavedRecommender,
  type RecommenderKind,
  type ServingRecommender,
} from '../../ml/recommend/serving.ts';
import { findModel, listModels, type ModelDto, type StoredModel } from '../models/index.ts';
import { RECOMMEND_KIND, type RecommendModelParams } from './recommendations.train.ts';

// The models serving reads on every request, parsed once per process. A training run saves one
// model per experiment variant as one set (all active, sharing `params.runId`); the one marked
// `params.primary` (the only one, or the first variant's) serves members outside the experiment.
// Each process re-checks which run is newest at most every RECHECK_MS, and at once after
// invalidateServingModels.

export const RECHECK_MS = 30_000;
/** How far back the listing looks for a run's other models (an experiment has at most 5 variants). */
const RUN_LOOKBACK = 10;

export interface LoadedRecommendModel {
  id: string;
  variant: string | null;
  kind: RecommenderKind;
  /** Epoch ms: events up to here were trained on. */
  dataThrough: number;
  /** Epoch ms the model was saved: precomputed lists older than this are stale. */
  createdAt: number;
  itemIds: string[];
  itemIndex: Map<string, number>;
  recommender: ServingRecommender;
}

export interface ServingModels {
  /** The model for members outside any experiment (the first variant's during one). */
  primary: LoadedRecommendModel | null;
  /** Experiment variant name → the model serving it. */
  variants: Map<string, LoadedRecommendModel>;
}

interface Slot {
  models: ServingModels;
  /** Id of the active model the slot was built from (null: none trained yet). */
  activeId: string | null;
  checkedAt: number;
}

const EMPTY: ServingModels = { primary: null, variants: new Map() };
const slots = new WeakMap<Database, Slot>();
const loading = new WeakMap<Database, Promise<ServingModels>>();

/** A stored recommend model, parsed and ready to score. */
export function loadStoredModel(model: StoredModel): LoadedRecommendModel {
  if (!model.artifact) throw new Error(`recommend model ${model.id} has no artifact`);
  const artifact = JSON.parse(model.artifact) as { itemIds: string[]; recommender: string };
  const params = model.params as RecommendModelParams;
  const itemIndex = new Map(artifact.itemIds.map((id, i) => [id, i] as const));
  const recommender = loadRecommender(decodeSavedRecommender(artifact.recommender));
  return {
    id: model.id,
    variant: params.variant ?? null,
    kind: recommender.kind,
    dataThrough: model.dataThrough,
    createdAt: model.createdAt,
    itemIds: artifact.itemIds,
    itemIndex,
    recommender,
  };
}

/** The newest run's primary model and every model of the run. */
async function newestRun(ctx: AppContext): Promise<{ active: ModelDto | null; run: ModelDto[] }> {
  const { data } = await listModels(ctx, { kind: RECOMMEND_KIND, limit: RUN_LOOKBACK });
  const newest = data.find((m) => m.state === 'active') ?? null;
  if (!newest) return { active: null, run: [] };
  const runId = (newest.params as RecommendModelParams).runId;
  const run = data.filter((m) => m.state === 'active' && (m.params as RecommendModelParams).runId === runId);
  // Models saved before runs had a primary flag: the newest active one is the primary.
  const active = run.find((m) => (m.params as RecommendModelParams).primary === true) ?? newest;
  return { active, run: run.length > 0 ? run : [active] };
}

async function build(ctx: AppContext, previous: Slot | undefined): Promise<Slot> {
  const now = ctx.clock.now();
  const { active, run } = await newestRun(ctx);
  if (!active) return { models: EMPTY, activeId: null, checkedAt: now };
  if (previous && previous.activeId === active.id) return { ...previous, checkedAt: now };
  const reuse = new Map<string, LoadedRecommendModel>();
  for (const m of [previous?.models.primary, ...(previous?.models.variants.values() ?? [])]) {
    if (m) reuse.set(m.id, m);
  }
  const variants = new Map<string, LoadedRecommendModel>();
  let primary: LoadedRecommendModel | null = null;
  for (const dto of run) {
    let loaded = reuse.get(dto.id);
    if (!loaded) {
      const stored = await findModel(ctx.db, dto.id);
      if (!stored) continue;
      loaded = loadStoredModel(stored);
    }
    for (const name of (dto.params as RecommendModelParams).variants ?? [null]) {
      if (name !== null) variants.set(name, loaded);
    }
    if (dto.id === active.id) primary = loaded;
  }
  return { models: { primary, variants }, activeId: active.id, checkedAt: now };
}

/**
 * The models serving uses: the primary and one per experiment variant. Cached per database
 * handle; the newest active run is looked up at most every RECHECK_MS (by id only: a model is
 * parsed again only when a new run replaced it).
 */
export async function getServingModels(ctx: AppContext): Promise<ServingModels> {
  const slot = slots.get(ctx.db);
  const now = ctx.clock.now();
  if (slot && now >= slot.checkedAt && now - slot.checkedAt < RECHECK_MS) return slot.models;
  const pending = loading.get(ctx.db);
  if (pending) return pending;
  const promise = build(ctx, slot)
    .then((next) => {
      slots.set(ctx.db, next);
      return next.models;
    })
    .finally(() => loading.delete(ctx.db));
  loading.set(ctx.db, promise);
  return promise;
}

/** Forgets the cached models of this process (after a training run saved new ones). */
export function invalidateServingModels(ctx: AppContext): void {
  const slot = slots.get(ctx.db);
  if (slot) slots.set(ctx.db, { ...slot, checkedAt: Number.NEGATIVE_INFINITY });
}
