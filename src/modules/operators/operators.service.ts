import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { AppError, appError, Errors } from '../../errors.ts';
import { signToken } from '../../http/jwt.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import type { OperatorRole } from '../../http/scopes.ts';
import { newId } from '../../lib/ids.ts';
import { hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from '../../lib/password.ts';
import { appendAudit } from '../audit/audit.service.ts';
import {
  assertLoginAllowed,
  type LoginThrottleKeys,
  recordLoginFailure,
  recordLoginSuccess,
} from '../auth/index.ts';
import {
  findOperatorById,
  findOperatorByUsername,
  insertOperator,
  listOperatorsPage,
  lockActiveAdminIds,
  updateOperator,
} from './operators.repository.ts';
import type { OperatorsTable } from './operators.table.ts';
import type {
  CreateOperatorInput,
  OperatorDto,
  OperatorLoginResult,
  UpdateOperatorInput,
} from './operators.types.ts';
import { passwordStamp } from './password-stamp.ts';

/** Who performed an action, as the audit log records it. */
export interface Actor {
  actorType: string;
  actorId: string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function toOperatorDto(row: OperatorsTable): OperatorDto {
  return {
    id: row.id,
    username: row.username,
    role: row.role as OperatorRole,
    disabled: row.disabled === 1,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    lastLoginAt: iso(row.lastLoginAt),
  };
}

function throttleKeys(username: string, ip: string): LoginThrottleKeys {
  return { account: `operator-login:account:${username}`, ip: `operator-login:ip:${ip}` };
}

// Failed attempts are audited with the attempted username (operator names are not member data).
async function auditFailedLogin(
  ctx: AppContext,
  username: string,
  row: OperatorsTable | undefined,
): Promise<void> {
  const reason = !row ? 'unknown_username' : row.disabled ? 'disabled' : 'wrong_password';
  await ctx.db.transaction().execute((trx) =>
    appendAudit(ctx, trx, {
      actorType: 'anonymous',
      actorId: 'anonymous',
      action: 'operator.login_failed',
      targetType: 'operator',
      targetId: row?.id ?? null,
      details: { username, reason },
    }),
  );
}

async function recordSuccessfulLogin(
  ctx: AppContext,
  row: OperatorsTable,
  password: string,
  now: number,
): Promise<void> {
  // Hashes made under older cost settings are upgraded while the password is at hand.
  const rehashed = needsRehash(row.passwordHash, ctx.config.argon2)
    ? await hashPassword(ctx.config.argon2, password).catch(() => undefined)
    : undefined;
  await ctx.db.transaction().execute(async (trx) => {
    await updateOperator(
      trx,
      row.id,
      rehashed ? { lastLoginAt: now, passwordHash: rehashed } : { lastLoginAt: now },
    );
    await appendAudit(ctx, trx, {
      actorType: 'operator',
      actorId: row.id,
      action: 'operator.login',
      targetType: 'operator',
      targetId: row.id,
    });
  });
}

/**
 * Checks an operator's password and issues an operator token. Unknown, disabled and wrong-password
 * attempts all get the same 401 after the same hashing work; every attempt is audited.
 */
export async function loginOperator(
  ctx: AppContext,
  credentials: { username: string; password: string },
  ip: string,
): Promise<OperatorLoginResult> {
  const username = credentials.username.trim().toLowerCase();
  const keys = throttleKeys(username, ip);
  await assertLoginAllowed(ctx, keys);
  const row = await findOperatorByUsername(ctx.db, username);
  const ok =
    row && row.disabled === 0
      ? await verifyPassword(row.passwordHash, credentials.password)
      : await verifyDummyPassword(ctx.config.argon2, credentials.password);
  if (!row || !ok) {
    await recordLoginFailure(ctx, keys);
    await auditFailedLogin(ctx, username, row);
    throw appError(Errors.AUTH_INVALID_CREDENTIALS);
  }
  await recordLoginSuccess(ctx, keys);
  const now = ctx.clock.now();
  await recordSuccessfulLogin(ctx, row, credentials.password, now);
  // The role is not put in the token: every request re-reads it, so changes apply at once.
  // The password stamp is taken after the login, which may have upgraded the hash.
  const current = (await findOperatorById(ctx.db, row.id)) ?? row;
  const ttl = ctx.config.auth.operatorTokenTtlSeconds;
  return {
    token: await signToken(ctx.crypto.operatorJwtKey, 'operator', row.id, ttl, now, {
      pwd: passwordStamp(current.passwordHash),
    }),
    tokenType: 'Bearer',
    expiresIn: ttl,
    operator: { id: row.id, username: row.username, role: row.role as OperatorRole },
  };
}

/** Creates an operator (409 OPERATOR_USERNAME_TAKEN when the name is in use). */
export async function createOperator(
  ctx: AppContext,
  input: CreateOperatorInput,
  actor: Actor,
): Promise<OperatorDto> {
  const passwordHash = await hashPassword(ctx.config.argon2, input.password);
  const now = ctx.clock.now();
  const row: OperatorsTable = {
    id: newId('op'),
    username: input.username,
    passwordHash,
    role: input.role,
    disabled: 0,
    createdAt: now,
    updatedAt: now,
    lastLoginAt: null,
  };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      if (await findOperatorByUsername(trx, input.username)) throw appError(Errors.OPERATOR_USERNAME_TAKEN);
      await insertOperator(trx, row);
      await appendAudit(ctx, trx, {
        ...actor,
        action: 'operator.create',
        targetType: 'operator',
        targetId: row.id,
        details: { username: row.username, role: row.role },
      });
    });
  } catch (error) {
    // A concurrent create of the same name loses on the unique index: report it as taken.
    if (!(error instanceof AppError) && (await findOperatorByUsername(ctx.db, input.username))) {
      throw appError(Errors.OPERATOR_USERNAME_TAKEN);
    }
    throw error;
  }
  return toOperatorDto(row);
}

