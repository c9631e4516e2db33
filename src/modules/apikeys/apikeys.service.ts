import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { isScope, SCOPES, type Scope } from '../../http/scopes.ts';
import { newId } from '../../lib/ids.ts';
import { parseJsonColumn } from '../../lib/json.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { apiKeyPrefix, generateApiKeySecret, hashApiKeySecret } from './apikey-secret.ts';
import {
  countApiKeys,
  findApiKeyById,
  insertApiKey,
  listApiKeysPage,
  revokeApiKey,
} from './apikeys.repository.ts';
import type { ApiKeysTable } from './apikeys.table.ts';
import type { Actor, ApiKeyDto, CreateApiKeyInput, CreatedApiKey } from './apikeys.types.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function toApiKeyDto(row: ApiKeysTable): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: parseJsonColumn<string[]>(row.scopes, []),
    createdBy: row.createdBy,
    createdAt: new Date(row.createdAt).toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  };
}

/**
 * Checks scope names against SCOPES (`all` expands to every scope), deduplicated in SCOPES order.
 * Unknown names are a 400 that lists them and the valid ones.
 */
export function resolveScopes(requested: readonly string[]): Scope[] {
  if (requested.includes('all')) return [...SCOPES];
  const unknown = requested.filter((s) => !isScope(s));
  if (unknown.length > 0) {
    throw appError(
      Errors.APIKEY_SCOPE_UNKNOWN,
      `Unknown scope(s): ${unknown.join(', ')}. Valid scopes: ${SCOPES.join(', ')} (or all)`,
      unknown.map((scope) => ({
        path: 'scopes',
        message: `unknown scope ${scope}`,
        scope,
        validScopes: [...SCOPES],
      })),
    );
  }
  return SCOPES.filter((s) => requested.includes(s));
}

/**
 * Creates a key and returns its secret once; only the SHA-256 of the secret is stored.
 * @example const { key } = await createApiKey(ctx, { name: 'shop', scopes: ['events:write'], createdBy: 'cli' });
 */
export async function createApiKey(ctx: AppContext, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  const scopes = resolveScopes(input.scopes);
  const secret = generateApiKeySecret();
  const row: ApiKeysTable = {
    id: newId('key'),
    name: input.name,
    prefix: apiKeyPrefix(secret),
    keyHash: hashApiKeySecret(secret),
    scopes: JSON.stringify(scopes),
    createdBy: input.createdBy,
    createdAt: ctx.clock.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  const actor = input.actor ?? { actorType: 'system', actorId: input.createdBy };
  await ctx.db.transaction().execute(async (trx) => {
    await insertApiKey(trx, row);
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'apikey.create',
      targetType: 'apikey',
      targetId: row.id,
      details: { name: row.name, scopes },
    });
  });
  return { ...toApiKeyDto(row), key: secret };
}

/** One page of keys, newest first; revoked keys only when asked for. */
export async function listApiKeys(
  ctx: AppContext,
  options: { limit: number; cursor?: string | undefined; includeRevoked: boolean },
): Promise<{ data: ApiKeyDto[]; nextCursor: string | null }> {
  const after = decodeCursor<[number, string]>(options.cursor, ['number', 'string']);
  const rows = await listApiKeysPage(ctx.db, {
    includeRevoked: options.includeRevoked,
    after,
    limit: options.limit + 1,
  });
  const page = toPage(rows, options.limit, (row) => [row.createdAt, row.id]);
  return { data: page.data.map(toApiKeyDto), nextCursor: page.nextCursor };
}

/** Revokes a key at once (its next request is 401). Idempotent; 404 only when the id is unknown. */
export async function revokeApiKeyById(ctx: AppContext, id: string, actor: Actor): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await findApiKeyById(trx, id))) throw appError(Errors.APIKEY_NOT_FOUND);
    if (!(await revokeApiKey(trx, id, ctx.clock.now()))) return;
    await appendAudit(ctx, trx, { ...actor, action: 'apikey.revoke', targetType: 'apikey', targetId: id });
  });
}

/** Whether any key was ever created (revoked ones count), for first-start bootstrapping. */
export async function anyApiKeyExists(ctx: AppContext): Promise<boolean> {
  return (await countApiKeys(ctx.db)) > 0;
}
