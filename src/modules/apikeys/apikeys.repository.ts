import type { Database } from '../../db/database.ts';
import type { ApiKeysTable } from './apikeys.table.ts';

export async function insertApiKey(db: Database, row: ApiKeysTable): Promise<void> {
  await db.insertInto('apiKeys').values(row).execute();
}

export async function findApiKeyByHash(db: Database, keyHash: string): Promise<ApiKeysTable | undefined> {
  return db.selectFrom('apiKeys').selectAll().where('keyHash', '=', keyHash).executeTakeFirst();
}

export async function findApiKeyById(db: Database, id: string): Promise<ApiKeysTable | undefined> {
  return db.selectFrom('apiKeys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listApiKeys(db: Database, includeRevoked: boolean): Promise<ApiKeysTable[]> {
  let query = db.selectFrom('apiKeys').selectAll().orderBy('createdAt', 'desc');
  if (!includeRevoked) query = query.where('revokedAt', 'is', null);
  return query.execute();
}

/** Sets revokedAt once; returns false when the key does not exist or was already revoked. */
export async function revokeApiKey(db: Database, id: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('apiKeys')
    .set({ revokedAt: at })
    .where('id', '=', id)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function touchApiKey(db: Database, id: string, at: number): Promise<void> {
  await db.updateTable('apiKeys').set({ lastUsedAt: at }).where('id', '=', id).execute();
}

/** One page of keys, newest first, after the (createdAt, id) cursor when given. */
export async function listApiKeysPage(
  db: Database,
  options: { includeRevoked: boolean; after: [number, string] | null; limit: number },
): Promise<ApiKeysTable[]> {
  let query = db
    .selectFrom('apiKeys')
    .selectAll()
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (!options.includeRevoked) query = query.where('revokedAt', 'is', null);
  const after = options.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('createdAt', '<', after[0]),
        eb.and([eb('createdAt', '=', after[0]), eb('id', '<', after[1])]),
      ]),
    );
  }
  return query.execute();
}

/** How many keys exist, revoked ones included. */
export async function countApiKeys(db: Database): Promise<number> {
  const row = await db
    .selectFrom('apiKeys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
