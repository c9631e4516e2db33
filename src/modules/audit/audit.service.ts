import { createHmac } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import { canonicalJson } from '../../lib/json.ts';
import { insertAuditEntry, lockAuditHead, saveAuditHead } from './audit.repository.ts';
import type { AuditLogTable } from './audit.table.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** What a caller records; `details` names fields and counts, never personal data values. */
export interface AuditInput {
  actorType: string;
  actorId: string;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * The entry's hash: HMAC over the previous hash and every field. Keyed with a subkey of the
 * master key, so someone who can write the database but not read the key cannot re-forge a
 * consistent chain after editing an entry.
 */
export function hashAuditEntry(key: Buffer, entry: Omit<AuditLogTable, 'hash'>): string {
  const { prevHash, ...fields } = entry;
  return createHmac('sha256', key).update(prevHash).update(canonicalJson(fields)).digest('hex');
}

/**
 * Appends one entry inside the caller's transaction (pass the transaction as `db`), so the entry
 * exists exactly when the change it records does. Appends are serialised on the head row.
 */
export async function appendAudit(ctx: AppContext, db: Database, input: AuditInput): Promise<void> {
  const head = await lockAuditHead(db, ctx.dialect);
  const seq = (head?.seq ?? 0) + 1;
  const unsigned = {
    seq,
    id: newId('aud'),
    at: ctx.clock.now(),
    actorType: input.actorType,
    actorId: input.actorId,
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    details: canonicalJson(input.details ?? {}),
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  const hash = hashAuditEntry(ctx.crypto.auditKey, unsigned);
  await insertAuditEntry(db, { ...unsigned, hash });
  await saveAuditHead(db, { id: 1, seq, hash }, head === undefined);
}
