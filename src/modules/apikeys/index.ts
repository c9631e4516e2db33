export { apiKeyPrefix, generateApiKeySecret, hashApiKeySecret } from './apikey-secret.ts';
export { apiKeyRoutes } from './apikeys.routes.ts';
export {
  anyApiKeyExists,
  createApiKey,
  listApiKeys,
  resolveScopes,
  revokeApiKeyById,
} from './apikeys.service.ts';
export type { Actor, ApiKeyDto, CreateApiKeyInput, CreatedApiKey } from './apikeys.types.ts';
