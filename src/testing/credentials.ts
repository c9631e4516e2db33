import type { AppContext } from '../context.ts';
import { signToken } from '../http/jwt.ts';
import type { OperatorRole, Scope } from '../http/scopes.ts';
import { newId } from '../lib/ids.ts';
import { apiKeyPrefix, generateApiKeySecret, hashApiKeySecret } from '../modules/apikeys/apikey-secret.ts';
import { insertApiKey } from '../modules/apikeys/apikeys.repository.ts';
import { insertOperator } from '../modules/operators/operators.repository.ts';
import { passwordStamp } from '../modules/operators/password-stamp.ts';

/** `{ authorization: 'Bearer …' }` for app.inject(). */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** Inserts an operator with `role` and returns a signed operator token and its id. */
export async function operatorToken(
  ctx: AppContext,
  role: OperatorRole,
): Promise<{ id: string; token: string }> {
  const id = newId('op');
  const now = ctx.clock.now();
  await insertOperator(ctx.db, {
    id,
    username: `${role}-${id.slice(-6).toLowerCase()}`,
    passwordHash: 'not-a-login',
    role,
    disabled: 0,
    createdAt: now,
    updatedAt: now,
    lastLoginAt: null,
  });
  const token = await signToken(ctx.crypto.operatorJwtKey, 'operator', id, 3600, now, {
    pwd: passwordStamp('not-a-login'),
  });
  return { id, token };
}

/** Inserts an API key holding `scopes` and returns its secret. */
export async function apiKeyWithScopes(ctx: AppContext, scopes: Scope[]): Promise<string> {
  const secret = generateApiKeySecret();
  await insertApiKey(ctx.db, {
    id: newId('key'),
    name: `test ${scopes.join(',')}`,
    prefix: apiKeyPrefix(secret),
    keyHash: hashApiKeySecret(secret),
    scopes: JSON.stringify(scopes),
    createdBy: null,
    createdAt: ctx.clock.now(),
    lastUsedAt: null,
    revokedAt: null,
  });
  return secret;
}

/** A member access token, as login would issue it. */
export async function memberToken(ctx: AppContext, memberId: string): Promise<string> {
  return signToken(
    ctx.crypto.memberJwtKey,
    'member',
    memberId,
    ctx.config.auth.accessTokenTtlSeconds,
    ctx.clock.now(),
  );
}
