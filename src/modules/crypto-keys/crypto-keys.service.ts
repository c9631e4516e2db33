import { randomBytes } from 'node:crypto';
import { open, seal } from '../../crypto/aes-gcm.ts';
import type { DataKey } from '../../crypto/pii-cipher.ts';
import type { Database } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import { activateDataKey, insertDataKey, listDataKeys } from './crypto-keys.repository.ts';

function wrap(wrapKey: Buffer, id: string, key: Buffer): string {
  const parts = seal(wrapKey, key, `data-key:${id}`);
  return `${parts.iv}.${parts.tag}.${parts.data}`;
}

function unwrap(wrapKey: Buffer, id: string, wrapped: string): Buffer {
  const [iv, tag, data] = wrapped.split('.') as [string, string, string];
  return open(wrapKey, { iv, tag, data }, `data-key:${id}`);
}

/** Every data key, unwrapped with the master key's wrap subkey; fails loudly on a wrong master key. */
export async function loadDataKeys(db: Database, wrapKey: Buffer): Promise<DataKey[]> {
  const rows = await listDataKeys(db);
  return rows.map((row) => {
    try {
      return { id: row.id, key: unwrap(wrapKey, row.id, row.wrappedKey), active: row.status === 'active' };
    } catch {
      throw new Error(
        `data key ${row.id} does not open with this master key: MEMBRAIN_MASTER_KEY (or data/master.key) is not the one this database was created with`,
      );
    }
  });
}

/** Creates a new data key and makes it the one new writes use. Returns its id. */
export async function createActiveDataKey(db: Database, wrapKey: Buffer, now: number): Promise<string> {
  const id = newId('dk');
  await db.transaction().execute(async (trx) => {
    await insertDataKey(trx, {
      id,
      wrappedKey: wrap(wrapKey, id, randomBytes(32)),
      status: 'new',
      createdAt: now,
      retiredAt: null,
    });
    await activateDataKey(trx, id);
  });
  return id;
}

/** On a new database: the first data key. */
export async function ensureDataKey(db: Database, wrapKey: Buffer, now: number): Promise<void> {
  const keys = await listDataKeys(db);
  if (!keys.some((k) => k.status === 'active')) await createActiveDataKey(db, wrapKey, now);
}
