import type { Database } from '../../db/database.ts';
import type { OperatorsTable } from './operators.table.ts';

export async function insertOperator(db: Database, row: OperatorsTable): Promise<void> {
  await db.insertInto('operators').values(row).execute();
}

export async function findOperatorById(db: Database, id: string): Promise<OperatorsTable | undefined> {
  return db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOperatorByUsername(db: Database, username: string): Promise<OperatorsTable | undefined> {
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
