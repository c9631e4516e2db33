import { createHmac } from 'node:crypto';

/** Lower-cased, trimmed email: the form both stored and looked up. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Phone with spaces, dashes, dots and brackets removed; a leading + is kept. */
export function normalisePhone(phone: string): string {
  return phone.trim().replace(/[\s\-().]/g, '');
}

/**
 * Keyed hash for equality lookups of encrypted fields. HMAC (not a plain hash) so that a copy of
 * the database cannot be searched by hashing guessed emails or phone numbers.
 */
export function blindIndex(key: Buffer, kind: 'email' | 'phone', value: string): string {
  const normalised = kind === 'email' ? normaliseEmail(value) : normalisePhone(value);
  return createHmac('sha256', key).update(`${kind}:${normalised}`).digest('base64url');
}
