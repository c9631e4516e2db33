import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { applyChange, type Balances, creditPayingDebt, lockAccount, saveAccount } from './points.account.ts';
import { updateLot } from './points.lots.ts';
import { insertEntry } from './points.posting.ts';
import type { PointsLotsTable } from './points.table.ts';

// The two time-driven moves of the ledger: pending points becoming available when the return
// window ends, and lots expiring. Both work in chunks of due lots, one transaction per chunk, and
// re-read each lot under the account lock, so a chunk run twice changes nothing the second time.

export type LotMove = 'release' | 'expire';

/** A position in the due-lot order: (due time, lot id). */
export type LotCursor = [number, string];

const dueColumn = { release: 'pendingUntil', expire: 'expiresAt' } as const;

function dueLots(db: Database, move: LotMove, asOf: number) {
  const column = dueColumn[move];
  let query = db.selectFrom('pointsLots').where(column, '<=', asOf);
  query =
    move === 'release'
      ? query.where('state', '=', 'pending')
      : query.where('state', '=', 'available').where('remaining', '>', 0).where('expiresAt', 'is not', null);
  return query;
}

/** How many lots are due (the job's total). */
export async function countDueLots(db: Database, move: LotMove, asOf: number): Promise<number> {
  const row = await dueLots(db, move, asOf)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The next due lots after `after`, in due order. */
export async function nextDueLots(
  db: Database,
  move: LotMove,
  asOf: number,
  after: LotCursor | null,
  limit: number,
): Promise<PointsLotsTable[]> {
  const column = dueColumn[move];
  let query = dueLots(db, move, asOf).selectAll();
  if (after) {
    const [due, id] = after;
    query = query.where((eb) =>
      eb.or([eb(column, '>', due), eb.and([eb(column, '=', due), eb('id', '>', id)])]),
    );
  }
  return query.orderBy(column).orderBy('id').limit(limit).execute();
}

async function releaseLot(
  trx: Database,
  balances: Balances,
  lot: PointsLotsTable,
  at: number,
): Promise<Balances> {
  const points = Number(lot.remaining);
  const { toDebt, toAvailable } = creditPayingDebt(balances, points);
  await updateLot(trx, lot.id, { state: 'available', remaining: toAvailable });
  const change = { pending: -points, available: toAvailable, debt: -toDebt };
  const after = applyChange(balances, change);
  await insertEntry(
    trx,
    {
      kind: 'release',
      memberId: lot.memberId,
      change,
      lotId: lot.id,
      expiresAt: lot.expiresAt === null ? null : Number(lot.expiresAt),
      source: { type: 'lot', id: lot.id },
      reason: 'return window ended',
      idempotencyKey: `release:${lot.id}`,
      requestHash: null,
      at,
    },
    after,
  );
  return after;
}

async function expireLot(
  trx: Database,
  balances: Balances,
  lot: PointsLotsTable,
  at: number,
): Promise<Balances> {
  const points = Number(lot.remaining);
  await updateLot(trx, lot.id, { remaining: 0, expired: Number(lot.expired) + points });
  const change = { available: -points };
  const after = applyChange(balances, change);
  await insertEntry(
    trx,
    {
      kind: 'expire',
      memberId: lot.memberId,
      change,
      lotId: lot.id,
      expiresAt: Number(lot.expiresAt),
      source: { type: 'lot', id: lot.id },
      reason: 'points expired',
      idempotencyKey: `expire:${lot.id}`,
      requestHash: null,
      at,
    },
    after,
  );
  return after;
}

/** Whether the lot, read again under the lock, still needs this move. */
function stillDue(lot: PointsLotsTable | undefined, move: LotMove, asOf: number): lot is PointsLotsTable {
  if (!lot) return false;
  if (move === 'release') return lot.state === 'pending' && Number(lot.pendingUntil) <= asOf;
  return lot.state === 'available' && Number(lot.remaining) > 0 && Number(lot.expiresAt) <= asOf;
}

/**
 * Applies `move` to the given lots in one transaction, member by member in id order (the order
 * every multi-account writer locks in). Entries are dated `at` (default now; a backfill passes
 * its own time). Returns how many lots it changed.
 */
export async function moveLots(
  ctx: AppContext,
  move: LotMove,
  lotIds: string[],
  asOf: number,
  at: number = ctx.clock.now(),
): Promise<number> {
  if (lotIds.length === 0) return 0;
  return ctx.db.transaction().execute(async (trx) => {
    const lots = await trx.selectFrom('pointsLots').selectAll().where('id', 'in', lotIds).execute();
    const byMember = new Map<string, PointsLotsTable[]>();
    for (const lot of lots) byMember.set(lot.memberId, [...(byMember.get(lot.memberId) ?? []), lot]);
    const now = ctx.clock.now();
    let changed = 0;
    for (const memberId of [...byMember.keys()].sort()) {
      const before = await lockAccount(trx, ctx.dialect, memberId, now);
      let balances = before;
      const ids = (byMember.get(memberId) ?? []).map((l) => l.id).sort();
      // Re-read under the lock: another runner may have moved these lots meanwhile.
      const fresh = await trx
        .selectFrom('pointsLots')
        .selectAll()
        .where('id', 'in', ids)
        .orderBy('id')
        .execute();
      for (const lot of fresh) {
        if (!stillDue(lot, move, asOf)) continue;
        balances =
          move === 'release'
            ? await releaseLot(trx, balances, lot, at)
            : await expireLot(trx, balances, lot, at);
        changed += 1;
      }
      if (balances !== before) await saveAccount(trx, memberId, before, balances, now);
    }
    return changed;
  });
}

/** Releases, then expires, everything due by `asOf`, dating the entries `at` (for replays of history). */
export async function settleDueLots(
  ctx: AppContext,
  asOf: number,
  at: number,
): Promise<{ released: number; expired: number }> {
  const counts = { release: 0, expire: 0 };
  for (const move of ['release', 'expire'] as const) {
    for (;;) {
      const lots = await nextDueLots(ctx.db, move, asOf, null, 500);
      if (lots.length === 0) break;
      counts[move] += await moveLots(
        ctx,
        move,
        lots.map((l) => l.id),
        asOf,
        at,
      );
    }
  }
  return { released: counts.release, expired: counts.expire };
}
