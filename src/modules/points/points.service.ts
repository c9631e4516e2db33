import { createHash } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { newId } from '../../lib/ids.ts';
import { canonicalJson } from '../../lib/json.ts';
import { appendAudit } from '../audit/audit.service.ts';
import * as repo from './points.repository.ts';
import type { PointsLedgerTable } from './points.table.ts';
import type {
  AccountDifference,
  AdjustInput,
  EarnInput,
  LedgerEntryDto,
  LedgerKind,
  PointsSource,
  PointsSummary,
  RedeemInput,
} from './points.types.ts';

const DAY_MS = 86_400_000;
const EXPIRING_SOON_MS = 30 * DAY_MS;

/** The stored entry as the API shows it; a retry rebuilds the same body from the same row. */
export function toLedgerDto(row: PointsLedgerTable): LedgerEntryDto {
  return {
    id: row.id,
    memberId: row.memberId,
    kind: row.kind as LedgerKind,
    points: Number(row.points),
    lotId: row.lotId,
    expiresAt: row.expiresAt === null ? null : new Date(Number(row.expiresAt)).toISOString(),
    source: { type: row.sourceType, id: row.sourceId },
    reason: row.reason,
    balanceAfter: Number(row.balanceAfter),
    createdAt: new Date(Number(row.createdAt)).toISOString(),
  };
}

interface Change {
  kind: LedgerKind;
  memberId: string;
  points: number;
  reason: string;
  source: PointsSource;
  idempotencyKey: string;
  expiresAt: number | null;
}

function requestHash(change: Change): string {
  return createHash('sha256').update(canonicalJson(change)).digest('hex');
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}

/**
 * Runs one change in its own transaction. Two first tries with the same key can race past the
 * key check; the loser hits the unique index, and its one rerun finds the winner's entry.
 */
async function applyChange(
  ctx: AppContext,
  change: Change,
  after?: (trx: Database, entry: PointsLedgerTable) => Promise<void>,
): Promise<LedgerEntryDto> {
  const run = () => ctx.db.transaction().execute((trx) => applyInTransaction(ctx, trx, change, after));
  try {
    return await run();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return run();
  }
}

/** A credit becomes a new lot (its id returned); a debit drains lots, earliest expiry first. */
async function moveLots(trx: Database, change: Change, now: number): Promise<string | null> {
  if (change.points < 0) {
    await repo.consumeLots(trx, change.memberId, -change.points);
    return null;
  }
  const id = newId('lot');
  await repo.insertLot(trx, {
    id,
    memberId: change.memberId,
    points: change.points,
    remaining: change.points,
    expiresAt: change.expiresAt,
    createdAt: now,
  });
  return id;
}

async function applyInTransaction(
  ctx: AppContext,
  trx: Database,
  change: Change,
  after?: (trx: Database, entry: PointsLedgerTable) => Promise<void>,
): Promise<LedgerEntryDto> {
  const hash = requestHash(change);
  const previous = await repo.findLedgerByKey(trx, change.memberId, change.idempotencyKey);
  if (previous) {
    if (previous.requestHash !== hash) throw appError(Errors.REQUEST_IDEMPOTENCY_CONFLICT);
    return toLedgerDto(previous);
  }
  if (!(await repo.liveMemberExists(trx, change.memberId))) throw appError(Errors.MEMBER_NOT_FOUND);
  const now = ctx.clock.now();
  await repo.ensureAccount(trx, change.memberId, now);
  const balance = await repo.changeAvailable(
    trx,
    change.memberId,
    {
      delta: change.points,
      earned: change.kind === 'earn' ? change.points : 0,
      redeemed: change.kind === 'redeem' ? -change.points : 0,
    },
    now,
  );
  if (balance === null) throw appError(Errors.POINTS_INSUFFICIENT);
  const lotId = await moveLots(trx, change, now);
  const entry: PointsLedgerTable = {
    id: newId('led'),
    memberId: change.memberId,
    kind: change.kind,
    points: change.points,
    lotId,
    expiresAt: change.expiresAt,
    sourceType: change.source.type,
    sourceId: change.source.id,
    reason: change.reason,
    idempotencyKey: change.idempotencyKey,
    requestHash: hash,
    balanceAfter: balance,
    createdAt: now,
  };
  await repo.insertLedgerEntry(trx, entry);
  if (after) await after(trx, entry);
  return toLedgerDto(entry);
}

