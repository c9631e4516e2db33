import type { TestContext } from '../../testing/test-context.ts';
import { getProgramme, updateProgramme } from '../loyalty/index.ts';
import type { TierSettings } from '../loyalty/programme.settings.ts';
import { upsertMember } from '../members/index.ts';
import { applyInstantUpgrades } from './tiers.evaluate.ts';
import { tiersRecalculateJob } from './tiers.job.ts';
import type { RecalculateResult } from './tiers.types.ts';

// Helpers for the tier suites: members, orders written straight into events, and the two ways
// the rules run (instant upgrades, a full recalculation driven step by step).

export const DAY = 86_400_000;
let sequence = 0;

export async function addMember(ctx: TestContext, id: string, registeredAt?: string): Promise<void> {
  await ctx.db
    .transaction()
    .execute((trx) => upsertMember(ctx, trx, { id, registeredAt }, { actorType: 'system', actorId: 'test' }));
}

/** An order_paid (or order_refunded with a negative amount) of `amount` fen at `at` (default now). */
export async function order(
  ctx: TestContext,
  memberId: string,
  amount: number,
  options: { at?: number; currency?: string } = {},
): Promise<void> {
  sequence += 1;
  await ctx.db
    .insertInto('events')
    .values({
      id: `ev-${memberId}-${sequence}`,
      type: amount >= 0 ? 'order_paid' : 'order_refunded',
      memberId,
      orderId: `o-${sequence}`,
      occurredAt: options.at ?? ctx.clock.now(),
      receivedAt: ctx.clock.now(),
      amount: Math.abs(amount),
      currency: options.currency ?? 'CNY',
      contentHash: 'test',
    })
    .execute();
}

/** The ingest path's call, in its own transaction. */
export async function upgrade(ctx: TestContext, ...memberIds: string[]): Promise<RecalculateResult> {
  return ctx.db.transaction().execute((trx) => applyInstantUpgrades(ctx, trx, memberIds));
}

/** A whole recalculation, step by step as the job runner would. */
export async function recalculate(ctx: TestContext, chunkSize = 2): Promise<RecalculateResult> {
  let state = { cursor: null as string | null, done: 0, result: tiersRecalculateJob.initialResult };
  do state = await tiersRecalculateJob.step(ctx, { chunkSize }, state);
  while (state.cursor !== null);
  return state.result;
}

/** Changes the programme's tier settings the way the settings API does. */
export async function setTierSettings(ctx: TestContext, tiers: Partial<TierSettings>): Promise<void> {
  const { settings, version } = await getProgramme(ctx);
  await updateProgramme(
    ctx,
    { settings: { ...settings, tiers: { ...settings.tiers, ...tiers } }, version },
    { actorType: 'system', actorId: 'test' },
  );
}

export async function memberTierRow(ctx: TestContext, memberId: string) {
  return ctx.db.selectFrom('memberTiers').selectAll().where('memberId', '=', memberId).executeTakeFirst();
}

/** The member's history, oldest first, as `change from→to`. */
export async function historyOf(ctx: TestContext, memberId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('tierHistory')
    .selectAll()
    .where('memberId', '=', memberId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => `${r.change} ${r.fromTier}→${r.toTier}`);
}
