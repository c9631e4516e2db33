import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { JobHandler } from '../jobs/index.ts';

// Stored decisions hold identifiers (IPs, devices) and their features, so they are kept only for
// `risk.decisionRetentionDays`. The daily `risk.purge` job deletes older decisions with their
// resolved cases and comments, oldest first, in chunks. A decision whose case is still open stays
// until the case is resolved: an analyst may be looking at it.

const CHUNK = 1000;
const DAY_MS = 86_400_000;

const paramsSchema = z.strictObject({});

function expiredDecisions(db: Database, cutoff: number) {
  return db
    .selectFrom('riskDecisions')
    .where('riskDecisions.createdAt', '<', cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('riskCases')
            .select('riskCases.id')
            .whereRef('riskCases.decisionId', '=', 'riskDecisions.id')
            .where('riskCases.status', '=', 'open'),
        ),
      ),
    );
}

/** Deletes one chunk of expired decisions (with their cases and comments); how many. */
export async function purgeDecisionChunk(ctx: AppContext, cutoff: number): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const ids = (
      await expiredDecisions(trx, cutoff)
        .select('riskDecisions.id')
        .orderBy('riskDecisions.createdAt')
        .limit(CHUNK)
        .execute()
    ).map((r) => r.id);
    if (ids.length === 0) return 0;
    const cases = (
      await trx.selectFrom('riskCases').select('id').where('decisionId', 'in', ids).execute()
    ).map((c) => c.id);
    if (cases.length > 0) {
      await trx.deleteFrom('riskCaseComments').where('caseId', 'in', cases).execute();
      await trx.deleteFrom('riskCases').where('id', 'in', cases).execute();
    }
    await trx.deleteFrom('riskDecisions').where('id', 'in', ids).execute();
    return ids.length;
  });
}

const cutoffOf = (ctx: AppContext) => ctx.clock.now() - ctx.config.risk.decisionRetentionDays * DAY_MS;

export const riskPurgeJob: JobHandler<z.infer<typeof paramsSchema>, { decisions: number }> = {
  type: 'risk.purge',
  everyMs: DAY_MS,
  params: paramsSchema,
  initialResult: { decisions: 0 },
  async total(ctx) {
    const row = await expiredDecisions(ctx.db, cutoffOf(ctx))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  },
  async step(ctx, _params, state) {
    const purged = await purgeDecisionChunk(ctx, cutoffOf(ctx));
    return {
      cursor: purged < CHUNK ? null : 'more',
      done: state.done + purged,
      result: { decisions: state.result.decisions + purged },
    };
  },
};
