import { z } from 'zod';

/** Body of `POST /v1/api-keys`; scopes are checked against SCOPES by the service. */
export const createApiKeyBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.string().min(1).max(64)).min(1).max(64),
});

/** An API key as lists and the dashboard see it: never the secret, never its hash. */
export const apiKeyDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyDto = z.infer<typeof apiKeyDtoSchema>;

/** The reply to a create: the key's fields plus the secret, shown this once. */
export const createdApiKeySchema = apiKeyDtoSchema.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

export const listApiKeysQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
  includeRevoked: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/** Who performed an action, as the audit log records it. */
export interface Actor {
  actorType: string;
  actorId: string;
}

export interface CreateApiKeyInput {
  name: string;
  /** Scope names; `['all']` means every scope. */
  scopes: readonly string[];
  /** Operator id, `cli` or `bootstrap`; stored with the key. */
  createdBy: string;
  /** The audit actor; defaults to `{ actorType: 'system', actorId: createdBy }`. */
  actor?: Actor;
}
