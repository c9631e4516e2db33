import type { AppContext } from '../../context.ts';
import * as repo from './points.repository.ts';
import type { AccountDifference } from './points.types.ts';

type Field = AccountDifference['field'];

/**
 * Recomputes every account from its ledger and lots and returns each figure that differs:
 * each balance is the sum of its ledger column, the available and pending balances are what the
 * lots hold, and no lot gives out more than it had.
 */
export async function verifyPointsAccounts(ctx: AppContext): Promise<AccountDifference[]> {
  const accounts = new Map((await repo.listAccounts(ctx.db)).map((a) => [a.memberId, a]));
  const lots = await repo.lotTotals(ctx.db);
  const differences: AccountDifference[] = [];
  const report = (memberId: string, field: Field, stored: number, expected: number) => {
    if (stored !== expected) differences.push({ memberId, field, stored, expected });
  };
  for (const total of await repo.ledgerTotals(ctx.db)) {
    const account = accounts.get(total.memberId);
    accounts.delete(total.memberId);
    if (!account) {
      report(total.memberId, 'account', 0, 1);
      continue;
    }
    report(total.memberId, 'available', Number(account.available), total.available);
    report(total.memberId, 'pending', Number(account.pending), total.pending);
    report(total.memberId, 'debt', Number(account.debt), total.debt);
    report(total.memberId, 'lifetimeEarned', Number(account.lifetimeEarned), total.earned);
    report(total.memberId, 'lifetimeRedeemed', Number(account.lifetimeRedeemed), total.redeemed);
    report(total.memberId, 'tierPoints', Number(account.tierPoints), total.tierPoints);
    const held = lots.get(total.memberId) ?? { available: 0, pending: 0 };
    report(total.memberId, 'lots', held.available, total.available);
    report(total.memberId, 'pendingLots', held.pending, total.pending);
  }
  // An account without entries must be all zeros.
  for (const account of accounts.values()) {
    report(account.memberId, 'available', Number(account.available), 0);
    report(account.memberId, 'pending', Number(account.pending), 0);
    report(account.memberId, 'debt', Number(account.debt), 0);
  }
  for (const lot of await repo.brokenLots(ctx.db)) report(lot.memberId, 'lot', 1, 0);
  return differences;
}
