import { hkdfSync } from 'node:crypto';

/** Purposes of keys derived from the master key; each gets an independent 32-byte key. */
export type SubkeyPurpose = 'data-key-wrap' | 'blind-index' | 'audit-chain' | 'member-jwt' | 'operator-jwt';

/** HKDF-SHA256 of the master key for one purpose, so no two uses share a key. */
export function deriveSubkey(masterKey: Buffer, purpose: SubkeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `membrain:${purpose}`, 32));
}
