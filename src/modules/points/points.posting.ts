import { createHash } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { canonicalJson } from '../../lib/json.ts';
import type { BalanceChange, Balances } from './points.account.ts';
import type { PointsLedgerTable } from './points.table.ts';
import type { LedgerEntryDto, LedgerKind, PointsSource } from './points.types.ts';

// The pieces every ledger change shares: idempotency, the entry row and its API shape.

/** The stored entry as the API shows it; a retry rebuilds the same body from the same row. */
export function toLedgerDto(row: PointsLedgerTable): LedgerEntryDto {
  return {
    id: row.id,
    memberId: row.memberId,
    kind: row.kind as LedgerKind,
    points: Number(row.points),
    pendingDelta: Number(row.pendingDelta),
    debtDelta: Number(row.debtDelta),
    qualifying: Number(row.qualifying),
    lotId: row.lotId,
    expiresAt: row.expiresAt === null ? null : new Date(Number(row.expiresAt)).toISOString(),
    source: { type: row.sourceType, id: row.sourceId },
    rule: row.ruleId === null ? null : { id: row.ruleId, version: Number(row.ruleVersion) },
    reason: row.reason,
    balanceAfter: Number(row.balanceAfter),
    createdAt: new Date(Number(row.createdAt)).toISOString(),
  };
}

/** Fingerprint of a request, so a key reused for a different request is caught. */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

/** The member's ledger entry posted under an idempotency key, if any. */
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

/** The entry an earlier try with this key wrote, or undefined; the same key for another request is 409. */
export async function findReplay(
  db: Database,
  memberId: string,
  idempotencyKey: string,
  hash: string,
): Promise<PointsLedgerTable | undefined> {
  const previous = await findLedgerByKey(db, memberId, idempotencyKey);
  if (previous && previous.requestHash !== hash) throw appError(Errors.REQUEST_IDEMPOTENCY_CONFLICT);
  return previous;
}

export interface EntryDraft {
  kind: LedgerKind;
  memberId: string;
  change: BalanceChange;
  lotId: string | null;
  expiresAt: number | null;
  source: PointsSource;
  reason: string;
  idempotencyKey: string | null;
  requestHash: string | null;
  rule?: { id: string; version: number } | null;
  at: number;
}

/** Missing and -0 (from negating a zero) are stored as 0. */
const orZero = (n: number | undefined): number => (n ? n : 0);

/** Appends one entry; `after` is the account once this entry is applied. */
export async function insertEntry(
  db: Database,
  draft: EntryDraft,
  after: Balances,
): Promise<PointsLedgerTable> {
  const row: PointsLedgerTable = {
    id: newId('led'),
    memberId: draft.memberId,
    kind: draft.kind,
    points: orZero(draft.change.available),
    pendingDelta: orZero(draft.change.pending),
    debtDelta: orZero(draft.change.debt),
    qualifying: orZero(draft.change.tierPoints),
    ruleId: draft.rule?.id ?? null,
    ruleVersion: draft.rule?.version ?? null,
    lotId: draft.lotId,
    expiresAt: draft.expiresAt,
    sourceType: draft.source.type,
    sourceId: draft.source.id,
    reason: draft.reason,
    idempotencyKey: draft.idempotencyKey,
    requestHash: draft.requestHash,
    balanceAfter: after.available,
    createdAt: draft.at,
  };
  await db.insertInto('pointsLedger').values(row).execute();
  return row;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}

/**
 * Runs `work` in its own transaction. Two first tries with the same key can race past the key
 * check; the loser hits the unique index, and its one rerun finds the winner's entry.
 */
export async function inOwnTransaction<T>(ctx: AppContext, work: (trx: Database) => Promise<T>): Promise<T> {
  const run = () => ctx.db.transaction().execute(work);
  try {
    return await run();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return run();
  }
}
