/** A member's points balances; the summary of their ledger, updated in the same transaction. */
export interface PointsAccountsTable {
  memberId: string;
  available: number;
  pending: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  debt: number;
  /** Tier-qualifying points over the member's lifetime (windows are summed from the ledger). */
  tierPoints: number;
  version: number;
  updatedAt: number;
}

/**
 * One append-only ledger entry. `points` is the signed change of the available balance (redeem
 * and expire are negative), `pendingDelta` and `debtDelta` those of the other two balances, so
 * each balance is the sum of its column.
 */
export interface PointsLedgerTable {
  id: string;
  memberId: string;
  kind: string;
  points: number;
  pendingDelta: number;
  debtDelta: number;
  /** Tier-qualifying points this entry adds (negative when a refund takes them back). */
  qualifying: number;
  ruleId: string | null;
  ruleVersion: number | null;
  lotId: string | null;
  expiresAt: number | null;
  sourceType: string;
  sourceId: string | null;
  reason: string;
  idempotencyKey: string | null;
  requestHash: string | null;
  balanceAfter: number;
  createdAt: number;
}

/**
 * What one credit added and has left; redeem uses earliest-expiring first. A lot is `pending`
 * until its return window ends, then `available`. `points = remaining + expired + reversed +
 * spent`, so a refund knows how much of its lot was already spent.
 */
export interface PointsLotsTable {
  id: string;
  memberId: string;
  points: number;
  remaining: number;
  expiresAt: number | null;
  createdAt: number;
  state: 'pending' | 'available';
  pendingUntil: number | null;
  sourceType: string | null;
  sourceId: string | null;
  expired: number;
  reversed: number;
}

/** Per order: what it paid, what was refunded, what it earned and what was taken back. */
export interface PointsOrdersTable {
  memberId: string;
  orderId: string;
  paidAmount: number;
  refundedAmount: number;
  pointsAwarded: number;
  pointsReversed: number;
  updatedAt: number;
}
