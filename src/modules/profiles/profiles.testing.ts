import type { TestContext } from '../../testing/test-context.ts';
import { ingestEvents } from '../events/index.ts';
import { upsertItems } from '../items/index.ts';
import { upsertMember } from '../members/index.ts';
import { rowToState } from './profiles.fold.ts';
import { profilesRebuildJob } from './profiles.jobs.ts';
import type { RebuildResult } from './profiles.types.ts';

// Helpers for the profile suites: members, catalogue items, events through the real ingest
// path, and the stored rows read back as plain objects.

export const DAY = 86_400_000;

export async function addMembers(ctx: TestContext, ...ids: string[]): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    for (const id of ids) await upsertMember(ctx, trx, { id }, { actorType: 'system', actorId: 'test' });
  });
}

/** Items `sku-<n>` with the given category, brand and price (fen). */
export async function addItems(
  ctx: TestContext,
  items: { id: string; category: string; brand?: string; price?: number }[],
): Promise<void> {
  await upsertItems(
    ctx,
    items.map((i) => ({
      id: i.id,
      title: i.id,
      categoryPath: [i.category],
      ...(i.brand ? { brand: i.brand } : {}),
      price: { amount: i.price ?? 10_000, currency: 'CNY' },
    })),
  );
}

let serial = 0;

/** An event as the store sends it, `daysAgo` before the clock. */
export function event(
  ctx: TestContext,
  type: string,
  memberId: string,
  daysAgo: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  serial += 1;
  const base: Record<string, unknown> = {
    id: `pe-${serial}`,
    type,
    memberId,
    occurredAt: new Date(ctx.clock.now() - daysAgo * DAY).toISOString(),
  };
  if (['view', 'cart_add', 'cart_remove', 'favorite'].includes(type)) base.itemId = 'sku-1';
  if (type === 'order_paid' || type === 'order_refunded') {
    base.orderId = `o-${serial}`;
    base.amount = { amount: 10_000, currency: 'CNY' };
  }
  if (type === 'review') base.rating = 5;
  if (type === 'search') base.text = 'dress';
  return { ...base, ...extra };
}

export async function ingest(ctx: TestContext, events: Record<string, unknown>[]): Promise<void> {
  await ingestEvents(ctx, events);
}

/** The stored profile as state (numbers, parsed maps), without updatedAt; undefined when none. */
export async function profileOf(ctx: TestContext, memberId: string) {
  const row = await ctx.db
    .selectFrom('memberProfiles')
    .selectAll()
    .where('memberId', '=', memberId)
    .executeTakeFirst();
  return row ? rowToState(row) : undefined;
}

export async function activeDaysOf(ctx: TestContext, memberId?: string): Promise<string[]> {
  let query = ctx.db.selectFrom('memberActiveDays').selectAll();
  if (memberId) query = query.where('memberId', '=', memberId);
  const rows = await query.orderBy('memberId').orderBy('day').execute();
  return rows.map((r) => `${r.memberId}:${Number(r.day)}:${Number(r.flags)}`);
}

/** A whole rebuild, step by step as the job runner would. */
export async function rebuild(ctx: TestContext, chunkSize = 2): Promise<RebuildResult> {
  let state = { cursor: null as string | null, done: 0, result: profilesRebuildJob.initialResult };
  do state = await profilesRebuildJob.step(ctx, { chunkSize }, state);
  while (state.cursor !== null);
  return state.result;
}
