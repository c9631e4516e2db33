import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { type Balances, lockAccount, saveAccount } from './points.account.ts';
import { type Posted, postCredit, postDebit } from './points.credit.ts';
import { findReplay, inOwnTransaction, requestHash, toLedgerDto } from './points.posting.ts';
import { liveMemberExists } from './points.repository.ts';
import type { AdjustInput, EarnInput, LedgerEntryDto, RedeemInput } from './points.types.ts';

// Earn, redeem and adjust as the API and the CLI call them: each one entry in its own
// transaction, replayed from the ledger when the idempotency key was seen before.

async function changeOne(
  ctx: AppContext,
  memberId: string,
  idempotencyKey: string,
  request: unknown,
  post: (trx: Database, hash: string, at: number) => Promise<Posted>,
): Promise<LedgerEntryDto> {
  const hash = requestHash(request);
  return inOwnTransaction(ctx, async (trx) => {
    const previous = await findReplay(trx, memberId, idempotencyKey, hash);
    if (previous) return toLedgerDto(previous);
    if (!(await liveMemberExists(trx, memberId))) throw appError(Errors.MEMBER_NOT_FOUND);
    const { entry } = await post(trx, hash, ctx.clock.now());
    return toLedgerDto(entry);
  });
}

/** Runs `post` on the locked account and saves the balances it leaves. */
async function onLockedAccount(
  ctx: AppContext,
  trx: Database,
  memberId: string,
  at: number,
  post: (balances: Balances) => Promise<Posted>,
): Promise<Posted> {
  const before = await lockAccount(trx, ctx.dialect, memberId, at);
  const posted = await post(before);
  await saveAccount(trx, memberId, before, posted.balances, at);
  return posted;
}

/** Adds earned points as a new lot (paying any debt first); a retry with the same key returns the first entry. */
export async function earnPoints(ctx: AppContext, input: EarnInput): Promise<LedgerEntryDto> {
  // The expiry follows from the programme at the first try; a retry later must still match.
  const { expiresAt: _expiry, ...asked } = input;
  const request = { op: 'earn', ...asked };
  return changeOne(ctx, input.memberId, input.idempotencyKey, request, (trx, hash, at) =>
    onLockedAccount(ctx, trx, input.memberId, at, (balances) =>
      postCredit(trx, balances, {
        kind: 'earn',
        memberId: input.memberId,
        points: input.points,
        pendingUntil: null,
        expiresAt: input.expiresAt ?? null,
        source: input.source,
        lotSource: input.source,
        reason: input.reason,
        idempotencyKey: input.idempotencyKey,
        requestHash: hash,
        at,
      }),
    ),
  );
}

/** Spends points, earliest-expiring lots first; 409 POINTS_INSUFFICIENT when short. */
export async function redeemPoints(ctx: AppContext, input: RedeemInput): Promise<LedgerEntryDto> {
  const { at: when, ...asked } = input;
  return changeOne(ctx, input.memberId, input.idempotencyKey, { op: 'redeem', ...asked }, (trx, hash, now) =>
    onLockedAccount(ctx, trx, input.memberId, now, (balances) => {
      if (balances.available < input.points) throw appError(Errors.POINTS_INSUFFICIENT);
      return postDebit(trx, balances, {
        kind: 'redeem',
        memberId: input.memberId,
        points: input.points,
        source: { type: 'redemption', id: null },
        reason: input.reason,
        idempotencyKey: input.idempotencyKey,
        requestHash: hash,
        at: when ?? now,
      });
    }),
  );
}

/** An operator's correction, audited in the same transaction; never below zero. */
export async function adjustPoints(ctx: AppContext, input: AdjustInput): Promise<LedgerEntryDto> {
  const { actor, expiresAt: _expiry, ...asked } = input;
  const request = { op: 'adjust', ...asked };
  return changeOne(ctx, input.memberId, input.idempotencyKey, request, async (trx, hash, at) => {
    const source = { type: actor.actorType, id: actor.actorId };
    const posted = await onLockedAccount(ctx, trx, input.memberId, at, (balances) => {
      if (input.points > 0)
        return postCredit(trx, balances, {
          kind: 'adjust',
          memberId: input.memberId,
          points: input.points,
          pendingUntil: null,
          expiresAt: input.expiresAt ?? null,
          source,
          lotSource: source,
          reason: input.reason,
          idempotencyKey: input.idempotencyKey,
          requestHash: hash,
          at,
        });
      if (balances.available < -input.points) throw appError(Errors.POINTS_INSUFFICIENT);
      return postDebit(trx, balances, {
        kind: 'adjust',
        memberId: input.memberId,
        points: -input.points,
        source,
        reason: input.reason,
        idempotencyKey: input.idempotencyKey,
        requestHash: hash,
        at,
      });
    });
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'points.adjust',
      targetType: 'member',
      targetId: input.memberId,
      details: { ledgerId: posted.entry.id, points: input.points },
    });
    return posted;
  });
}
