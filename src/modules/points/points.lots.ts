import type { Database } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import type { PointsLotsTable } from './points.table.ts';

/** Points taken from one lot, with that lot's expiry (a transfer carries it over). */
export interface LotPiece {
  lotId: string;
  expiresAt: number | null;
  points: number;
}

export interface NewLot {
  memberId: string;
  points: number;
  /** What is spendable (or pending) now: less than `points` when part went to pay a debt. */
  remaining: number;
  state: 'pending' | 'available';
  pendingUntil: number | null;
  expiresAt: number | null;
  sourceType: string | null;
  sourceId: string | null;
  createdAt: number;
}

/** Stores a lot and returns its id. */
export async function insertLot(db: Database, lot: NewLot): Promise<string> {
  const id = newId('lot');
  await db
    .insertInto('pointsLots')
    .values({ id, ...lot, expired: 0, reversed: 0 })
    .execute();
  return id;
}

const PAGE = 100;

/** The next spendable lots: those with an expiry by date, or (`dated` false) the never-expiring ones. */
async function spendableLots(db: Database, memberId: string, dated: boolean) {
  const query = db
    .selectFrom('pointsLots')
    .select(['id', 'remaining', 'expiresAt'])
    .where('memberId', '=', memberId)
    .where('state', '=', 'available')
    .where('remaining', '>', 0);
  return dated
    ? query.where('expiresAt', 'is not', null).orderBy('expiresAt').orderBy('id').limit(PAGE).execute()
    : query.where('expiresAt', 'is', null).orderBy('id').limit(PAGE).execute();
}

/**
 * Takes `points` from the member's available lots, earliest expiry first and never-expiring lots
 * last, and says which lots gave how much. Reads a page of lots at a time (drained lots leave the
 * index), so a member with thousands of lots costs no more than one with a few. The caller has
 * checked the balance covers it.
 */
export async function takeFromLots(db: Database, memberId: string, points: number): Promise<LotPiece[]> {
  const pieces: LotPiece[] = [];
  let left = points;
  for (const dated of [true, false]) {
    while (left > 0) {
      const lots = await spendableLots(db, memberId, dated);
      for (const lot of lots) {
        if (left === 0) break;
        const take = Math.min(left, Number(lot.remaining));
        await db
          .updateTable('pointsLots')
          .set((eb) => ({ remaining: eb('remaining', '-', take) }))
          .where('id', '=', lot.id)
          .execute();
        pieces.push({
          lotId: lot.id,
          expiresAt: lot.expiresAt === null ? null : Number(lot.expiresAt),
          points: take,
        });
        left -= take;
      }
      if (lots.length < PAGE) break;
    }
  }
  if (left !== 0) throw new Error('points lots hold less than the account balance');
  return pieces;
}

/** The lots one order earned, oldest first. */
export async function findOrderLots(
  db: Database,
  memberId: string,
  orderId: string,
): Promise<PointsLotsTable[]> {
  return db
    .selectFrom('pointsLots')
    .selectAll()
    .where('memberId', '=', memberId)
    .where('sourceId', '=', orderId)
    .where('sourceType', '=', 'order')
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export async function updateLot(
  db: Database,
  id: string,
  set: Partial<Pick<PointsLotsTable, 'remaining' | 'expired' | 'reversed' | 'state' | 'pendingUntil'>>,
): Promise<void> {
  await db.updateTable('pointsLots').set(set).where('id', '=', id).execute();
}
