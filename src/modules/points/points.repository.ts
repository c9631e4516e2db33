import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { PointsAccountsTable, PointsLedgerTable } from './points.table.ts';

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

export async function findAccount(db: Database, memberId: string): Promise<PointsAccountsTable | undefined> {
  return db.selectFrom('pointsAccounts').selectAll().where('memberId', '=', memberId).executeTakeFirst();
}

/** Every account in member order, for verification. */
export async function listAccounts(db: Database): Promise<PointsAccountsTable[]> {
  return db.selectFrom('pointsAccounts').selectAll().orderBy('memberId').execute();
}

/** Points left in available lots expiring in `[from, until)`. */
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
    .where('state', '=', 'available')
    .where('expiresAt', '>=', from)
    .where('expiresAt', '<', until)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** Available points per expiry time in `[from, until)`, soonest first. */
export async function expiringByTime(
  db: Database,
  memberId: string,
  from: number,
  until: number,
): Promise<{ expiresAt: number; points: number }[]> {
  const rows = await db
    .selectFrom('pointsLots')
    .select((eb) => ['expiresAt', eb.fn.sum<number>('remaining').as('points')])
    .where('memberId', '=', memberId)
    .where('state', '=', 'available')
    .where('remaining', '>', 0)
    .where('expiresAt', '>=', from)
    .where('expiresAt', '<', until)
    .groupBy('expiresAt')
    .orderBy('expiresAt')
    .execute();
  return rows.map((r) => ({ expiresAt: Number(r.expiresAt), points: Number(r.points) }));
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
export interface LedgerTotals {
  memberId: string;
  available: number;
  pending: number;
  debt: number;
  earned: number;
  redeemed: number;
  tierPoints: number;
}

export async function ledgerTotals(db: Database): Promise<LedgerTotals[]> {
  const rows = await db
    .selectFrom('pointsLedger')
    .select((eb) => [
      'memberId',
      eb.fn.sum<number>('points').as('available'),
      eb.fn.sum<number>('pendingDelta').as('pending'),
      eb.fn.sum<number>('debtDelta').as('debt'),
      // Earned is gross: what went to pending, to available and to paying debt.
      eb.fn
        .sum<number>(sql`case when kind = 'earn' then points + pending_delta - debt_delta else 0 end`)
        .as('earned'),
      eb.fn.sum<number>(sql`case when kind = 'redeem' then -points else 0 end`).as('redeemed'),
      eb.fn.sum<number>('qualifying').as('tierPoints'),
    ])
    .groupBy('memberId')
    .execute();
  return rows.map((r) => ({
    memberId: r.memberId,
    available: Number(r.available),
    pending: Number(r.pending),
    debt: Number(r.debt),
    earned: Number(r.earned),
    redeemed: Number(r.redeemed),
    tierPoints: Number(r.tierPoints),
  }));
}

/** Points left in each member's lots, available and pending apart. */
export async function lotTotals(db: Database): Promise<Map<string, { available: number; pending: number }>> {
  const rows = await db
    .selectFrom('pointsLots')
    .select((eb) => [
      'memberId',
      eb.fn.sum<number>(sql`case when state = 'available' then remaining else 0 end`).as('available'),
      eb.fn.sum<number>(sql`case when state = 'pending' then remaining else 0 end`).as('pending'),
    ])
    .groupBy('memberId')
    .execute();
  return new Map(
    rows.map((r) => [r.memberId, { available: Number(r.available), pending: Number(r.pending) }]),
  );
}

/** Lots whose parts do not add up: remaining, expired and reversed must fit within the points. */
export async function brokenLots(db: Database): Promise<{ id: string; memberId: string }[]> {
  return db
    .selectFrom('pointsLots')
    .select(['id', 'memberId'])
    .where((eb) =>
      eb.or([
        eb('remaining', '<', 0),
        eb('expired', '<', 0),
        eb('reversed', '<', 0),
        eb(sql`remaining + expired + reversed`, '>', eb.ref('points')),
      ]),
    )
    .execute();
}
