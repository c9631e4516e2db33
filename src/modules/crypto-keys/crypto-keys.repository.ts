import type { Database } from '../../db/database.ts';
import type { DataKeysTable } from './crypto-keys.table.ts';

export async function listDataKeys(db: Database): Promise<DataKeysTable[]> {
  return db.selectFrom('dataKeys').selectAll().orderBy('createdAt').execute();
}

export async function insertDataKey(db: Database, row: DataKeysTable): Promise<void> {
  await db.insertInto('dataKeys').values(row).execute();
}

/** Makes `id` the only active key; the others stay readable until their rows are re-encrypted. */
export async function activateDataKey(db: Database, id: string): Promise<void> {
  await db.updateTable('dataKeys').set({ status: 'retiring' }).where('status', '=', 'active').execute();
  await db.updateTable('dataKeys').set({ status: 'active' }).where('id', '=', id).execute();
}

export async function retireDataKey(db: Database, id: string, at: number): Promise<void> {
  await db.updateTable('dataKeys').set({ status: 'retired', retiredAt: at }).where('id', '=', id).execute();
}
