import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { checkRisk, type RiskCheckResult } from '../risk/index.ts';
import { findLedgerByKey } from './points.posting.ts';

// Redemptions and transfers consult risk control before they post: a block refuses the request
// (403 RISK_BLOCKED, with the decision's id and reason codes), a review lets it through and opens
// a case for an analyst. A retry of a request already posted (its idempotency key is in the
// ledger) is not judged again: it replays, whatever risk would say now.

export interface RiskGateInput {
  action: 'redeem' | 'transfer';
  memberId: string;
  points: number;
  recipientMemberId?: string | undefined;
  /** What the request says about the member's session, when the member made it themself. */
  context?: { ip?: string | undefined; userAgent?: string | undefined };
}

export async function consultRisk(
  ctx: AppContext,
  input: RiskGateInput,
  idempotencyKey: string,
): Promise<RiskCheckResult | null> {
  if (await findLedgerByKey(ctx.db, input.memberId, idempotencyKey)) return null;
  const result = await checkRisk(ctx, {
    action: input.action,
    memberId: input.memberId,
    points: input.points,
    ...(input.recipientMemberId ? { recipientMemberId: input.recipientMemberId } : {}),
    context: input.context ?? {},
  });
  if (result.decision === 'block') {
    throw appError(Errors.RISK_BLOCKED, undefined, [
      {
        message: 'refused by risk control',
        decisionId: result.decisionId,
        reasons: result.reasons.map((r) => r.code),
      },
    ]);
  }
  return result;
}