/** One operator, or 404 OPERATOR_NOT_FOUND. */
export async function getOperator(ctx: AppContext, id: string): Promise<OperatorDto> {
  const row = await findOperatorById(ctx.db, id);
  if (!row) throw appError(Errors.OPERATOR_NOT_FOUND);
  return toOperatorDto(row);
}

/** One operator by username, or 404 OPERATOR_NOT_FOUND. */
export async function getOperatorByUsername(ctx: AppContext, username: string): Promise<OperatorDto> {
  const row = await findOperatorByUsername(ctx.db, username);
  if (!row) throw appError(Errors.OPERATOR_NOT_FOUND, `No operator named ${username}`);
  return toOperatorDto(row);
}

/** One page of operators ordered by username. */
export async function listOperators(
  ctx: AppContext,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ data: OperatorDto[]; nextCursor: string | null }> {
  const after = decodeCursor<[string]>(options.cursor, ['string']);
  const rows = await listOperatorsPage(ctx.db, {
    afterUsername: after?.[0] ?? null,
    limit: options.limit + 1,
  });
  const page = toPage(rows, options.limit, (row) => [row.username]);
  return { data: page.data.map(toOperatorDto), nextCursor: page.nextCursor };
}

/** 409 OPERATOR_LAST_ADMIN when `row` is the last active admin and `next` would end that. */
async function assertAnAdminRemains(
  ctx: AppContext,
  trx: Database,
  row: OperatorsTable,
  next: { role: string; disabled: number },
): Promise<void> {
  const wasActiveAdmin = row.role === 'admin' && row.disabled === 0;
  if (!wasActiveAdmin || (next.role === 'admin' && next.disabled === 0)) return;
  const admins = await lockActiveAdminIds(trx, ctx.dialect);
  if (!admins.some((adminId) => adminId !== row.id)) throw appError(Errors.OPERATOR_LAST_ADMIN);
}

/**
 * Changes role, disabled flag or password. Refuses (409 OPERATOR_LAST_ADMIN) a change that would
 * leave no active admin, since nobody could then manage operators or keys.
 */
export async function updateOperatorById(
  ctx: AppContext,
  id: string,
  patch: UpdateOperatorInput,
  actor: Actor,
): Promise<OperatorDto> {
  const passwordHash =
    patch.password === undefined ? undefined : await hashPassword(ctx.config.argon2, patch.password);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await findOperatorById(trx, id);
    if (!row) throw appError(Errors.OPERATOR_NOT_FOUND);
    const next = {
      role: patch.role ?? row.role,
      disabled: patch.disabled === undefined ? row.disabled : patch.disabled ? 1 : 0,
    };
    await assertAnAdminRemains(ctx, trx, row, next);
    const updated: OperatorsTable = {
      ...row,
      ...next,
      passwordHash: passwordHash ?? row.passwordHash,
      updatedAt: ctx.clock.now(),
    };
    await updateOperator(trx, id, {
      role: updated.role,
      disabled: updated.disabled,
      passwordHash: updated.passwordHash,
      updatedAt: updated.updatedAt,
    });
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'operator.update',
      targetType: 'operator',
      targetId: id,
      details: { changed: Object.keys(patch).sort(), role: updated.role, disabled: updated.disabled === 1 },
    });
    return toOperatorDto(updated);
  });
}
