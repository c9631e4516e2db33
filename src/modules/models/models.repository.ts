import type { Database } from '../../db/database.ts';
import type { ModelsTable } from './models.table.ts';

export async function insertModelRow(db: Database, row: ModelsTable): Promise<void> {
  await db.insertInto('models').values(row).execute();
}

/** Marks every active model of `kind` retired (before the new one is inserted). */
export async function retireActiveModels(db: Database, kind: string): Promise<void> {
  await db
    .updateTable('models')
    .set({ state: 'retired' })
    .where('kind', '=', kind)
    .where('state', '=', 'active')
    .execute();
}

export async function findModelRow(db: Database, id: string): Promise<ModelsTable | undefined> {
  return db.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The newest active model of a kind. */
export async function findActiveModelRow(db: Database, kind: string): Promise<ModelsTable | undefined> {
  return db
    .selectFrom('models')
    .selectAll()
    .where('kind', '=', kind)
    .where('state', '=', 'active')
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Every active model of a kind, newest first. */
export async function findActiveModelRows(db: Database, kind: string): Promise<ModelsTable[]> {
  return db
    .selectFrom('models')
    .selectAll()
    .where('kind', '=', kind)
    .where('state', '=', 'active')
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Newest first, keyset on (created_at, id); the artifact is left out. */
export async function listModelRows(
  db: Database,
  kind: string | undefined,
  after: [number, string] | null,
  limit: number,
): Promise<Omit<ModelsTable, 'artifact'>[]> {
  let query = db
    .selectFrom('models')
    .select(['id', 'kind', 'state', 'createdAt', 'dataThrough', 'params', 'metrics', 'jobId'])
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (kind !== undefined) query = query.where('kind', '=', kind);
  if (after !== null) {
    const [createdAt, id] = after;
    query = query.where((eb) =>
      eb.or([eb('createdAt', '<', createdAt), eb.and([eb('createdAt', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.execute();
}
