import { createHash } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { callOffThread } from '../../lib/worker-call.ts';
import { encodeSavedRecommender } from '../../ml/recommend/serving.ts';
import { listModels, type NewModel, type StoredModel, saveModelSet } from '../models/index.ts';
import { type ExtractedInteractions, extractInteractions } from './recommendations.extract.ts';
import type { ModelChoice, RecommendationSettings } from './recommendations.settings-types.ts';
import { itemFeaturesFor } from './recommendations.train-features.ts';
import {
  type RecommendFitInput,
  type RecommendFitOutput,
  runRecommendFit,
} from './recommendations.train-worker.ts';

export const RECOMMEND_KIND = 'recommend';
/** Below these the data cannot tell a good model from a bad one (contract: like value.train). */
export const MIN_MEMBERS = 20;
export const MIN_ITEMS = 10;
const SEED = 1;

/** What one training run needs to train: one model per distinct model choice. */
export interface RunPlan {
  /** Each distinct choice with the variants it serves (a single `[null]` without an experiment). */
  fits: { model: ModelChoice; variants: (string | null)[] }[];
}

/** The models a run saved, with what the precompute steps need. */
export interface TrainedRun {
  runId: string;
  models: { id: string; kind: string; variants: (string | null)[]; ndcg: number }[];
  dataThrough: number;
  members: number;
  items: number;
  interactions: number;
  /** Whether an identical earlier run (same data, same settings) was reused instead of refitted. */
  reused: boolean;
}

/** Parameters stored with each recommend model (contract §2 "Training", plus run bookkeeping). */
export interface RecommendModelParams {
  model: string;
  hyper: Record<string, unknown>;
  /** The first variant this model serves, null without an experiment. */
  variant: string | null;
  /** Every variant it serves (variants asking for the same model share one). */
  variants: (string | null)[];
  /** The model serving members outside the experiment: the only one, or the first variant's. */
  primary: boolean;
  choice: ModelChoice;
  behaviourWeights: RecommendationSettings['behaviourWeights'];
  halfLifeDays: number;
  members: number;
  items: number;
  interactions: number;
  /** Models saved by one run share it (they are saved together, all active). */
  runId: string;
  /** Hash of the data and settings a run saw, so a retried step reuses the models it saved. */
  fingerprint: string;
}

/** The distinct models to train: `model` (from the job) overrides the settings and any experiment. */
export function planRun(settings: RecommendationSettings, model?: ModelChoice): RunPlan {
  if (model !== undefined || !settings.experiment) {
    return { fits: [{ model: model ?? settings.model, variants: [null] }] };
  }
  const fits: RunPlan['fits'] = [];
  for (const variant of settings.experiment.variants) {
    const same = fits.find((f) => f.model === variant.model);
    if (same) same.variants.push(variant.name);
    else fits.push({ model: variant.model, variants: [variant.name] });
  }
  return { fits };
}

function fingerprintOf(extracted: ExtractedInteractions, settings: RecommendationSettings, plan: RunPlan) {
  const { data } = extracted;
  let weightSum = 0;
  for (const w of data.byUser.weights) weightSum += w;
  return createHash('sha256')
    .update(
      JSON.stringify({
        dataThrough: extracted.dataThrough,
        members: data.nUsers,
        items: data.nItems,
        interactions: data.byUser.indices.length,
        weightSum: weightSum.toFixed(3),
        weights: settings.behaviourWeights,
        halfLifeDays: settings.halfLifeDays,
        easeMaxItems: settings.easeMaxItems,
        plan: plan.fits,
      }),
    )
    .digest('hex')
    .slice(0, 32);
}

/** The newest run's models when its fingerprint matches (a retried fit step, or no new events). */
async function reusableRun(ctx: AppContext, fingerprint: string): Promise<TrainedRun | null> {
  const { data } = await listModels(ctx, { kind: RECOMMEND_KIND, limit: 10 });
  const newest = data[0];
  const params = newest?.params as RecommendModelParams | undefined;
  if (newest?.state !== 'active' || !params || params.fingerprint !== fingerprint) return null;
  // In the order they were saved (ids grow), the primary first.
  const run = data
    .filter((m) => m.state === 'active' && (m.params as RecommendModelParams).runId === params.runId)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .sort(
      (a, b) =>
        Number((b.params as RecommendModelParams).primary) -
        Number((a.params as RecommendModelParams).primary),
    );
  return {
    runId: params.runId,
    models: run.map((m) => {
      const p = m.params as RecommendModelParams;
      const metrics = m.metrics as { validation?: { ndcg?: number } };
      return { id: m.id, kind: p.model, variants: p.variants, ndcg: metrics.validation?.ndcg ?? 0 };
    }),
    dataThrough: Date.parse(newest.dataThrough),
    members: params.members,
    items: params.items,
    interactions: params.interactions,
    reused: true,
  };
}

