import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { AuditHeadTable, AuditLogTable } from './audit.table.ts';

/** The chain's head, locked for the rest of the transaction on PostgreSQL (SQLite serialises writers). */
export async function lockAuditHead(
  db: Database,
  dialect: 'sqlite' | 'postgres',
): Promise<AuditHeadTable | undefined> {
  const query = db.selectFrom('auditHead').selectAll().where('id', '=', 1);
  return dialect === 'postgres' ? query.forUpdate().executeTakeFirst() : query.executeTakeFirst();
}

export async function saveAuditHead(db: Database, head: AuditHeadTable, isNew: boolean): Promise<void> {
  if (isNew) await db.insertInto('auditHead').values(head).execute();
  else
    await db.updateTable('auditHead').set({ seq: head.seq, hash: head.hash }).where('id', '=', 1).execute();
}

export async function insertAuditEntry(db: Database, entry: AuditLogTable): Promise<void> {
  await db.insertInto('auditLog').values(entry).execute();
}

export interface AuditFilter {
  actorId?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** Entries with seq below this (newest first paging). */
  beforeSeq?: number | undefined;
}

export async function listAuditEntries(
  db: Database,
  filter: AuditFilter,
  limit: number,
): Promise<AuditLogTable[]> {
  let query = db.selectFrom('auditLog').selectAll().orderBy('seq', 'desc').limit(limit);
  if (filter.actorId) query = query.where('actorId', '=', filter.actorId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.targetType) query = query.where('targetType', '=', filter.targetType);
  if (filter.targetId) query = query.where('targetId', '=', filter.targetId);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq);
  return query.execute();
}

/** Entries in chain order from `afterSeq`, a page at a time, for verification. */
export async function readAuditChain(
  db: Database,
  afterSeq: number,
  limit: number,
): Promise<AuditLogTable[]> {
  return db
    .selectFrom('auditLog')
    .selectAll()
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export async function readAuditHead(db: Database): Promise<AuditHeadTable | undefined> {
  return db.selectFrom('auditHead').selectAll().where('id', '=', 1).executeTakeFirst();
}

export async function countAuditEntries(db: Database): Promise<number> {
  const row = await db.selectFrom('auditLog').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
