import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface MasterKeyResult {
  key: Buffer;
  /** Where the key came from, for the start-up log. */
  source: 'config' | 'file' | 'generated';
  path?: string;
}

/** Parses 32 bytes given as 64 hex digits or base64; throws on anything else. */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('MEMBRAIN_MASTER_KEY must be 32 bytes (64 hex digits or base64)');
  return key;
}

/**
 * The master key from config, else from `<dataDir>/master.key`, else a new one written there.
 * A generated key lives beside the data it protects, which is fine for a demo and wrong for
 * production: the caller logs a loud warning.
 */
export function loadOrCreateMasterKey(configured: string | undefined, dataDir: string): MasterKeyResult {
  if (configured) return { key: parseMasterKey(configured), source: 'config' };
  const path = resolve(join(dataDir, 'master.key'));
  if (existsSync(path)) return { key: parseMasterKey(readFileSync(path, 'utf8')), source: 'file', path };
  mkdirSync(resolve(dataDir), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source: 'generated', path };
}
