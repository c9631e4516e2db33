import type { Database } from '../../db/database.ts';
import type { OperatorsTable } from './operators.table.ts';

export async function insertOperator(db: Database, row: OperatorsTable): Promise<void> {
  await db.insertInto('operators').values(row).execute();
}

export async function findOperatorById(db: Database, id: string): Promise<OperatorsTable | undefined> {
  return db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOperatorByUsername(
  db: Database,
  username: string,
): Promise<OperatorsTable | undefined> {
  return db.selectFrom('operators').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function listOperators(db: Database): Promise<OperatorsTable[]> {
  return db.selectFrom('operators').selectAll().orderBy('username').execute();
}

export async function countActiveAdmins(db: Database): Promise<number> {
  const row = await db
    .selectFrom('operators')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateOperator(
  db: Database,
  id: string,
  changes: Partial<Pick<OperatorsTable, 'role' | 'disabled' | 'passwordHash' | 'lastLoginAt' | 'updatedAt'>>,
): Promise<void> {
  await db.updateTable('operators').set(changes).where('id', '=', id).execute();
}

/** One page of operators by username, after `afterUsername` when given. */
export async function listOperatorsPage(
  db: Database,
  options: { afterUsername: string | null; limit: number },
): Promise<OperatorsTable[]> {
  let query = db.selectFrom('operators').selectAll().orderBy('username').limit(options.limit);
  if (options.afterUsername !== null) query = query.where('username', '>', options.afterUsername);
  return query.execute();
}

export async function countOperators(db: Database): Promise<number> {
  const row = await db
    .selectFrom('operators')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Ids of the active admins, row-locked until the transaction ends on PostgreSQL, so two
 * concurrent demotions cannot both see "another admin remains" (SQLite serialises writers).
 */
export async function lockActiveAdminIds(db: Database, dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const query = db.selectFrom('operators').select('id').where('role', '=', 'admin').where('disabled', '=', 0);
  const rows = dialect === 'postgres' ? await query.forUpdate().execute() : await query.execute();
  return rows.map((r) => r.id);
}
