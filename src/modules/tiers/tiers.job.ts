import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { JobHandler } from '../jobs/index.ts';
import { countLiveMembers, liveMemberIdsAfter } from '../members/index.ts';
import { addResults, EMPTY_RESULT, evaluateMembers } from './tiers.evaluate.ts';
import type { RecalculateResult } from './tiers.types.ts';

export const TIERS_RECALCULATE = 'tiers.recalculate';
/** Members per step: one transaction and one grouped metric query each. */
export const RECALCULATE_CHUNK = 2_000;

const paramsSchema = z.strictObject({
  /** Evaluate as of this time (ISO); default: when each step runs. */
  asOf: z.iso.datetime().optional(),
  /** Members per step (tests use small chunks). */
  chunkSize: z.number().int().min(1).max(10_000).optional(),
});
type Params = z.infer<typeof paramsSchema>;

/**
 * Recalculates every live member's tier in member-id order: upgrades, grace periods, downgrades
 * and expired overrides. A step commits one chunk and returns the chunk's last id as the cursor.
 * Rerunning a chunk after a crash changes nothing more: the rules are deterministic and the first
 * run already moved everyone (its moves then count as unchanged; tier_history has them exactly).
 */
async function recalculateStep(
  ctx: AppContext,
  params: Params,
  after: string | null,
): Promise<{ ids: string[]; result: RecalculateResult }> {
  const size = params.chunkSize ?? RECALCULATE_CHUNK;
  const now = params.asOf ? Date.parse(params.asOf) : ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const ids = await liveMemberIdsAfter(trx, after, size);
    const result = await evaluateMembers(ctx, trx, ids, {
      mode: 'full',
      now,
      actor: { actorType: 'job', actorId: TIERS_RECALCULATE },
    });
    return { ids, result };
  });
}

/** The `tiers.recalculate` job; the worker also queues it once a day, so downgrades happen. */
export const tiersRecalculateJob: JobHandler<Params, RecalculateResult> = {
  type: TIERS_RECALCULATE,
  everyMs: 24 * 60 * 60_000,
  params: paramsSchema,
  initialResult: EMPTY_RESULT,
  total: (ctx) => countLiveMembers(ctx.db),
  async step(ctx, params, state) {
    const { ids, result } = await recalculateStep(ctx, params, state.cursor);
    const size = params.chunkSize ?? RECALCULATE_CHUNK;
    return {
      cursor: ids.length < size ? null : (ids[ids.length - 1] as string),
      done: state.done + ids.length,
      result: addResults(state.result, result),
    };
  },
};
