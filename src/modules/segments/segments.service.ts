import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { newId } from '../../lib/ids.ts';
import { appendAudit } from '../audit/index.ts';
import { opsOf, SEGMENT_FIELDS } from './segments.fields.ts';
import { checkDefinition, countResolved, resolvedSegment } from './segments.query.ts';
import {
  archiveSegmentRow,
  findSegmentRow,
  insertSegment,
  ladderTierIds,
  listSegmentRows,
  liveSegmentRows,
  recordSegmentSize,
  segmentSizeRows,
  updateSegmentRow,
} from './segments.repository.ts';
import type { SegmentsTable } from './segments.table.ts';
import type { Condition, SegmentDto, SegmentInput, SegmentSummary, SegmentUpdate } from './segments.types.ts';
import { referencedSegments } from './segments.validate.ts';

// Saved segments: create, change (optimistic version), archive, count. Writes are audited in
// the same transaction; the count runs after the commit, so a slow count never holds a write lock.

/** Who changes a segment, as the audit log records it. */
export interface SegmentActor {
  actorType: string;
  actorId: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toSummary(row: SegmentsTable): SegmentSummary {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    version: row.version,
    size: row.size === null ? null : Number(row.size),
    countedAt: iso(row.countedAt),
    createdAt: iso(row.createdAt) as string,
    updatedAt: iso(row.updatedAt) as string,
    createdBy: row.createdBy,
  };
}

function toDto(row: SegmentsTable): SegmentDto {
  return { ...toSummary(row), definition: JSON.parse(row.definition) as Condition };
}

async function liveRow(ctx: AppContext, id: string): Promise<SegmentsTable> {
  const row = await findSegmentRow(ctx.db, id);
  if (!row || row.archivedAt !== null) throw appError(Errors.SEGMENT_NOT_FOUND);
  return row;
}

/** Counts a saved segment now: stores the size on it and appends it to the size history. */
export async function countSegment(ctx: AppContext, id: string): Promise<SegmentDto> {
  const { resolved } = await resolvedSegment(ctx.db, id);
  const size = await countResolved(ctx, resolved);
  await ctx.db.transaction().execute((trx) => recordSegmentSize(trx, id, size, ctx.clock.now()));
  return toDto(await liveRow(ctx, id));
}

/**
 * Saves a new segment (audited) and counts it.
 * @example await createSegment(ctx, { actorType: 'job', actorId: 'clusters.run' }, { name: 'Cluster 2', definition: { cluster: { runId, index: 2 } } })
 */
export async function createSegment(
  ctx: AppContext,
  actor: SegmentActor,
  input: SegmentInput,
): Promise<SegmentDto> {
  const { definition } = await checkDefinition(ctx.db, input.definition);
  const now = ctx.clock.now();
  const row: SegmentsTable = {
    id: newId('seg'),
    name: input.name,
    description: input.description ?? null,
    definition: JSON.stringify(definition),
    version: 1,
    createdBy: actor.actorId,
    createdAt: now,
    updatedAt: now,
    archivedAt: null,
    size: null,
    countedAt: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await insertSegment(trx, row);
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'segment.create',
      targetType: 'segment',
      targetId: row.id,
      details: { name: row.name },
    });
  });
  return countSegment(ctx, row.id);
}

/** Replaces a segment's name, description and definition when `version` is still current; then counts it. */
export async function updateSegment(
  ctx: AppContext,
  actor: SegmentActor,
  id: string,
  input: SegmentUpdate,
): Promise<SegmentDto> {
  await liveRow(ctx, id);
  const { definition } = await checkDefinition(ctx.db, input.definition, id);
  await ctx.db.transaction().execute(async (trx) => {
    const changed = await updateSegmentRow(trx, id, input.version, {
      name: input.name,
      description: input.description ?? null,
      definition: JSON.stringify(definition),
      version: input.version + 1,
      updatedAt: ctx.clock.now(),
    });
    if (!changed) throw appError(Errors.SEGMENT_VERSION_CONFLICT);
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'segment.update',
      targetType: 'segment',
      targetId: id,
      details: { name: input.name, version: input.version + 1 },
    });
  });
  return countSegment(ctx, id);
}

/** Archives a segment; 409 SEGMENT_IN_USE (listing them) while other live segments refer to it. */
export async function archiveSegment(ctx: AppContext, actor: SegmentActor, id: string): Promise<void> {
  await liveRow(ctx, id);
  const users = (await liveSegmentRows(ctx.db)).filter(
    (row) => row.id !== id && referencedSegments(JSON.parse(row.definition) as Condition).includes(id),
  );
  if (users.length > 0)
    throw appError(
      Errors.SEGMENT_IN_USE,
      `Segments ${users.map((u) => u.id).join(', ')} refer to this segment`,
      users.map((u) => ({ message: `referenced by ${u.name}`, segmentId: u.id })),
    );
  await ctx.db.transaction().execute(async (trx) => {
    await archiveSegmentRow(trx, id, ctx.clock.now());
    await appendAudit(ctx, trx, { ...actor, action: 'segment.archive', targetType: 'segment', targetId: id });
  });
}

/** One live segment. */
export async function getSegment(ctx: AppContext, id: string): Promise<SegmentDto> {
  return toDto(await liveRow(ctx, id));
}

/** Live segments, newest first. */
export async function listSegments(
  ctx: AppContext,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ data: SegmentSummary[]; nextCursor: string | null }> {
  const before = decodeCursor<[string]>(query.cursor, ['string']);
  const rows = await listSegmentRows(ctx.db, before?.[0] ?? null, query.limit + 1);
  const page = toPage(rows, query.limit, (row) => [row.id]);
  return { data: page.data.map(toSummary), nextCursor: page.nextCursor };
}

/** A live segment's counts, oldest first. */
export async function listSegmentSizes(
  ctx: AppContext,
  id: string,
): Promise<{ data: { countedAt: string; size: number }[] }> {
  await liveRow(ctx, id);
  const rows = await segmentSizeRows(ctx.db, id);
  return { data: rows.map((r) => ({ countedAt: iso(r.countedAt) as string, size: Number(r.size) })) };
}

/** The field catalogue, with the ladder's tier ids as the values of `tier`. */
export async function listSegmentFields(ctx: AppContext) {
  const tiers = await ladderTierIds(ctx.db);
  return {
    data: SEGMENT_FIELDS.map((spec) => ({
      field: spec.field,
      type: spec.type,
      label: spec.label,
      ...(spec.unit ? { unit: spec.unit } : {}),
      ...(spec.field === 'tier' ? { values: tiers } : spec.values ? { values: [...spec.values] } : {}),
      ops: [...opsOf(spec)],
    })),
  };
}
