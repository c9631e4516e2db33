/** A member's points balances; the summary of their ledger, updated in the same transaction. */
export interface PointsAccountsTable {
  memberId: string;
  available: number;
  pending: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  debt: number;
  version: number;
  updatedAt: number;
}

/** One append-only ledger entry; `points` is signed (redeem and expire are negative). */
export interface PointsLedgerTable {
  id: string;
  memberId: string;
  kind: string;
  points: number;
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

/** What one earn (or positive adjust) added and has left; redeem uses earliest-expiring first. */
export interface PointsLotsTable {
  id: string;
  memberId: string;
  points: number;
  remaining: number;
  expiresAt: number | null;
  createdAt: number;
}
