import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { appError, Errors } from '../errors.ts';
import { hashApiKeySecret } from '../modules/apikeys/apikey-secret.ts';
import { findApiKeyByHash, touchApiKey } from '../modules/apikeys/apikeys.repository.ts';
import { findOperatorById } from '../modules/operators/operators.repository.ts';
import { passwordStamp } from '../modules/operators/password-stamp.ts';
import { verifyToken } from './jwt.ts';
import type { Principal } from './principal.ts';
import { isScope, OPERATOR_ROLES, type OperatorRole, ROLE_SCOPES, SCOPES, type Scope } from './scopes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook; null when no Authorization header was sent. */
    principal: Principal | null;
  }
}

const TOUCH_INTERVAL_MS = 60_000;

/**
 * Turns an Authorization header into a Principal. No header gives null (routes decide whether
 * that is allowed); a header that does not verify is 401 at once, never silently anonymous.
 */
export function createAuthenticator(ctx: AppContext) {
  const lastTouched = new Map<string, number>();
  const bootstrapKey = ctx.config.bootstrap.apiKey ? Buffer.from(ctx.config.bootstrap.apiKey) : null;

  async function fromApiKey(secret: string): Promise<Principal> {
    if (
      bootstrapKey &&
      secret.length === bootstrapKey.length &&
      timingSafeEqual(Buffer.from(secret), bootstrapKey)
    ) {
      return { kind: 'apikey', id: 'bootstrap', name: 'MEMBRAIN_API_KEY', scopes: new Set(SCOPES) };
    }
    const row = await findApiKeyByHash(ctx.db, hashApiKeySecret(secret));
    if (!row || row.revokedAt !== null)
      throw appError(Errors.AUTH_INVALID_TOKEN, 'The API key is unknown or revoked');
    const now = ctx.clock.now();
    // Recording last use on every request would turn reads into writes; once a minute is enough.
    if (now - (lastTouched.get(row.id) ?? 0) > TOUCH_INTERVAL_MS) {
      lastTouched.set(row.id, now);
      await touchApiKey(ctx.db, row.id, now);
    }
    const scopes = (JSON.parse(row.scopes) as string[]).filter(isScope);
    return { kind: 'apikey', id: row.id, name: row.name, scopes: new Set(scopes) };
  }

  async function fromToken(token: string): Promise<Principal> {
    const now = ctx.clock.now();
    const member = await verifyToken(ctx.crypto.memberJwtKey, 'member', token, now);
    if (member) return { kind: 'member', memberId: member.sub };
    const operatorToken = await verifyToken(ctx.crypto.operatorJwtKey, 'operator', token, now);
    if (!operatorToken) throw appError(Errors.AUTH_INVALID_TOKEN);
    // Re-read the operator so a disabled account or a changed role takes effect at once.
    const operator = await findOperatorById(ctx.db, operatorToken.sub);
    if (!operator || operator.disabled) throw appError(Errors.AUTH_INVALID_TOKEN, 'The operator is disabled');
    if (operatorToken.claims.pwd !== passwordStamp(operator.passwordHash)) {
      throw appError(Errors.AUTH_INVALID_TOKEN, 'The password was changed; sign in again');
    }
    const role = operator.role as OperatorRole;
    if (!OPERATOR_ROLES.includes(role)) throw appError(Errors.AUTH_INVALID_TOKEN);
    return {
      kind: 'operator',
      id: operator.id,
      username: operator.username,
      role,
      scopes: new Set(ROLE_SCOPES[role]),
    };
  }

  return async function authenticate(header: string | undefined): Promise<Principal | null> {
    if (header === undefined || header === '') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw appError(Errors.AUTH_INVALID_TOKEN, 'Authorization must be "Bearer <token>"');
    const credential = match[1] as string;
    if (credential.startsWith('mk_') || (bootstrapKey && !credential.includes('.')))
      return fromApiKey(credential);
    return fromToken(credential);
  };
}

/** The caller must be an API key or operator holding `scope`; members are refused. */
export function requireScope(request: FastifyRequest, scope: Scope): Exclude<Principal, { kind: 'member' }> {
  const principal = request.principal;
  if (!principal) throw appError(Errors.AUTH_REQUIRED);
  if (principal.kind === 'member' || !principal.scopes.has(scope)) {
    throw appError(Errors.AUTH_FORBIDDEN, `This action needs the ${scope} scope`);
  }
  return principal;
}

/** The caller must be a signed-in member; returns their id. */
export function requireMember(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal) throw appError(Errors.AUTH_REQUIRED);
  if (principal.kind !== 'member') throw appError(Errors.AUTH_FORBIDDEN, 'This route is for members');
  return principal.memberId;
}

/**
 * Access to one member's data: an API key or operator with `scope`, or that member themself.
 * Another member's token gets 404, not 403, so ids cannot be probed.
 */
export function requireMemberAccess(request: FastifyRequest, memberId: string, scope: Scope): Principal {
  const principal = request.principal;
  if (!principal) throw appError(Errors.AUTH_REQUIRED);
  if (principal.kind === 'member') {
    if (principal.memberId !== memberId || !scope.endsWith(':read')) throw appError(Errors.MEMBER_NOT_FOUND);
    return principal;
  }
  return requireScope(request, scope);
}
