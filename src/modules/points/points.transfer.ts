import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import type { TransferSettings } from '../loyalty/programme.settings.ts';
import { type Balances, lockAccount, saveAccount } from './points.account.ts';
import { postCredit, postDebit } from './points.credit.ts';
import { findReplay, inOwnTransaction, requestHash, toLedgerDto } from './points.posting.ts';
import { liveMemberExists } from './points.repository.ts';
import type { PointsLedgerTable } from './points.table.ts';
import type { TransferInput, TransferResult } from './points.types.ts';

const DAY_MS = 86_400_000;

async function sentToday(trx: Database, memberId: string, now: number): Promise<number> {
  const dayStart = now - (now % DAY_MS);
  const row = await trx
    .selectFrom('pointsLedger')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('points'), eb.lit(0)).as('total'))
    .where('memberId', '=', memberId)
    .where('kind', '=', 'transfer_out')
    .where('createdAt', '>=', dayStart)
    .executeTakeFirstOrThrow();
  return -Number(row.total);
}

/** The transfer_in entries of one transfer: its key, then `key#2`, `key#3`, … */
async function receivedEntries(trx: Database, memberId: string, key: string): Promise<PointsLedgerTable[]> {
  const rows = await trx
    .selectFrom('pointsLedger')
    .selectAll()
    .where('memberId', '=', memberId)
    .where('kind', '=', 'transfer_in')
    .where((eb) => eb.or([eb('idempotencyKey', '=', key), eb('idempotencyKey', 'like', `${key}#%`)]))
    .execute();
  // LIKE treats % and _ in a key as wildcards, so keep only this transfer's own keys.
  const pieceOf = (k: string | null): number | null => {
    if (k === key) return 1;
    const suffix = k?.startsWith(`${key}#`) ? k.slice(key.length + 1) : '';
    return /^\d+$/.test(suffix) ? Number(suffix) : null;
  };
  return rows
    .filter((r) => pieceOf(r.idempotencyKey) !== null)
    .sort((a, b) => (pieceOf(a.idempotencyKey) ?? 0) - (pieceOf(b.idempotencyKey) ?? 0));
}

function checkLimits(limits: TransferSettings, input: TransferInput): void {
  if (!limits.enabled) throw appError(Errors.POINTS_TRANSFER_DISABLED);
  if (input.points < limits.minPoints)
    throw appError(Errors.POINTS_TRANSFER_LIMIT, `A transfer moves at least ${limits.minPoints} points`);
  if (input.points > limits.maxPerTransfer)
    throw appError(Errors.POINTS_TRANSFER_LIMIT, `A transfer moves at most ${limits.maxPerTransfer} points`);
}

/**
 * Moves points between two members in one transaction: a transfer_out and a transfer_in entry
 * under the same idempotency key. The received points keep the expiry of the lots they came
 * from, so passing points back and forth never makes them last longer.
 */
export async function transferPoints(
  ctx: AppContext,
  input: TransferInput,
  limits: TransferSettings,
): Promise<TransferResult> {
  if (input.fromMemberId === input.toMemberId)
    throw appError(Errors.VALIDATION_FAILED, undefined, [
      { path: 'toMemberId', message: 'must be another member' },
    ]);
  checkLimits(limits, input);
  const hash = requestHash({ op: 'transfer', ...input });
  return inOwnTransaction(ctx, async (trx) => {
    const previous = await findReplay(trx, input.fromMemberId, input.idempotencyKey, hash);
    if (previous) {
      const received = await receivedEntries(trx, input.toMemberId, input.idempotencyKey);
      return { out: toLedgerDto(previous), in: received.map(toLedgerDto) };
    }
    for (const id of [input.fromMemberId, input.toMemberId])
      if (!(await liveMemberExists(trx, id))) throw appError(Errors.MEMBER_NOT_FOUND, `No member ${id}`);
    const now = ctx.clock.now();
    // Both accounts are locked in id order, so two opposite transfers cannot deadlock.
    const [first, second] = [input.fromMemberId, input.toMemberId].sort();
    const locked = new Map([
      [first as string, await lockAccount(trx, ctx.dialect, first as string, now)],
      [second as string, await lockAccount(trx, ctx.dialect, second as string, now)],
    ]);
    const sender = locked.get(input.fromMemberId) as Balances;
    const receiver = locked.get(input.toMemberId) as Balances;
    if (sender.available < input.points) throw appError(Errors.POINTS_INSUFFICIENT);
    if ((await sentToday(trx, input.fromMemberId, now)) + input.points > limits.maxPerDay)
      throw appError(Errors.POINTS_TRANSFER_LIMIT, `A member sends at most ${limits.maxPerDay} points a day`);

    const common = { reason: input.reason, idempotencyKey: input.idempotencyKey, requestHash: hash, at: now };
    const out = await postDebit(trx, sender, {
      ...common,
      kind: 'transfer_out',
      memberId: input.fromMemberId,
      points: input.points,
      source: { type: 'transfer', id: input.toMemberId },
    });
    let credited = receiver;
    const received: PointsLedgerTable[] = [];
    for (const [index, piece] of out.pieces.entries()) {
      const posted = await postCredit(trx, credited, {
        ...common,
        // One entry per expiry date the points came with; each has its own key.
        idempotencyKey: index === 0 ? input.idempotencyKey : `${input.idempotencyKey}#${index + 1}`,
        kind: 'transfer_in',
        memberId: input.toMemberId,
        points: piece.points,
        pendingUntil: null,
        expiresAt: piece.expiresAt,
        source: { type: 'transfer', id: input.fromMemberId },
        lotSource: { type: 'transfer', id: input.fromMemberId },
      });
      credited = posted.balances;
      received.push(posted.entry);
    }
    await saveAccount(trx, input.fromMemberId, sender, out.balances, now);
    await saveAccount(trx, input.toMemberId, receiver, credited, now);
    return { out: toLedgerDto(out.entry), in: received.map(toLedgerDto) };
  });
}
