import { monotonicFactory } from 'ulid';
import type { AppContext } from '../../context.ts';
import { blindIndex } from '../../crypto/blind-index.ts';
import { AppError, appError, Errors } from '../../errors.ts';
import { hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from '../../lib/password.ts';
import { appendAudit } from '../audit/index.ts';
import {
  findMemberIdByEmail,
  findMemberIdByPhone,
  getMember,
  type MemberDto,
  updateMember,
  upsertMember,
} from '../members/index.ts';
import {
  findLoginAccount,
  insertCredentials,
  revokeMemberRefreshTokens,
  updateCredentialsHash,
} from './auth.repository.ts';
import { canSignIn, startSession } from './auth.tokens.ts';
import type { AuthTokens, LoginInput, MePatch, RegisterInput } from './auth.types.ts';
import { assertLoginAllowed, recordLoginFailure, recordLoginSuccess } from './login-throttle.ts';

const nextUlid = monotonicFactory();

/** Id for a member who registers without a store id: `mbr_` and a ULID (fits the store id format). */
export function generateMemberId(): string {
  return `mbr_${nextUlid()}`;
}

const memberActor = (memberId: string) => ({ actorType: 'member', actorId: memberId });

async function assertRegistrationAllowed(ctx: AppContext, ip: string): Promise<void> {
  const { max, windowSeconds } = ctx.config.auth.loginPerIp;
  const result = await ctx.rateLimiter.hit(`member-register:ip:${ip}`, max, windowSeconds * 1000);
  if (!result.allowed) {
    throw appError(Errors.AUTH_RATE_LIMITED, undefined, [
      { message: `retry in ${result.retryAfterSeconds} s`, retryAfterSeconds: result.retryAfterSeconds },
    ]);
  }
}

/**
 * Creates a member (through the members service: encryption, uniqueness, audit) with a password,
 * and signs them in. An existing id is 409 AUTH_ACCOUNT_EXISTS, never an overwrite.
 */
export async function registerMember(ctx: AppContext, input: RegisterInput, ip: string): Promise<AuthTokens> {
  await assertRegistrationAllowed(ctx, ip);
  const { memberId, password, ...profile } = input;
  const id = memberId ?? generateMemberId();
  const passwordHash = await hashPassword(ctx.config.argon2, password);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const result = await upsertMember(ctx, trx, { id, ...profile }, memberActor(id));
      if (!result.created) throw appError(Errors.AUTH_ACCOUNT_EXISTS);
      const now = ctx.clock.now();
      await insertCredentials(trx, { memberId: id, passwordHash, createdAt: now, updatedAt: now });
      await appendAudit(ctx, trx, {
        ...memberActor(id),
        action: 'member.register',
        targetType: 'member',
        targetId: id,
        details: { logins: ['email', 'phone'].filter((f) => Boolean(profile[f as 'email' | 'phone'])) },
      });
      return startSession(ctx, trx, id);
    });
  } catch (error) {
    // A deleted id, or one created by a concurrent request, is taken all the same.
    const taken = [Errors.MEMBER_DELETED.code, Errors.MEMBER_VERSION_CONFLICT.code];
    if (error instanceof AppError && taken.includes(error.code)) throw appError(Errors.AUTH_ACCOUNT_EXISTS);
    throw error;
  }
}

function loginKind(login: string): 'email' | 'phone' {
  return login.includes('@') ? 'email' : 'phone';
}

/**
 * Email-or-phone and password to a new session. Unknown logins, deleted or suspended members,
 * members without a password and wrong passwords all get the same 401 after the same hashing work.
 */
export async function loginMember(ctx: AppContext, input: LoginInput, ip: string): Promise<AuthTokens> {
  const kind = loginKind(input.login);
  // The per-account bucket is keyed by the blind index, so rate-limit keys hold no email or phone.
  const keys = {
    account: `member-login:account:${blindIndex(ctx.crypto.blindIndexKey, kind, input.login)}`,
    ip: `member-login:ip:${ip}`,
  };
  await assertLoginAllowed(ctx, keys);
  const memberId =
    kind === 'email'
      ? await findMemberIdByEmail(ctx, input.login)
      : await findMemberIdByPhone(ctx, input.login);
  const account = memberId ? await findLoginAccount(ctx.db, memberId) : undefined;
  const ok = canSignIn(account)
    ? await verifyPassword(account.passwordHash, input.password)
    : await verifyDummyPassword(ctx.config.argon2, input.password);
  if (!ok || !canSignIn(account)) {
    await recordLoginFailure(ctx, keys);
    throw appError(Errors.AUTH_INVALID_CREDENTIALS);
  }
  await recordLoginSuccess(ctx, keys);
  const rehash = needsRehash(account.passwordHash, ctx.config.argon2)
    ? await hashPassword(ctx.config.argon2, input.password).catch(() => null)
    : null;
  return ctx.db.transaction().execute(async (trx) => {
    // Hashes made under older cost settings are upgraded while the password is at hand.
    if (rehash) await updateCredentialsHash(trx, account.memberId, rehash, ctx.clock.now());
    return startSession(ctx, trx, account.memberId);
  });
}

/** Changes the caller's password after checking the current one; every session is revoked. */
export async function changeMemberPassword(
  ctx: AppContext,
  memberId: string,
  input: { currentPassword: string; newPassword: string },
  ip: string,
): Promise<void> {
  const keys = { account: `member-password:account:${memberId}`, ip: `member-password:ip:${ip}` };
  await assertLoginAllowed(ctx, keys);
  const account = await findLoginAccount(ctx.db, memberId);
  const ok = canSignIn(account)
    ? await verifyPassword(account.passwordHash, input.currentPassword)
    : await verifyDummyPassword(ctx.config.argon2, input.currentPassword);
  if (!ok) {
    await recordLoginFailure(ctx, keys);
    throw appError(Errors.AUTH_INVALID_CREDENTIALS, 'The current password is wrong');
  }
  await recordLoginSuccess(ctx, keys);
  const passwordHash = await hashPassword(ctx.config.argon2, input.newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    await updateCredentialsHash(trx, memberId, passwordHash, now);
    const revokedTokens = await revokeMemberRefreshTokens(trx, memberId, now);
    await appendAudit(ctx, trx, {
      ...memberActor(memberId),
      action: 'member.password_change',
      targetType: 'member',
      targetId: memberId,
      details: { revokedTokens },
    });
  });
}

/** The caller's own profile, in full. */
export async function getOwnProfile(ctx: AppContext, memberId: string): Promise<MemberDto> {
  return getMember(ctx, memberId, 'full');
}

/** Changes the caller's own profile through the members service (encrypted, audited as the member). */
export async function updateOwnProfile(
  ctx: AppContext,
  memberId: string,
  patch: MePatch,
): Promise<MemberDto> {
  return updateMember(ctx, memberId, patch, memberActor(memberId));
}
