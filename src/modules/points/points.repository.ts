import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { PointsAccountsTable, PointsLedgerTable, PointsLotsTable } from './points.table.ts';

/** True when the member exists and is not deleted. */
export async function liveMemberExists(db: Database, memberId: string): Promise<boolean> {
  const row = await db
    .selectFrom('members')
    .select('id')
    .where('id', '=', memberId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** Creates the zero account when it is missing; a concurrent creator is not an error. */
export async function ensureAccount(db: Database, memberId: string, now: number): Promise<void> {
  await db
    .insertInto('pointsAccounts')
    .values({
      memberId,
      available: 0,
      pending: 0,
      lifetimeEarned: 0,
      lifetimeRedeemed: 0,
      debt: 0,
      version: 0,
      updatedAt: now,
    })
    .onConflict((oc) => oc.column('memberId').doNothing())
    .execute();
}

export async function findAccount(db: Database, memberId: string): Promise<PointsAccountsTable | undefined> {
  return db.selectFrom('pointsAccounts').selectAll().where('memberId', '=', memberId).executeTakeFirst();
}

/** Every account in member order, for verification. */
export async function listAccounts(db: Database): Promise<PointsAccountsTable[]> {
  return db.selectFrom('pointsAccounts').selectAll().orderBy('memberId').execute();
}

export async function findLedgerByKey(
  db: Database,
  memberId: string,
  idempotencyKey: string,
): Promise<PointsLedgerTable | undefined> {
  return db
    .selectFrom('pointsLedger')
    .selectAll()
    .where('memberId', '=', memberId)
    .where('idempotencyKey', '=', idempotencyKey)
    .executeTakeFirst();
}

/**
 * Adds `delta` to the available balance only when the result stays non-negative. The row lock
 * this update takes (PostgreSQL) or the single writer (SQLite) makes the check and the change
 * one step, so concurrent redeems cannot overspend. Returns the new balance, or null when short.
 */
export async function changeAvailable(
  db: Database,
  memberId: string,
  change: { delta: number; earned: number; redeemed: number },
  now: number,
): Promise<number | null> {
  const row = await db
    .updateTable('pointsAccounts')
    .set((eb) => ({
      available: eb('available', '+', change.delta),
      lifetimeEarned: eb('lifetimeEarned', '+', change.earned),
      lifetimeRedeemed: eb('lifetimeRedeemed', '+', change.redeemed),
      version: eb('version', '+', 1),
      updatedAt: now,
    }))
    .where('memberId', '=', memberId)
    .where('available', '>=', -Math.min(change.delta, 0))
    .returning('available')
    .executeTakeFirst();
  return row === undefined ? null : Number(row.available);
}

export async function insertLedgerEntry(db: Database, row: PointsLedgerTable): Promise<void> {
  await db.insertInto('pointsLedger').values(row).execute();
}

export async function insertLot(db: Database, row: PointsLotsTable): Promise<void> {
  await db.insertInto('pointsLots').values(row).execute();
}

/** Takes `points` from the member's lots, earliest expiry first, never-expiring lots last. */
export async function consumeLots(db: Database, memberId: string, points: number): Promise<void> {
  const lots = await db
    .selectFrom('pointsLots')
    .select(['id', 'remaining'])
    .where('memberId', '=', memberId)
    .where('remaining', '>', 0)
    .orderBy(sql`case when expires_at is null then 1 else 0 end`)
    .orderBy('expiresAt')
    .orderBy('id')
    .execute();
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(left, Number(lot.remaining));
    await db
      .updateTable('pointsLots')
      .set((eb) => ({ remaining: eb('remaining', '-', take) }))
      .where('id', '=', lot.id)
      .execute();
    left -= take;
  }
}

/** Points left in lots expiring in `[from, until)`. */
export async function sumExpiring(
  db: Database,
  memberId: string,
  from: number,
  until: number,
): Promise<number> {
  const row = await db
    .selectFrom('pointsLots')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('remaining'), eb.lit(0)).as('total'))
    .where('memberId', '=', memberId)
    .where('expiresAt', '>=', from)
    .where('expiresAt', '<', until)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** A page of ledger entries, newest first, after the keyset `(createdAt, id)`. */
export async function listLedger(
  db: Database,
  memberId: string,
  after: [number, string] | null,
  limit: number,
): Promise<PointsLedgerTable[]> {
  let query = db.selectFrom('pointsLedger').selectAll().where('memberId', '=', memberId);
  if (after) {
    const [createdAt, id] = after;
    query = query.where((eb) =>
      eb.or([eb('createdAt', '<', createdAt), eb.and([eb('createdAt', '=', createdAt), eb('id', '<', id)])]),
    );
  }
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** What the ledger says each member's account should hold. */
export async function ledgerTotals(
  db: Database,
): Promise<{ memberId: string; available: number; earned: number; redeemed: number }[]> {
  const rows = await db
    .selectFrom('pointsLedger')
    .select((eb) => [
      'memberId',
      eb.fn.sum<number>('points').as('available'),
      eb.fn.sum<number>(sql`case when kind = 'earn' then points else 0 end`).as('earned'),
      eb.fn.sum<number>(sql`case when kind = 'redeem' then -points else 0 end`).as('redeemed'),
    ])
    .groupBy('memberId')
    .execute();
  return rows.map((r) => ({
    memberId: r.memberId,
    available: Number(r.available),
    earned: Number(r.earned),
    redeemed: Number(r.redeemed),
  }));
}

/** Points left in each member's lots. */
export async function lotTotals(db: Database): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('pointsLots')
    .select((eb) => ['memberId', eb.fn.sum<number>('remaining').as('remaining')])
    .groupBy('memberId')
    .execute();
  return new Map(rows.map((r) => [r.memberId, Number(r.remaining)]));
}
