import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { AppError, Errors } from '../../errors.ts';
import { SCOPES } from '../../http/scopes.ts';
import { anyApiKeyExists, createApiKey } from '../apikeys/index.ts';
import { countOperators } from './operators.repository.ts';
import { createOperator } from './operators.service.ts';

const FIRST_ADMIN = 'admin';
const BOOTSTRAP_ACTOR = { actorType: 'system', actorId: 'bootstrap' };

export interface FirstAdminResult {
  created: boolean;
  username: string;
  /** Only when generated here: print it once, it is stored nowhere in clear. */
  password?: string;
}

/**
 * On a fresh installation (no operator at all), creates the `admin` operator with
 * MEMBRAIN_ADMIN_PASSWORD or a generated 144-bit password, which is returned to be shown once.
 */
export async function ensureFirstAdmin(ctx: AppContext): Promise<FirstAdminResult> {
  if ((await countOperators(ctx.db)) > 0) return { created: false, username: FIRST_ADMIN };
  const configured = ctx.config.bootstrap.adminPassword;
  const password = configured ?? randomBytes(18).toString('base64url');
  try {
    await createOperator(ctx, { username: FIRST_ADMIN, password, role: 'admin' }, BOOTSTRAP_ACTOR);
  } catch (error) {
    // Another process starting at the same moment created it first.
    if (error instanceof AppError && error.code === Errors.OPERATOR_USERNAME_TAKEN.code) {
      return { created: false, username: FIRST_ADMIN };
    }
    throw error;
  }
  ctx.log.info({ username: FIRST_ADMIN }, 'created the first admin operator');
  return configured
    ? { created: true, username: FIRST_ADMIN }
    : { created: true, username: FIRST_ADMIN, password };
}

/**
 * When no API key was ever created and MEMBRAIN_API_KEY is unset, creates a full-scope key named
 * `bootstrap` and returns its secret (to be shown once); otherwise returns null.
 */
export async function ensureBootstrapApiKey(ctx: AppContext): Promise<string | null> {
  if (ctx.config.bootstrap.apiKey || (await anyApiKeyExists(ctx))) return null;
  const created = await createApiKey(ctx, {
    name: 'bootstrap',
    scopes: [...SCOPES],
    createdBy: 'bootstrap',
    actor: BOOTSTRAP_ACTOR,
  });
  ctx.log.info({ apiKeyId: created.id, prefix: created.prefix }, 'created the bootstrap API key');
  return created.key;
}
