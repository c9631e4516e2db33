import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { applyChange, type Balances, lockAccount, saveAccount } from './points.account.ts';
import { postCredit } from './points.credit.ts';
import { findOrderLots, takeFromLots, updateLot } from './points.lots.ts';
import { type EntryDraft, findReplay, insertEntry, requestHash, toLedgerDto } from './points.posting.ts';
import type { PointsLotsTable } from './points.table.ts';
import type { EventAward, LedgerEntryDto, OrderRefund } from './points.types.ts';

// Points from behaviour events (the earning rules decide the lines) and their reversal when an
// order is refunded. Both run inside the caller's transaction — the one storing the event — so an
// event is stored if and only if its points are.

const keyOf = (eventId: string, ruleId: string | null) => `event:${eventId}:${ruleId ?? 'base'}`;

/** Credits each line as its own lot and entry; a second call for the same event changes nothing. */
export async function awardEventPoints(
  ctx: AppContext,
  trx: Database,
  award: EventAward,
): Promise<LedgerEntryDto[]> {
  const lines = award.lines.filter((line) => line.points > 0);
  if (lines.length === 0) return [];
  const keys = lines.map((line) => keyOf(award.eventId, line.ruleId));
  const earlier = await trx
    .selectFrom('pointsLedger')
    .selectAll()
    .where('memberId', '=', award.memberId)
    .where('idempotencyKey', 'in', keys)
    .execute();
  // Lines are written together, so one stored line means the award was made.
  if (earlier.length > 0) return earlier.map(toLedgerDto);

  const now = ctx.clock.now();
  const before = await lockAccount(trx, ctx.dialect, award.memberId, now);
  let balances = before;
  const entries: LedgerEntryDto[] = [];
  const lotSource = award.orderId
    ? { type: 'order', id: award.orderId }
    : { type: 'event', id: award.eventId };
  for (const [index, line] of lines.entries()) {
    const posted = await postCredit(trx, balances, {
      kind: 'earn',
      memberId: award.memberId,
      points: line.points,
      pendingUntil: award.pendingUntil,
      expiresAt: award.expiresAt,
      source: { type: 'event', id: award.eventId },
      lotSource,
      reason: line.reason,
      idempotencyKey: keys[index] as string,
      requestHash: requestHash({ ...line, eventId: award.eventId }),
      rule: line.ruleId === null ? null : { id: line.ruleId, version: line.ruleVersion ?? 0 },
      qualifying: line.qualifying,
      at: award.at,
    });
    balances = posted.balances;
    entries.push(toLedgerDto(posted.entry));
  }
  await saveAccount(trx, award.memberId, before, balances, now);
  if (award.orderId && award.amount !== null) {
    const total = lines.reduce((sum, line) => sum + line.points, 0);
    await recordOrderAward(trx, award.memberId, award.orderId, award.amount, total, now);
  }
  return entries;
}

async function recordOrderAward(
  trx: Database,
  memberId: string,
  orderId: string,
  paid: number,
  points: number,
  now: number,
): Promise<void> {
  await trx
    .insertInto('pointsOrders')
    .values({
      memberId,
      orderId,
      paidAmount: paid,
      refundedAmount: 0,
      pointsAwarded: points,
      pointsReversed: 0,
      updatedAt: now,
    })
    .onConflict((oc) =>
      oc.columns(['memberId', 'orderId']).doUpdateSet((eb) => ({
        paidAmount: eb('pointsOrders.paidAmount', '+', paid),
        pointsAwarded: eb('pointsOrders.pointsAwarded', '+', points),
        updatedAt: now,
      })),
    )
    .execute();
}

/** How a reversal splits over one lot: what is still there, what expired, what was spent. */
interface LotShare {
  lot: PointsLotsTable;
  take: number;
  fromRemaining: number;
  fromExpired: number;
}

function shareOut(lots: PointsLotsTable[], points: number): LotShare[] {
  const shares: LotShare[] = [];
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(left, Number(lot.points) - Number(lot.reversed));
    if (take <= 0) continue;
    const fromRemaining = Math.min(take, Number(lot.remaining));
    const fromExpired = Math.min(take - fromRemaining, Number(lot.expired));
    shares.push({ lot, take, fromRemaining, fromExpired });
    left -= take;
  }
  return shares;
}

