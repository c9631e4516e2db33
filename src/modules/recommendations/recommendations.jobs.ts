import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError, Errors } from '../../errors.ts';
import type { JobHandler, JobStep } from '../jobs/index.ts';
import { DAY_MS } from './recommendations.extract.ts';
import { dropListsBefore, LIST_CHUNK, type ListRun, precomputeListsChunk } from './recommendations.lists.ts';
import { invalidateServingModels } from './recommendations.model-cache.ts';
import { writePopularLists } from './recommendations.popular.ts';
import { getRecommendationSettings } from './recommendations.settings.ts';
import { MODEL_CHOICES } from './recommendations.settings-types.ts';
import { type TrainedRun, trainRecommendRun } from './recommendations.train.ts';

export const RECOMMEND_TRAIN = 'recommend.train';

export const recommendTrainParamsSchema = z.strictObject({
  /** Overrides the settings' model (and any experiment: one model is trained). */
  model: z.enum(MODEL_CHOICES).optional(),
  /** Members per precompute step (default LIST_CHUNK). */
  chunkSize: z.number().int().min(1).max(50_000).optional(),
});
export type RecommendTrainParams = z.infer<typeof recommendTrainParamsSchema>;

export interface RecommendJobResult {
  /** Why nothing was trained (RECOMMEND_NOT_ENOUGH_DATA), else null. */
  skipped: string | null;
  run: (Omit<TrainedRun, 'dataThrough'> & { dataThrough: string }) | null;
  /** What the precompute steps need; kept here so a retried step computes the same rows. */
  lists: ListRun | null;
  activeMembers: number;
  listsWritten: number;
  listsDropped: number;
  popularLists: number;
}

const INITIAL: RecommendJobResult = {
  skipped: null,
  run: null,
  lists: null,
  activeMembers: 0,
  listsWritten: 0,
  listsDropped: 0,
  popularLists: 0,
};

// Cursor: null → the fit; `lists:<last member id>` → precompute after that member; `popular` → last step.
const LISTS = 'lists:';
const POPULAR = 'popular';

async function countActive(ctx: AppContext, activeDays: number): Promise<number> {
  const row = await ctx.db
    .selectFrom('events')
    .select((eb) => eb.fn.count<number | string>('memberId').distinct().as('n'))
    .where('occurredAt', '>=', ctx.clock.now() - activeDays * DAY_MS)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

async function fitStep(
  ctx: AppContext,
  params: RecommendTrainParams,
  state: JobStep<RecommendJobResult>,
): Promise<JobStep<RecommendJobResult>> {
  const { settings } = await getRecommendationSettings(ctx, { fresh: true });
  let run: TrainedRun;
  try {
    run = await trainRecommendRun(ctx, settings, params.model ? { model: params.model } : {});
  } catch (error) {
    if (error instanceof AppError && error.code === Errors.RECOMMEND_NOT_ENOUGH_DATA.code) {
      return { cursor: null, done: state.done, result: { ...state.result, skipped: error.message } };
    }
    throw error;
  }
  invalidateServingModels(ctx);
  const now = ctx.clock.now();
  const lists: ListRun = {
    models: run.models.map((m) => ({ id: m.id, variants: m.variants })),
    settings,
    activeSince: now - settings.activeDays * DAY_MS,
    listsAt: now,
  };
  return {
    cursor: LISTS,
    done: state.done + 1,
    result: { ...state.result, run: { ...run, dataThrough: new Date(run.dataThrough).toISOString() }, lists },
  };
}

/**
 * `recommend.train` (daily): extracts the events and fits the model(s) off the event loop (one
 * step), precomputes lists for active members (steps of LIST_CHUNK), then the popular lists per
 * audience (one step) and drops lists earlier runs left for members no longer active. Steps after
 * the fit are idempotent (same rows, same computedAt); a retried fit reuses the models it saved.
 */
export const recommendTrainJob: JobHandler<RecommendTrainParams, RecommendJobResult> = {
  type: RECOMMEND_TRAIN,
  everyMs: 24 * 60 * 60_000,
  params: recommendTrainParamsSchema,
  initialResult: INITIAL,
  async total(ctx) {
    const { settings } = await getRecommendationSettings(ctx, { fresh: true });
    return 2 + (await countActive(ctx, settings.activeDays));
  },
  async step(ctx, params, state) {
    if (state.cursor === null) return fitStep(ctx, params, state);
    const lists = state.result.lists as ListRun;
    if (state.cursor.startsWith(LISTS)) {
      const after = state.cursor.slice(LISTS.length) || null;
      const size = params.chunkSize ?? LIST_CHUNK;
      const chunk = await precomputeListsChunk(ctx, lists, after, size);
      return {
        cursor: chunk.read < size ? POPULAR : `${LISTS}${chunk.last}`,
        done: state.done + chunk.read,
        result: {
          ...state.result,
          activeMembers: state.result.activeMembers + chunk.read,
          listsWritten: state.result.listsWritten + chunk.written,
        },
      };
    }
    const primary = lists.models[0]?.id as string;
    const popularLists = await writePopularLists(ctx, {
      modelId: primary,
      settings: lists.settings,
      dataThrough: Date.parse(state.result.run?.dataThrough as string),
      listsAt: lists.listsAt,
    });
    const listsDropped = await dropListsBefore(ctx, lists.listsAt);
    return { cursor: null, done: state.done + 1, result: { ...state.result, popularLists, listsDropped } };
  },
};

/** The recommendations module's background jobs, registered at start-up. */
// biome-ignore lint/suspicious/noExplicitAny: handlers of different parameter types share the list.
export const recommendationJobs: JobHandler<any, any>[] = [recommendTrainJob];
