import type { AppContext } from '../../context.ts';
import type { JobHandler, JobStep } from '../jobs/index.ts';
import { getProgrammeSettings } from '../loyalty/index.ts';
import { countPurchasers } from './value.repository.ts';
import { fitValueModel, scoreChunk } from './value.train.ts';
import {
  VALUE_TRAIN,
  type ValueJobResult,
  type ValueTrainParams,
  valueTrainParamsSchema,
} from './value.types.ts';

/** Members per scoring step. */
export const SCORE_CHUNK = 5_000;

// Cursor: null → the fit phase; `score:<modelId>:<last member id>` → scoring after that member.
const scoreCursor = (modelId: string, after: string) => `score:${modelId}:${after}`;

function parseCursor(cursor: string): { modelId: string; after: string | null } {
  const [, modelId, ...rest] = cursor.split(':');
  const after = rest.join(':');
  return { modelId: modelId as string, after: after === '' ? null : after };
}

async function fitPhase(
  ctx: AppContext,
  params: ValueTrainParams,
  state: JobStep<ValueJobResult>,
): Promise<JobStep<ValueJobResult>> {
  const { currency } = await getProgrammeSettings(ctx);
  const members = await countPurchasers(ctx.db, currency);
  const model = await fitValueModel(ctx, params, members);
  return {
    cursor: scoreCursor(model.id, ''),
    done: members,
    result: {
      ...state.result,
      modelId: model.id,
      dataThrough: new Date(model.dataThrough).toISOString(),
      members,
      metrics: model.metrics,
    },
  };
}

/**
 * `value.train`: fits the value models (one step), then scores every purchaser in chunks of
 * SCORE_CHUNK by member id. Scoring steps are idempotent: they upsert the same rows for the same
 * model (scores are as of the model's dataThrough, not of when the step runs).
 */
export const valueTrainJob: JobHandler<ValueTrainParams, ValueJobResult> = {
  type: VALUE_TRAIN,
  everyMs: 24 * 60 * 60_000,
  params: valueTrainParamsSchema,
  initialResult: { modelId: null, dataThrough: null, members: 0, scored: 0, metrics: null },
  async total(ctx) {
    const { currency } = await getProgrammeSettings(ctx);
    return 2 * (await countPurchasers(ctx.db, currency));
  },
  async step(ctx, params, state) {
    if (state.cursor === null) return fitPhase(ctx, params, state);
    const { modelId, after } = parseCursor(state.cursor);
    const size = params.chunkSize ?? SCORE_CHUNK;
    const { ids, scored } = await scoreChunk(ctx, modelId, after, size);
    return {
      cursor: ids.length < size ? null : scoreCursor(modelId, ids[ids.length - 1] as string),
      done: state.done + ids.length,
      result: { ...state.result, scored: state.result.scored + scored },
    };
  },
};

/** The value module's background jobs, registered at start-up. */
// biome-ignore lint/suspicious/noExplicitAny: handlers of different parameter types share the list.
export const valueJobs: JobHandler<any, any>[] = [valueTrainJob];
