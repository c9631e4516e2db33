import { z } from 'zod';
import type { JobHandler } from '../jobs/jobs.types.ts';
import { countDueLots, type LotCursor, type LotMove, moveLots, nextDueLots } from './points.maintenance.ts';

const CHUNK = 500;

const paramsSchema = z.strictObject({
  /** Lots due at or before this time (ISO); default: when each step runs. */
  asOf: z.iso.datetime().optional(),
});
type Params = z.infer<typeof paramsSchema>;

function lotJob(move: LotMove, type: string, everyMs: number): JobHandler<Params, { lots: number }> {
  const asOfOf = (params: Params, now: number) => (params.asOf ? Date.parse(params.asOf) : now);
  return {
    type,
    everyMs,
    params: paramsSchema,
    initialResult: { lots: 0 },
    total: (ctx, params) => countDueLots(ctx.db, move, asOfOf(params, ctx.clock.now())),
    async step(ctx, params, state) {
      const asOf = asOfOf(params, ctx.clock.now());
      const after = state.cursor === null ? null : (JSON.parse(state.cursor) as LotCursor);
      const lots = await nextDueLots(ctx.db, move, asOf, after, CHUNK);
      const changed = await moveLots(
        ctx,
        move,
        lots.map((l) => l.id),
        asOf,
      );
      const last = lots[lots.length - 1];
      const due = (l: typeof last) => Number(move === 'release' ? l?.pendingUntil : l?.expiresAt);
      return {
        cursor: lots.length < CHUNK || !last ? null : JSON.stringify([due(last), last.id]),
        done: state.done + lots.length,
        result: { lots: state.result.lots + changed },
      };
    },
  };
}

/** Pending points whose return window ended become available (paying any debt first). */
export const pointsReleaseJob = lotJob('release', 'points.release', 10 * 60_000);

/** Lots past their expiry lose what is left in them. */
export const pointsExpireJob = lotJob('expire', 'points.expire', 60 * 60_000);