function fitOffThread(ctx: AppContext, input: RecommendFitInput): Promise<RecommendFitOutput> {
  return callOffThread(
    new URL('./recommendations.train-worker.ts', import.meta.url).href,
    'runRecommendFit',
    input,
    runRecommendFit,
    ctx.log,
  );
}

/**
 * The fit step of `recommend.train`: extracts the events, searches and fits one model per
 * distinct model choice in a worker thread, and saves them as one set (all active, the previous
 * run's retired in the same transaction). RECOMMEND_NOT_ENOUGH_DATA below MIN_MEMBERS members or
 * MIN_ITEMS items.
 */
export async function trainRecommendRun(
  ctx: AppContext,
  settings: RecommendationSettings,
  options: { model?: ModelChoice; jobId?: string | null } = {},
): Promise<TrainedRun> {
  const plan = planRun(settings, options.model);
  const extracted = await extractInteractions(ctx, settings);
  const { data } = extracted;
  if (data.nUsers < MIN_MEMBERS || data.nItems < MIN_ITEMS) {
    throw appError(
      Errors.RECOMMEND_NOT_ENOUGH_DATA,
      `Too few members with item events to train a recommendation model: ${data.nUsers} members and ${data.nItems} items (at least ${MIN_MEMBERS} and ${MIN_ITEMS} needed)`,
    );
  }
  const fingerprint = fingerprintOf(extracted, settings, plan);
  const reused = await reusableRun(ctx, fingerprint);
  if (reused) return reused;

  const needsFeatures = plan.fits.some((f) => f.model === 'auto' || f.model === 'content');
  const itemFeatures = needsFeatures ? await itemFeaturesFor(ctx, data.itemIds) : undefined;
  const fitted: { fit: RunPlan['fits'][number]; output: RecommendFitOutput }[] = [];
  for (const fit of plan.fits) {
    const input: RecommendFitInput = {
      data,
      model: fit.model,
      easeMaxItems: settings.easeMaxItems,
      seed: SEED,
      ...(itemFeatures ? { itemFeatures } : {}),
    };
    fitted.push({ fit, output: await fitOffThread(ctx, input) });
  }

  // Unique per run: two runs on identical data differ in time, and a retry reuses the first.
  const runId = `run-${ctx.clock.now().toString(36)}-${fingerprint.slice(0, 8)}`;
  const interactions = data.byUser.indices.length;
  const toSave: NewModel[] = fitted.map(({ fit, output }, index) => {
    const params: RecommendModelParams = {
      model: output.kind,
      hyper: output.hyper,
      variant: fit.variants[0] ?? null,
      variants: fit.variants,
      primary: index === 0,
      choice: fit.model,
      behaviourWeights: settings.behaviourWeights,
      halfLifeDays: settings.halfLifeDays,
      members: data.nUsers,
      items: data.nItems,
      interactions,
      runId,
      fingerprint,
    };
    const v = output.validation;
    const metrics = {
      validation: {
        ndcg: v.ndcg,
        hr: v.hr,
        recall: v.recall,
        mrr: v.mrr,
        coverage: v.coverage,
        popularityBias: v.popularityBias,
        users: v.users,
      },
      candidates: output.candidates,
      curve: output.curve,
      trainSeconds: output.trainSeconds,
    };
    const artifact = JSON.stringify({
      itemIds: data.itemIds,
      recommender: encodeSavedRecommender(output.saved),
    });
    return {
      kind: RECOMMEND_KIND,
      dataThrough: extracted.dataThrough,
      params,
      metrics,
      artifact,
      jobId: options.jobId ?? null,
    };
  });
  // One transaction: the run's models become the active ones together, the previous run's retire.
  const saved = await saveModelSet(ctx, toSave);
  const models: TrainedRun['models'] = fitted.map(({ fit, output }, i) => ({
    id: (saved[i] as StoredModel).id,
    kind: output.kind,
    variants: fit.variants,
    ndcg: output.validation.ndcg,
  }));
  return {
    runId,
    models,
    dataThrough: extracted.dataThrough,
    members: data.nUsers,
    items: data.nItems,
    interactions,
    reused: false,
  };
}
