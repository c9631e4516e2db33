// The segments module's public surface; other modules import only from here.
import type { AppContext } from '../../context.ts';
import { memberSegments } from './segments.membership.ts';
import { checkDefinition, countResolved } from './segments.query.ts';

export { SEGMENTS_COUNT, segmentJobs, segmentsCountJob } from './segments.jobs.ts';
export { openSegmentMemberStream, segmentMemberFilter } from './segments.query.ts';
export { segmentRoutes } from './segments.routes.ts';
export {
  archiveSegment,
  countSegment,
  createSegment,
  getSegment,
  listSegments,
  type SegmentActor,
  updateSegment,
} from './segments.service.ts';
export type { SegmentSizesTable, SegmentsTable } from './segments.table.ts';
export {
  type Condition as SegmentDefinition,
  type SegmentDto,
  type SegmentSummary,
  segmentDtoSchema,
} from './segments.types.ts';

/** The live segments a member is in now, evaluated in memory ([] for an unknown or deleted member). */
export async function listMemberSegments(
  ctx: AppContext,
  memberId: string,
): Promise<{ id: string; name: string }[]> {
  return (await memberSegments(ctx, memberId)) ?? [];
}

/** How many live members a definition (validated; references inlined) holds now, without saving it. */
export async function countSegmentDefinition(ctx: AppContext, definition: unknown): Promise<number> {
  const { resolved } = await checkDefinition(ctx.db, definition);
  return countResolved(ctx, resolved);
}