/** Adds earned points as a new lot; a retry with the same key returns the first entry. */
export async function earnPoints(ctx: AppContext, input: EarnInput): Promise<LedgerEntryDto> {
  return applyChange(ctx, {
    kind: 'earn',
    memberId: input.memberId,
    points: input.points,
    reason: input.reason,
    source: input.source,
    idempotencyKey: input.idempotencyKey,
    expiresAt: input.expiresAt ?? null,
  });
}

/** Spends points, earliest-expiring lots first; 409 POINTS_INSUFFICIENT when short. */
export async function redeemPoints(ctx: AppContext, input: RedeemInput): Promise<LedgerEntryDto> {
  return applyChange(ctx, {
    kind: 'redeem',
    memberId: input.memberId,
    points: -input.points,
    reason: input.reason,
    source: { type: 'redemption', id: null },
    idempotencyKey: input.idempotencyKey,
    expiresAt: null,
  });
}

/** An operator's correction, audited in the same transaction; never below zero. */
export async function adjustPoints(ctx: AppContext, input: AdjustInput): Promise<LedgerEntryDto> {
  const change: Change = {
    kind: 'adjust',
    memberId: input.memberId,
    points: input.points,
    reason: input.reason,
    source: { type: input.actor.actorType, id: input.actor.actorId },
    idempotencyKey: input.idempotencyKey,
    expiresAt: null,
  };
  return applyChange(ctx, change, (trx, entry) =>
    appendAudit(ctx, trx, {
      ...input.actor,
      action: 'points.adjust',
      targetType: 'member',
      targetId: input.memberId,
      details: { ledgerId: entry.id, points: input.points },
    }),
  );
}

/** Balances and what expires in the next 30 days; a member without entries has zeros. */
export async function getPointsSummary(ctx: AppContext, memberId: string): Promise<PointsSummary> {
  if (!(await repo.liveMemberExists(ctx.db, memberId))) throw appError(Errors.MEMBER_NOT_FOUND);
  const account = await repo.findAccount(ctx.db, memberId);
  const now = ctx.clock.now();
  return {
    memberId,
    available: Number(account?.available ?? 0),
    pending: Number(account?.pending ?? 0),
    expiringSoon: await repo.sumExpiring(ctx.db, memberId, now, now + EXPIRING_SOON_MS),
    lifetimeEarned: Number(account?.lifetimeEarned ?? 0),
    lifetimeRedeemed: Number(account?.lifetimeRedeemed ?? 0),
    debt: Number(account?.debt ?? 0),
  };
}

/** Ledger entries newest first, keyset-paginated. */
export async function listPointsLedger(
  ctx: AppContext,
  memberId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ data: LedgerEntryDto[]; nextCursor: string | null }> {
  if (!(await repo.liveMemberExists(ctx.db, memberId))) throw appError(Errors.MEMBER_NOT_FOUND);
  const after = decodeCursor<[number, string]>(query.cursor, ['number', 'string']);
  const rows = await repo.listLedger(ctx.db, memberId, after, query.limit + 1);
  const page = toPage(rows, query.limit, (r) => [Number(r.createdAt), r.id]);
  return { data: page.data.map(toLedgerDto), nextCursor: page.nextCursor };
}

/** Recomputes every account from its ledger and lots; returns each figure that differs. */
export async function verifyPointsAccounts(ctx: AppContext): Promise<AccountDifference[]> {
  const accounts = new Map((await repo.listAccounts(ctx.db)).map((a) => [a.memberId, a]));
  const totals = await repo.ledgerTotals(ctx.db);
  const lots = await repo.lotTotals(ctx.db);
  const differences: AccountDifference[] = [];
  for (const total of totals) {
    const account = accounts.get(total.memberId);
    accounts.delete(total.memberId);
    if (!account) {
      differences.push({ memberId: total.memberId, field: 'account', stored: 0, expected: total.available });
      continue;
    }
    const compare = (field: AccountDifference['field'], stored: number, expected: number) => {
      if (stored !== expected) differences.push({ memberId: total.memberId, field, stored, expected });
    };
    compare('available', Number(account.available), total.available);
    compare('lifetimeEarned', Number(account.lifetimeEarned), total.earned);
    compare('lifetimeRedeemed', Number(account.lifetimeRedeemed), total.redeemed);
    compare('lots', lots.get(total.memberId) ?? 0, total.available);
  }
  for (const account of accounts.values()) {
    if (Number(account.available) !== 0)
      differences.push({
        memberId: account.memberId,
        field: 'available',
        stored: Number(account.available),
        expected: 0,
      });
  }
  return differences;
}
