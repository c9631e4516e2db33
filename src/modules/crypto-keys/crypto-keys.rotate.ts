import type { AppContext } from '../../context.ts';
import { appendAudit } from '../audit/index.ts';
import {
  countMembersNotUnderKey,
  countMembersUnderKey,
  ENCRYPTED_COLUMNS,
  type EncryptedColumn,
  findMembersNotUnderKey,
  type MemberCiphertexts,
  type PiiField,
  piiAad,
  replaceMemberCiphertexts,
} from '../members/index.ts';
import { listDataKeys, retireDataKey } from './crypto-keys.repository.ts';
import { createActiveDataKey } from './crypto-keys.service.ts';

/** Where a rotation stands: rows re-encrypted so far in this pass, out of the pass's count. */
export interface RotateProgress {
  pass: number;
  done: number;
  total: number;
}

export interface RotateDataKeyOptions {
  batchSize?: number;
  /** Give up (without retiring anything) when rows under old keys keep appearing after this many passes. */
  maxPasses?: number;
  /** Called at the start of each pass and after each batch; awaited, so it may do I/O. */
  onProgress?: (progress: RotateProgress) => void | Promise<void>;
  actor?: { actorType: string; actorId: string };
}

export interface RotateDataKeyResult {
  keyId: string;
  reencrypted: number;
  passes: number;
  retired: string[];
}

type Ciphertexts = Partial<Record<EncryptedColumn, string>>;

function prefixOf(keyId: string): string {
  return `v1.${keyId}.`;
}

/** Decrypts every ciphertext of a row not under the active key and seals it again under it. */
async function reencryptRow(ctx: AppContext, row: MemberCiphertexts, prefix: string) {
  const previous: Ciphertexts = {};
  const next: Ciphertexts = {};
  for (const column of ENCRYPTED_COLUMNS) {
    const ciphertext = row[column];
    if (ciphertext === null || ciphertext.startsWith(prefix)) continue;
    const aad = piiAad(row.id, column.slice(0, -'Enc'.length) as PiiField);
    previous[column] = ciphertext;
    next[column] = ctx.crypto.pii.encrypt(await ctx.crypto.pii.decrypt(ciphertext, aad), aad);
  }
  return { id: row.id, previous, next };
}

/** One pass over every row not under the active key, in id order, one short transaction per batch. */
async function reencryptPass(
  ctx: AppContext,
  pass: number,
  batchSize: number,
  onProgress: RotateDataKeyOptions['onProgress'],
) {
  const prefix = prefixOf(ctx.crypto.pii.activeKeyId);
  const total = await countMembersNotUnderKey(ctx.db, prefix);
  let after: string | null = null;
  let done = 0;
  let replaced = 0;
  await onProgress?.({ pass, done, total });
  for (;;) {
    // Decrypt outside the transaction so the write lock is held only for the updates.
    const rows = await findMembersNotUnderKey(ctx.db, prefix, after, batchSize);
    if (rows.length === 0) break;
    const updates = await Promise.all(rows.map((row) => reencryptRow(ctx, row, prefix)));
    replaced += await ctx.db.transaction().execute(async (trx) => {
      let n = 0;
      for (const u of updates) if (await replaceMemberCiphertexts(trx, u.id, u.previous, u.next)) n += 1;
      return n;
    });
    done += rows.length;
    after = rows[rows.length - 1]?.id ?? after;
    await onProgress?.({ pass, done, total: Math.max(total, done) });
  }
  return { found: done, replaced };
}

/**
 * Re-encrypts member rows under the active data key until none is left under an old one.
 * Safe beside running servers: rows changed meanwhile are skipped by the conditional update and
 * picked up by the next pass, as are rows a server still wrote under the old key (a server
 * switches to the new key the first time it reads a row sealed with it).
 */
export async function reencryptMembers(
  ctx: AppContext,
  options: RotateDataKeyOptions = {},
): Promise<{ reencrypted: number; passes: number }> {
  const batchSize = options.batchSize ?? 500;
  const maxPasses = options.maxPasses ?? 10;
  let reencrypted = 0;
  for (let pass = 1; pass <= maxPasses; pass += 1) {
    const { found, replaced } = await reencryptPass(ctx, pass, batchSize, options.onProgress);
    reencrypted += replaced;
    if (found === 0) return { reencrypted, passes: pass };
  }
  throw new Error(
    `rows under an old data key were still appearing after ${maxPasses} passes: a process keeps encrypting with an old key. Restart the servers and run \`membrain keys rotate\` again; no key was retired.`,
  );
}

/**
 * Rotates the data key: a new key becomes active, every member row is re-encrypted under it,
 * then the old keys are marked retired (they stay loadable, so nothing becomes unreadable).
 */
export async function rotateDataKey(
  ctx: AppContext,
  options: RotateDataKeyOptions = {},
): Promise<RotateDataKeyResult> {
  const keyId = await createActiveDataKey(ctx.db, ctx.crypto.wrapKey, ctx.clock.now());
  await ctx.crypto.pii.reload();
  const { reencrypted, passes } = await reencryptMembers(ctx, options);
  const now = ctx.clock.now();
  const retired = (await listDataKeys(ctx.db))
    .filter((k) => k.id !== keyId && k.status !== 'retired')
    .map((k) => k.id);
  await ctx.db.transaction().execute(async (trx) => {
    for (const id of retired) await retireDataKey(trx, id, now);
    await appendAudit(ctx, trx, {
      ...(options.actor ?? { actorType: 'system', actorId: 'keys-rotate' }),
      action: 'datakey.rotate',
      targetType: 'data_key',
      targetId: keyId,
      details: { reencrypted, passes, retired },
    });
  });
  await ctx.crypto.pii.reload();
  return { keyId, reencrypted, passes, retired };
}

/** One data key as `membrain keys status` shows it. */
export interface DataKeyStatus {
  id: string;
  status: string;
  createdAt: string;
  retiredAt: string | null;
  /** Members with at least one field sealed under this key. */
  members: number;
}

/** Every data key with how many members it still encrypts. */
export async function dataKeyStatus(ctx: AppContext): Promise<DataKeyStatus[]> {
  // Keys made in the same millisecond still sort by creation: their ids are ULIDs.
  const keys = (await listDataKeys(ctx.db)).sort(
    (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1),
  );
  return Promise.all(
    keys.map(async (key) => ({
      id: key.id,
      status: key.status,
      createdAt: new Date(key.createdAt).toISOString(),
      retiredAt: key.retiredAt === null ? null : new Date(key.retiredAt).toISOString(),
      members: await countMembersUnderKey(ctx.db, prefixOf(key.id)),
    })),
  );
}
