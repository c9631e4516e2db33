import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { signToken } from '../../http/jwt.ts';
import { newId } from '../../lib/ids.ts';
import { appendAudit } from '../audit/index.ts';
import {
  findLoginAccount,
  findRefreshTokenByHash,
  insertRefreshToken,
  type LoginAccount,
  markRefreshTokenUsed,
  revokeRefreshFamily,
} from './auth.repository.ts';
import type { RefreshTokensTable } from './auth.table.ts';
import type { AuthTokens } from './auth.types.ts';

/** Stored instead of the token: a random 256-bit token needs no salt or slow hash. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether this account may hold a session: it exists, is live and active, and has a password. */
export function canSignIn(
  account: LoginAccount | undefined,
): account is LoginAccount & { passwordHash: string } {
  return (
    account !== undefined &&
    account.deletedAt === null &&
    account.status === 'active' &&
    account.passwordHash !== null
  );
}

/**
 * A new access token and a new refresh token in `familyId` (one family per login). Only the
 * refresh token's SHA-256 is stored; pass the caller's transaction as `db`.
 */
export async function issueTokens(
  ctx: AppContext,
  db: Database,
  memberId: string,
  familyId: string,
): Promise<AuthTokens> {
  const now = ctx.clock.now();
  const { accessTokenTtlSeconds, refreshTokenTtlSeconds } = ctx.config.auth;
  const refreshToken = randomBytes(32).toString('base64url');
  await insertRefreshToken(db, {
    id: newId('rt'),
    familyId,
    memberId,
    tokenHash: hashRefreshToken(refreshToken),
    createdAt: now,
    expiresAt: now + refreshTokenTtlSeconds * 1000,
    usedAt: null,
    revokedAt: null,
  });
  return {
    accessToken: await signToken(ctx.crypto.memberJwtKey, 'member', memberId, accessTokenTtlSeconds, now),
    refreshToken,
    tokenType: 'Bearer',
    expiresIn: accessTokenTtlSeconds,
    refreshExpiresIn: refreshTokenTtlSeconds,
    memberId,
  };
}

/** Starts a new session (a new refresh family) for a member who just proved their password. */
export async function startSession(ctx: AppContext, db: Database, memberId: string): Promise<AuthTokens> {
  return issueTokens(ctx, db, memberId, newId('fam'));
}

async function reuseDetected(ctx: AppContext, token: RefreshTokensTable): Promise<never> {
  // Committed on its own before answering: the revocation must survive the error response.
  await ctx.db.transaction().execute(async (trx) => {
    const revoked = await revokeRefreshFamily(trx, token.familyId, ctx.clock.now());
    await appendAudit(ctx, trx, {
      actorType: 'system',
      actorId: 'auth',
      action: 'member.refresh_token_reuse',
      targetType: 'member',
      targetId: token.memberId,
      details: { familyId: token.familyId, revokedTokens: revoked },
    });
  });
  throw appError(Errors.AUTH_REFRESH_TOKEN_REUSED);
}

/**
 * Rotates a refresh token: the presented one is spent and a new one in the same family returned.
 * A token presented a second time means it was copied; the whole family is revoked, so both the
 * thief's and the owner's next refresh fail and the member must sign in again.
 */
export async function rotateRefreshToken(ctx: AppContext, refreshToken: string): Promise<AuthTokens> {
  const now = ctx.clock.now();
  const row = await findRefreshTokenByHash(ctx.db, hashRefreshToken(refreshToken));
  if (!row) throw appError(Errors.AUTH_REFRESH_TOKEN_INVALID);
  if (row.usedAt !== null) return reuseDetected(ctx, row);
  if (row.revokedAt !== null || row.expiresAt <= now) throw appError(Errors.AUTH_REFRESH_TOKEN_INVALID);
  if (!canSignIn(await findLoginAccount(ctx.db, row.memberId))) {
    await revokeRefreshFamily(ctx.db, row.familyId, now);
    throw appError(Errors.AUTH_REFRESH_TOKEN_INVALID);
  }
  const tokens = await ctx.db.transaction().execute(async (trx) => {
    if (!(await markRefreshTokenUsed(trx, row.id, now))) return null;
    return issueTokens(ctx, trx, row.memberId, row.familyId);
  });
  if (tokens) return tokens;
  // Lost the race: a concurrent request spent it (reuse) or a logout revoked it meanwhile.
  const current = await findRefreshTokenByHash(ctx.db, row.tokenHash);
  if (current?.usedAt != null) return reuseDetected(ctx, row);
  throw appError(Errors.AUTH_REFRESH_TOKEN_INVALID);
}

/** Ends the login a refresh token belongs to; unknown tokens are ignored (logout is idempotent). */
export async function revokeSession(ctx: AppContext, refreshToken: string): Promise<void> {
  const row = await findRefreshTokenByHash(ctx.db, hashRefreshToken(refreshToken));
  if (row) await revokeRefreshFamily(ctx.db, row.familyId, ctx.clock.now());
}
