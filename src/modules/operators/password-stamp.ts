import { createHash } from 'node:crypto';

/**
 * A short fingerprint of the operator's current password hash, carried in the operator token.
 * A password change (or reset) changes the hash, so tokens issued before it stop verifying —
 * a stolen dashboard session ends when the password is changed.
 */
export function passwordStamp(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16);
}
