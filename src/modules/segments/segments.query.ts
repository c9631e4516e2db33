import type { RawBuilder, SqlBool } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { getProgrammeSettings } from '../loyalty/index.ts';
import type { SqlScope } from './segments.fields.ts';
import {
  clusterRunExists,
  countSegmentMembers,
  findEntryTierId,
  findSegmentRow,
  memberInSegment,
  segmentMemberIds,
} from './segments.repository.ts';
import { type ResolveLookups, resolveDefinition, throwIfIssues } from './segments.resolve.ts';
import { type CompiledSegment, compileSegment } from './segments.sql.ts';
import type { Condition } from './segments.types.ts';
import { definitionIssues } from './segments.validate.ts';

// From a definition to SQL: validate, inline references, compile with the current scope (now,
// programme currency, entry tier), then count or page through the members.

/** What compiling needs besides the definition, as of now. */
export async function sqlScope(ctx: AppContext, db: Database = ctx.db): Promise<SqlScope> {
  const [settings, entryTier] = await Promise.all([getProgrammeSettings(ctx, db), findEntryTierId(db)]);
  return { now: ctx.clock.now(), dialect: ctx.dialect, currency: settings.currency, entryTier };
}

/** Looks up live segments' definitions (and cluster runs when `checkClusters`) in `db`. */
export function databaseLookups(db: Database, checkClusters: boolean): ResolveLookups {
  return {
    async segment(id) {
      const row = await findSegmentRow(db, id);
      return row && row.archivedAt === null ? (JSON.parse(row.definition) as Condition) : null;
    },
    ...(checkClusters ? { clusterRun: (id: string) => clusterRunExists(db, id) } : {}),
  };
}

/**
 * A definition as sent by a caller, checked in full: 400 SEGMENT_DEFINITION_INVALID listing
 * every problem, 422 SEGMENT_CYCLE. Returns it as written and with references inlined.
 */
export async function checkDefinition(
  db: Database,
  definition: unknown,
  selfId?: string,
): Promise<{ definition: Condition; resolved: Condition }> {
  throwIfIssues(definitionIssues(definition));
  const written = definition as Condition;
  const { condition, issues } = await resolveDefinition(written, databaseLookups(db, true), selfId);
  throwIfIssues(issues);
  return { definition: written, resolved: condition };
}

/** A saved segment's definition with references inlined; 404 when it is unknown or archived. */
export async function resolvedSegment(
  db: Database,
  id: string,
): Promise<{ name: string; resolved: Condition }> {
  const row = await findSegmentRow(db, id);
  if (!row || row.archivedAt !== null) throw appError(Errors.SEGMENT_NOT_FOUND);
  const { condition, issues } = await resolveDefinition(
    JSON.parse(row.definition) as Condition,
    databaseLookups(db, false),
    id,
  );
  // Only if a referenced segment was archived in a race with this one being saved.
  throwIfIssues(issues);
  return { name: row.name, resolved: condition };
}

/** The compiled condition over the aliases of the repository's segment query. */
export async function compileResolved(ctx: AppContext, resolved: Condition): Promise<CompiledSegment> {
  return compileSegment(resolved, await sqlScope(ctx));
}

/** How many live members a resolved definition holds now. */
export async function countResolved(ctx: AppContext, resolved: Condition): Promise<number> {
  return countSegmentMembers(ctx.db, await compileResolved(ctx, resolved));
}

/** Size and up to 20 member ids of a definition, without saving it. */
export async function previewDefinition(
  ctx: AppContext,
  definition: unknown,
): Promise<{ size: number; sample: string[] }> {
  const { resolved } = await checkDefinition(ctx.db, definition);
  const segment = await compileResolved(ctx, resolved);
  const [size, sample] = await Promise.all([
    countSegmentMembers(ctx.db, segment),
    segmentMemberIds(ctx.db, segment, null, 20),
  ]);
  return { size, sample };
}

/** Members of a saved segment, by id, `limit` after the cursor id. */
export async function segmentMemberPage(
  ctx: AppContext,
  id: string,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const { resolved } = await resolvedSegment(ctx.db, id);
  return segmentMemberIds(ctx.db, await compileResolved(ctx, resolved), after, limit);
}

/** Every member id of a saved segment in pages of `chunk`; resolves first, so a 404 comes before any output. */
export async function openSegmentMemberStream(
  ctx: AppContext,
  id: string,
  chunk = 5000,
): Promise<AsyncGenerator<string[]>> {
  const { resolved } = await resolvedSegment(ctx.db, id);
  return memberIdPages(ctx.db, await compileResolved(ctx, resolved), chunk);
}

async function* memberIdPages(
  db: Database,
  segment: CompiledSegment,
  chunk: number,
): AsyncGenerator<string[]> {
  let after: string | null = null;
  for (;;) {
    const ids = await segmentMemberIds(db, segment, after, chunk);
    if (ids.length > 0) yield ids;
    if (ids.length < chunk) return;
    after = ids[ids.length - 1] as string;
  }
}

/**
 * A filter on the `members` table for the members list: `?segment=seg_…`. 404 SEGMENT_NOT_FOUND
 * when the segment is unknown or archived.
 */
export async function segmentMemberFilter(ctx: AppContext, segmentId: string): Promise<RawBuilder<SqlBool>> {
  const { resolved } = await resolvedSegment(ctx.db, segmentId);
  return memberInSegment(ctx.db, await compileResolved(ctx, resolved));
}