async function qualifyingAwarded(trx: Database, memberId: string, orderId: string): Promise<number> {
  const row = await trx
    .selectFrom('pointsLedger')
    .innerJoin('pointsLots', 'pointsLots.id', 'pointsLedger.lotId')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('pointsLedger.qualifying'), eb.lit(0)).as('total'))
    .where('pointsLedger.memberId', '=', memberId)
    .where('pointsLedger.kind', '=', 'earn')
    .where('pointsLots.sourceType', '=', 'order')
    .where('pointsLots.sourceId', '=', orderId)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/**
 * Takes back an order's points in proportion to what was refunded, once per refund event. Points
 * still in the order's lots (pending or available) go first; points that expired meanwhile are
 * gone already and cost nothing more; points that were spent come out of the rest of the balance,
 * and what the balance cannot cover becomes a debt that later credits pay first.
 */
export async function reverseOrderPoints(
  ctx: AppContext,
  trx: Database,
  refund: OrderRefund,
): Promise<LedgerEntryDto[]> {
  const key = `refund:${refund.eventId}`;
  // Without `at`: a refund replayed by a backfill (dated at the event) is the same request.
  const { at: _at, ...asked } = refund;
  const hash = requestHash({ op: 'refund', ...asked });
  const previous = await findReplay(trx, refund.memberId, key, hash);
  if (previous) return [toLedgerDto(previous)];
  // Lock first: two refunds of one order at once must not both start from the same totals.
  const now = ctx.clock.now();
  const before = await lockAccount(trx, ctx.dialect, refund.memberId, now);
  const order = await trx
    .selectFrom('pointsOrders')
    .selectAll()
    .where('memberId', '=', refund.memberId)
    .where('orderId', '=', refund.orderId)
    .executeTakeFirst();
  if (!order || Number(order.pointsAwarded) === 0 || Number(order.paidAmount) <= 0) return [];

  const [paid, awarded, reversedBefore] = [
    Number(order.paidAmount),
    Number(order.pointsAwarded),
    Number(order.pointsReversed),
  ];
  const refunded = Math.min(paid, Number(order.refundedAmount) + refund.refundAmount);
  const target = Math.round((awarded * refunded) / paid);
  // Zero when rounding leaves nothing to take back (or more was refunded than paid); the entry is
  // still written, so a retry or a replay of this refund event finds it and counts nothing twice.
  const points = Math.max(0, target - reversedBefore);
  await trx
    .updateTable('pointsOrders')
    .set({ refundedAmount: refunded, pointsReversed: Math.max(target, reversedBefore), updatedAt: now })
    .where('memberId', '=', refund.memberId)
    .where('orderId', '=', refund.orderId)
    .execute();
  const qualifying = points === 0 ? 0 : await qualifyingAwarded(trx, refund.memberId, refund.orderId);
  const qualifyingBack =
    points === 0
      ? 0
      : Math.round((qualifying * target) / awarded) - Math.round((qualifying * reversedBefore) / awarded);
  const shares = shareOut(await findOrderLots(trx, refund.memberId, refund.orderId), points);
  let fromAvailable = 0;
  let fromPending = 0;
  let spent = 0;
  for (const share of shares) {
    const lot = share.lot;
    if (lot.state === 'pending') fromPending += share.fromRemaining;
    else fromAvailable += share.fromRemaining;
    spent += share.take - share.fromRemaining - share.fromExpired;
    await updateLot(trx, lot.id, {
      remaining: Number(lot.remaining) - share.fromRemaining,
      expired: Number(lot.expired) - share.fromExpired,
      reversed: Number(lot.reversed) + share.take,
    });
  }
  const clawed = Math.min(spent, before.available - fromAvailable);
  if (clawed > 0) await takeFromLots(trx, refund.memberId, clawed);
  const change = {
    available: -(fromAvailable + clawed),
    pending: -fromPending,
    debt: spent - clawed,
    tierPoints: -qualifyingBack,
  };
  const after: Balances = applyChange(before, change);
  const draft: EntryDraft = {
    kind: 'reverse',
    memberId: refund.memberId,
    change,
    lotId: shares.length === 1 ? (shares[0] as LotShare).lot.id : null,
    expiresAt: null,
    source: { type: 'order', id: refund.orderId },
    reason: `refund of order ${refund.orderId}`,
    idempotencyKey: key,
    requestHash: hash,
    at: refund.at,
  };
  const entry = await insertEntry(trx, draft, after);
  await saveAccount(trx, refund.memberId, before, after, now);
  return [toLedgerDto(entry)];
}
