import { createHash, randomBytes } from 'node:crypto';

/** A new API key secret: `mk_` and 32 random bytes, base64url. Shown once, never stored. */
export function generateApiKeySecret(): string {
  return `mk_${randomBytes(32).toString('base64url')}`;
}

/** What is stored and looked up: SHA-256 of the secret (keys are random, so no salt is needed). */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The first characters, enough for an operator to recognise a key in a list. */
export function apiKeyPrefix(secret: string): string {
  return secret.slice(0, 10);
}
