import type { AppContext } from '../../context.ts';
import { blindIndex } from '../../crypto/blind-index.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import type { PiiView } from '../../http/principal.ts';
import { appendAudit } from '../audit/index.ts';
import { piiFieldsPresent, toMemberDto } from './members.dto.ts';
import {
  findLiveMemberIdByIndex,
  findLiveMemberRows,
  findMemberRow,
  listMemberRows,
  selectLiveMemberIds,
} from './members.repository.ts';
import type { MemberActor, MemberDto, MemberListQuery } from './members.types.ts';

/** One member in the given view; deleted members only with `includeDeleted`. 404 otherwise. */
export async function getMember(
  ctx: AppContext,
  id: string,
  view: PiiView,
  options: { includeDeleted?: boolean } = {},
): Promise<MemberDto> {
  const row = await findMemberRow(ctx.db, id);
  if (!row || (row.deletedAt !== null && !options.includeDeleted)) throw appError(Errors.MEMBER_NOT_FOUND);
  return toMemberDto(ctx, row, view);
}

/** A live member in full, or null: for modules that branch on existence instead of failing. */
export async function getMemberById(ctx: AppContext, id: string): Promise<MemberDto | null> {
  const row = await findMemberRow(ctx.db, id);
  return row && row.deletedAt === null ? toMemberDto(ctx, row) : null;
}

/** Live members among `ids`, ordered by id, in the given view (unknown and deleted ids are left out). */
export async function findMembersByIds(
  ctx: AppContext,
  ids: readonly string[],
  view: PiiView,
): Promise<MemberDto[]> {
  const rows = await findLiveMemberRows(ctx.db, ids);
  return Promise.all(rows.map((row) => toMemberDto(ctx, row, view)));
}

/** Which of `ids` are live members, in one query per 500 ids (event ingestion checks batches this way). */
export async function existingMemberIds(db: Database, ids: readonly string[]): Promise<Set<string>> {
  return new Set(await selectLiveMemberIds(db, ids));
}

/** The live member with this email (any case, surrounding spaces ignored), through the blind index. */
export async function findMemberIdByEmail(ctx: AppContext, email: string): Promise<string | null> {
  return (
    (await findLiveMemberIdByIndex(
      ctx.db,
      'emailBidx',
      blindIndex(ctx.crypto.blindIndexKey, 'email', email),
    )) ?? null
  );
}

/** The live member with this phone (spaces, dashes and brackets ignored), through the blind index. */
export async function findMemberIdByPhone(ctx: AppContext, phone: string): Promise<string | null> {
  return (
    (await findLiveMemberIdByIndex(
      ctx.db,
      'phoneBidx',
      blindIndex(ctx.crypto.blindIndexKey, 'phone', phone),
    )) ?? null
  );
}

/** A page of members ordered by (registeredAt, id); email and phone match exactly via the blind index. */
export async function listMembers(
  ctx: AppContext,
  query: MemberListQuery,
  view: PiiView,
): Promise<{ data: MemberDto[]; nextCursor: string | null }> {
  const key = ctx.crypto.blindIndexKey;
  // Imported when used: the segments module reaches the members module through loyalty, and a
  // static import here would close that loop at load time.
  const where =
    query.segment === undefined
      ? undefined
      : await (await import('../segments/index.ts')).segmentMemberFilter(ctx, query.segment);
  const rows = await listMemberRows(
    ctx.db,
    {
      emailBidx: query.email === undefined ? undefined : blindIndex(key, 'email', query.email),
      phoneBidx: query.phone === undefined ? undefined : blindIndex(key, 'phone', query.phone),
      status: query.status,
      region: query.region,
      tier: query.tier === undefined ? undefined : { id: query.tier, now: ctx.clock.now() },
      registeredFrom: query.registeredFrom === undefined ? undefined : Date.parse(query.registeredFrom),
      registeredTo: query.registeredTo === undefined ? undefined : Date.parse(query.registeredTo),
      includeDeleted: query.includeDeleted === 'true' || query.status === 'deleted',
      where,
      after: decodeCursor<[number, string]>(query.cursor, ['number', 'string']),
    },
    query.limit + 1,
  );
  const page = toPage(rows, query.limit, (row) => [row.registeredAt, row.id]);
  return {
    data: await Promise.all(page.data.map((row) => toMemberDto(ctx, row, view))),
    nextCursor: page.nextCursor,
  };
}

/**
 * Records that `actor` saw these members' personal data in full: one entry for one member
 * (with the fields disclosed), one entry for a list (with the count and the ids).
 */
export async function recordPiiRead(
  ctx: AppContext,
  actor: MemberActor,
  members: readonly MemberDto[],
  shape: 'one' | 'list' = 'one',
): Promise<void> {
  const [only] = members;
  if (!only) return;
  await ctx.db.transaction().execute(async (trx) => {
    if (shape === 'one') {
      const details = { fields: piiFieldsPresent(only) };
      await appendAudit(ctx, trx, {
        ...actor,
        action: 'member.pii.read',
        targetType: 'member',
        targetId: only.id,
        details,
      });
      return;
    }
    const details = { count: members.length, ids: members.map((m) => m.id) };
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'member.pii.read',
      targetType: 'member',
      targetId: null,
      details,
    });
  });
}
