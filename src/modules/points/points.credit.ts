import type { Database } from '../../db/database.ts';
import { applyChange, type BalanceChange, type Balances, creditPayingDebt } from './points.account.ts';
import { insertLot, type LotPiece, takeFromLots } from './points.lots.ts';
import { type EntryDraft, insertEntry } from './points.posting.ts';
import type { PointsLedgerTable } from './points.table.ts';
import type { LedgerKind, PointsSource } from './points.types.ts';

// Crediting and debiting one account inside a transaction that holds its lock. Each returns the
// entry and the balances after it, so several entries can chain before the account is saved.

export interface Posted {
  entry: PointsLedgerTable;
  balances: Balances;
}

export interface CreditArgs {
  kind: Extract<LedgerKind, 'earn' | 'adjust' | 'transfer_in'>;
  memberId: string;
  points: number;
  /** Set → the points wait in `pending` until then (the return window). */
  pendingUntil: number | null;
  expiresAt: number | null;
  source: PointsSource;
  /** What the lot belongs to; refunds find an order's lots by it. */
  lotSource: PointsSource | null;
  reason: string;
  idempotencyKey: string | null;
  requestHash: string | null;
  rule?: { id: string; version: number } | null;
  qualifying?: number;
  at: number;
}

/** Adds a lot and its entry. Available credits pay outstanding debt first; pending ones wait. */
export async function postCredit(db: Database, balances: Balances, args: CreditArgs): Promise<Posted> {
  const pending = args.pendingUntil !== null && args.pendingUntil > args.at;
  const earned = args.kind === 'earn' ? args.points : 0;
  const tierPoints = args.qualifying ?? 0;
  let change: BalanceChange;
  let remaining: number;
  if (pending) {
    change = { pending: args.points, earned, tierPoints };
    remaining = args.points;
  } else {
    const { toDebt, toAvailable } = creditPayingDebt(balances, args.points);
    change = { available: toAvailable, debt: -toDebt, earned, tierPoints };
    remaining = toAvailable;
  }
  const lotId = await insertLot(db, {
    memberId: args.memberId,
    points: args.points,
    remaining,
    state: pending ? 'pending' : 'available',
    pendingUntil: pending ? args.pendingUntil : null,
    expiresAt: args.expiresAt,
    sourceType: args.lotSource?.type ?? null,
    sourceId: args.lotSource?.id ?? null,
    createdAt: args.at,
  });
  const after = applyChange(balances, change);
  const draft: EntryDraft = {
    kind: args.kind,
    memberId: args.memberId,
    change,
    lotId,
    expiresAt: args.expiresAt,
    source: args.source,
    reason: args.reason,
    idempotencyKey: args.idempotencyKey,
    requestHash: args.requestHash,
    rule: args.rule ?? null,
    at: args.at,
  };
  return { entry: await insertEntry(db, draft, after), balances: after };
}

export interface DebitArgs {
  kind: Extract<LedgerKind, 'redeem' | 'adjust' | 'transfer_out'>;
  memberId: string;
  points: number;
  source: PointsSource;
  reason: string;
  idempotencyKey: string | null;
  requestHash: string | null;
  at: number;
}

/**
 * Takes available points, earliest-expiring lots first; the caller has checked the balance
 * covers them. Returns which lots gave how much (a transfer carries their expiry over).
 */
export async function postDebit(
  db: Database,
  balances: Balances,
  args: DebitArgs,
): Promise<Posted & { pieces: LotPiece[] }> {
  const pieces = await takeFromLots(db, args.memberId, args.points);
  const change: BalanceChange = {
    available: -args.points,
    redeemed: args.kind === 'redeem' ? args.points : 0,
  };
  const after = applyChange(balances, change);
  const draft: EntryDraft = {
    kind: args.kind,
    memberId: args.memberId,
    change,
    lotId: null,
    expiresAt: null,
    source: args.source,
    reason: args.reason,
    idempotencyKey: args.idempotencyKey,
    requestHash: args.requestHash,
    at: args.at,
  };
  return { entry: await insertEntry(db, draft, after), balances: after, pieces };
}
