import type { Database, DialectName } from '../../db/database.ts';

/** A member's balances as read under the account lock; every change starts from these. */
export interface Balances {
  available: number;
  pending: number;
  debt: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  tierPoints: number;
  version: number;
}

/** How one entry moves the balances; zero fields are left out. */
export interface BalanceChange {
  available?: number;
  pending?: number;
  debt?: number;
  earned?: number;
  redeemed?: number;
  tierPoints?: number;
}

/**
 * Reads the member's account (creating it at zero) and holds it until the transaction ends: a
 * row lock on PostgreSQL; SQLite runs one write transaction at a time. Everything a change
 * decides — enough points? how much debt to pay first? — is decided on these figures.
 */
export async function lockAccount(
  db: Database,
  dialect: DialectName,
  memberId: string,
  now: number,
): Promise<Balances> {
  await db
    .insertInto('pointsAccounts')
    .values({
      memberId,
      available: 0,
      pending: 0,
      lifetimeEarned: 0,
      lifetimeRedeemed: 0,
      debt: 0,
      tierPoints: 0,
      version: 0,
      updatedAt: now,
    })
    .onConflict((oc) => oc.column('memberId').doNothing())
    .execute();
  let query = db.selectFrom('pointsAccounts').selectAll().where('memberId', '=', memberId);
  if (dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirstOrThrow();
  return {
    available: Number(row.available),
    pending: Number(row.pending),
    debt: Number(row.debt),
    lifetimeEarned: Number(row.lifetimeEarned),
    lifetimeRedeemed: Number(row.lifetimeRedeemed),
    tierPoints: Number(row.tierPoints),
    version: Number(row.version),
  };
}

/** The balances after `change`; the caller has checked that none goes below zero. */
export function applyChange(before: Balances, change: BalanceChange): Balances {
  return {
    available: before.available + (change.available ?? 0),
    pending: before.pending + (change.pending ?? 0),
    debt: before.debt + (change.debt ?? 0),
    lifetimeEarned: before.lifetimeEarned + (change.earned ?? 0),
    lifetimeRedeemed: before.lifetimeRedeemed + (change.redeemed ?? 0),
    tierPoints: before.tierPoints + (change.tierPoints ?? 0),
    version: before.version + 1,
  };
}

/**
 * Writes the new balances. The version condition is a second guard behind the lock: if anything
 * changed the row since it was read, the transaction fails rather than overwrite it.
 */
export async function saveAccount(
  db: Database,
  memberId: string,
  before: Balances,
  after: Balances,
  now: number,
): Promise<void> {
  if (after.available < 0 || after.pending < 0 || after.debt < 0)
    throw new Error(`points balances would go negative for an account (${JSON.stringify(after)})`);
  const result = await db
    .updateTable('pointsAccounts')
    .set({
      available: after.available,
      pending: after.pending,
      debt: after.debt,
      lifetimeEarned: after.lifetimeEarned,
      lifetimeRedeemed: after.lifetimeRedeemed,
      tierPoints: after.tierPoints,
      version: after.version,
      updatedAt: now,
    })
    .where('memberId', '=', memberId)
    .where('version', '=', before.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new Error('points account changed while locked');
}

/** Credits `points`: outstanding debt is paid first, the rest becomes available. */
export function creditPayingDebt(
  balances: Balances,
  points: number,
): { toDebt: number; toAvailable: number } {
  const toDebt = Math.min(balances.debt, points);
  return { toDebt, toAvailable: points - toDebt };
}
