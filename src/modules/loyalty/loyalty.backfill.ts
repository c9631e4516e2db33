import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { JobHandler } from '../jobs/index.ts';
import { awardPointsForEvents } from './loyalty.award.ts';
import { countEventRows, type EventRange, listEventRowsAfter } from './loyalty.lookup.repository.ts';
import { activeRulesByTrigger } from './loyalty.service.ts';

// Replays stored events through the earning hook, oldest first, with the ledger dated at each
// event's time: for a programme started after the shop, or rules added for a past campaign.
// Safe to rerun: an event that already earned (any line) is not awarded again, and a refund is
// reversed once.

const CHUNK = 500;

const iso = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with Z or an offset' });

const paramsSchema = z
  .strictObject({
    from: iso.describe('Inclusive lower bound of occurredAt'),
    to: iso.describe('Exclusive upper bound of occurredAt'),
  })
  .refine((p) => Date.parse(p.to) > Date.parse(p.from), { message: 'must be after from', path: ['to'] });
type Params = z.infer<typeof paramsSchema>;

export interface BackfillResult {
  events: number;
  memberUpdates: number;
}

/** The event types that earn now, and refunds. */
async function rangeOf(ctx: AppContext, params: Params): Promise<EventRange> {
  const rules = await activeRulesByTrigger(ctx);
  return {
    from: Date.parse(params.from),
    until: Date.parse(params.to),
    types: [...new Set([...rules.keys(), 'order_paid', 'order_refunded'])].sort(),
  };
}

/** Job `loyalty.backfill`: earning events in `[from, to)` through the rules, in time order. */
export const loyaltyBackfillJob: JobHandler<Params, BackfillResult> = {
  type: 'loyalty.backfill',
  params: paramsSchema,
  initialResult: { events: 0, memberUpdates: 0 },
  async total(ctx, params) {
    return countEventRows(ctx.db, await rangeOf(ctx, params));
  },
  async step(ctx, params, state) {
    const range = await rangeOf(ctx, params);
    const after = state.cursor === null ? null : (JSON.parse(state.cursor) as [number, string]);
    // One transaction per chunk: the chunk's points and the cursor the runner saves next are
    // not atomic, but a rerun of the chunk awards nothing twice.
    const { rows, members } = await ctx.db.transaction().execute(async (trx) => {
      const rows = await listEventRowsAfter(trx, range, after, CHUNK);
      return { rows, members: await awardPointsForEvents(ctx, trx, rows, { at: 'event' }) };
    });
    const last = rows[rows.length - 1];
    return {
      cursor: rows.length < CHUNK || !last ? null : JSON.stringify([Number(last.occurredAt), last.id]),
      done: state.done + rows.length,
      result: {
        events: state.result.events + rows.length,
        memberUpdates: state.result.memberUpdates + members.length,
      },
    };
  },
};
