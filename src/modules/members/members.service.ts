import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { appendAudit } from '../audit/index.ts';
import { moveNewMember, recordNewMember } from '../stats/index.ts';
import { diffMember, type MemberFields } from './members.changes.ts';
import { toMemberDto } from './members.dto.ts';
import {
  findMemberRow,
  insertMemberRow,
  updateMemberRow,
  violatedMemberIndex,
} from './members.repository.ts';
import type { MembersTable } from './members.table.ts';
import type { MemberActor, MemberDto, MemberInput, MemberPatch } from './members.types.ts';

/** The outcome of POST /v1/members: the member and whether it was new. */
export interface UpsertMemberResult {
  member: MemberDto;
  created: boolean;
}

/** Turns a unique-index violation (a race the in-transaction check lost) into its 409. */
function mapWriteError(error: unknown): unknown {
  const index = violatedMemberIndex(error);
  if (index === 'email') return appError(Errors.MEMBER_EMAIL_TAKEN);
  if (index === 'phone') return appError(Errors.MEMBER_PHONE_TAKEN);
  if (index === 'id')
    return appError(Errors.MEMBER_VERSION_CONFLICT, 'The member was created by a concurrent request');
  return error;
}

/** Refuses an email or phone that another live member holds (checked before the write). */
async function assertUnique(
  db: Database,
  id: string,
  changes: { emailBidx?: string | null | undefined; phoneBidx?: string | null | undefined },
): Promise<void> {
  const checks = [
    { value: changes.emailBidx, column: 'emailBidx' as const, error: Errors.MEMBER_EMAIL_TAKEN },
    { value: changes.phoneBidx, column: 'phoneBidx' as const, error: Errors.MEMBER_PHONE_TAKEN },
  ];
  for (const check of checks) {
    if (!check.value) continue;
    const holder = await db
      .selectFrom('members')
      .select('id')
      .where(check.column, '=', check.value)
      .where('deletedAt', 'is', null)
      .where('id', '!=', id)
      .executeTakeFirst();
    if (holder) throw appError(check.error);
  }
}

async function insertMember(
  ctx: AppContext,
  trx: Database,
  input: MemberInput,
  actor: MemberActor,
): Promise<MembersTable> {
  const now = ctx.clock.now();
  const { changes, fields } = await diffMember(ctx, input.id, undefined, input);
  const row: MembersTable = {
    id: input.id,
    nameEnc: null,
    emailEnc: null,
    phoneEnc: null,
    birthdayEnc: null,
    addressEnc: null,
    emailBidx: null,
    phoneBidx: null,
    gender: null,
    region: null,
    locale: null,
    channel: null,
    attributes: '{}',
    consents: '{}',
    status: 'active',
    registeredAt: now,
    ...changes,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
    version: 1,
  } as MembersTable;
  await assertUnique(trx, row.id, row);
  await insertMemberRow(trx, row);
  await recordNewMember(trx, ctx.dialect, row.registeredAt);
  await appendAudit(ctx, trx, {
    ...actor,
    action: 'member.create',
    targetType: 'member',
    targetId: row.id,
    details: { fields },
  });
  return row;
}

/** Applies `fields` to a live member inside `trx`, checking `version` when given. */
async function applyUpdate(
  ctx: AppContext,
  trx: Database,
  current: MembersTable,
  fields: MemberFields,
  actor: MemberActor,
  version?: number,
): Promise<MembersTable> {
  if (version !== undefined && version !== current.version) throw appError(Errors.MEMBER_VERSION_CONFLICT);
  const diff = await diffMember(ctx, current.id, current, fields);
  if (diff.fields.length === 0) return current;
  await assertUnique(trx, current.id, diff.changes);
  const changes = { ...diff.changes, updatedAt: ctx.clock.now(), version: current.version + 1 };
  if (!(await updateMemberRow(trx, current.id, current.version, changes)))
    throw appError(Errors.MEMBER_VERSION_CONFLICT);
  if (diff.changes.registeredAt !== undefined)
    await moveNewMember(trx, ctx.dialect, current.registeredAt, diff.changes.registeredAt);
  await appendAudit(ctx, trx, {
    ...actor,
    action: 'member.update',
    targetType: 'member',
    targetId: current.id,
    details: { fields: diff.fields },
  });
  return { ...current, ...changes } as MembersTable;
}

/**
 * Creates the member, or updates the fields `input` names when the id exists (fields left out
 * are kept). Runs in the caller's transaction, audit entry included; a deleted id is 409.
 * @example await ctx.db.transaction().execute((trx) => upsertMember(ctx, trx, { id: 'u1', email }, actor))
 */
export async function upsertMember(
  ctx: AppContext,
  trx: Database,
  input: MemberInput,
  actor: MemberActor,
): Promise<UpsertMemberResult> {
  try {
    const current = await findMemberRow(trx, input.id, { dialect: ctx.dialect, forUpdate: true });
    if (current?.deletedAt != null) throw appError(Errors.MEMBER_DELETED);
    const { id: _id, ...fields } = input;
    const row = current
      ? await applyUpdate(ctx, trx, current, fields, actor)
      : await insertMember(ctx, trx, input, actor);
    return { member: await toMemberDto(ctx, row), created: !current };
  } catch (error) {
    throw mapWriteError(error);
  }
}

/** Runs `work` in a transaction and maps unique-index races to their 409s. */
async function inTransaction<T>(ctx: AppContext, work: (trx: Database) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.transaction().execute(work);
  } catch (error) {
    throw mapWriteError(error);
  }
}

/** PATCH semantics for one live member: given fields change, null clears; own transaction. */
export async function updateMember(
  ctx: AppContext,
  memberId: string,
  patch: MemberPatch,
  actor: MemberActor,
): Promise<MemberDto> {
  const row = await inTransaction(ctx, async (trx) => {
    const current = await findMemberRow(trx, memberId, { dialect: ctx.dialect, forUpdate: true });
    if (!current || current.deletedAt !== null) throw appError(Errors.MEMBER_NOT_FOUND);
    const { version, ...fields } = patch;
    return applyUpdate(ctx, trx, current, fields, actor, version);
  });
  return toMemberDto(ctx, row);
}

/** Soft delete: status `deleted`, `deletedAt` set; the email and phone become free for others. */
export async function deleteMember(
  ctx: AppContext,
  memberId: string,
  actor: MemberActor,
): Promise<MemberDto> {
  const row = await inTransaction(ctx, async (trx) => {
    const current = await findMemberRow(trx, memberId, { dialect: ctx.dialect, forUpdate: true });
    if (!current || current.deletedAt !== null) throw appError(Errors.MEMBER_NOT_FOUND);
    const now = ctx.clock.now();
    const changes = { status: 'deleted', deletedAt: now, updatedAt: now, version: current.version + 1 };
    if (!(await updateMemberRow(trx, memberId, current.version, changes)))
      throw appError(Errors.MEMBER_VERSION_CONFLICT);
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'member.delete',
      targetType: 'member',
      targetId: memberId,
      details: { fields: ['status', 'deletedAt'] },
    });
    return { ...current, ...changes };
  });
  return toMemberDto(ctx, row);
}
