import { z } from 'zod';
import type { JobHandler } from '../jobs/index.ts';
import { liveSegmentRows } from './segments.repository.ts';
import { countSegment } from './segments.service.ts';

export const SEGMENTS_COUNT = 'segments.count';
/** Segments per step: each is one count query. */
const SEGMENTS_PER_STEP = 5;

const paramsSchema = z.strictObject({});
type Params = z.infer<typeof paramsSchema>;
interface CountResult {
  counted: number;
}

/**
 * `segments.count`: counts every live segment (in id order, a few per step) and appends each
 * size to its history, so size trends have one point a day. Rerunning a step counts again,
 * which only adds one more history point.
 */
export const segmentsCountJob: JobHandler<Params, CountResult> = {
  type: SEGMENTS_COUNT,
  everyMs: 24 * 60 * 60_000,
  params: paramsSchema,
  initialResult: { counted: 0 },
  total: async (ctx) => (await liveSegmentRows(ctx.db)).length,
  async step(ctx, _params, state) {
    const rows = (await liveSegmentRows(ctx.db)).filter(
      (row) => state.cursor === null || row.id > state.cursor,
    );
    const batch = rows.slice(0, SEGMENTS_PER_STEP);
    for (const row of batch) await countSegment(ctx, row.id);
    const last = batch[batch.length - 1];
    return {
      cursor: rows.length > SEGMENTS_PER_STEP && last ? last.id : null,
      done: state.done + batch.length,
      result: { counted: state.result.counted + batch.length },
    };
  },
};

/** The segments module's background jobs, registered at start-up. */
// biome-ignore lint/suspicious/noExplicitAny: handlers of different parameter types share the list.
export const segmentJobs: JobHandler<any, any>[] = [segmentsCountJob];
