import { createRng } from '../../ml/gbdt/index.ts';
import type { TestContext } from '../../testing/test-context.ts';
import { createJob, type JobDto, runJob } from '../jobs/index.ts';
import { upsertMember } from '../members/index.ts';
import { tiersRecalculateJob } from '../tiers/index.ts';
import { VALUE_TRAIN } from './value.types.ts';

// A small synthetic shop for the value suites: members with clear purchase patterns, orders
// written straight into events (as an import would), tiers placed by a recalculation.

export const DAY = 86_400_000;

interface Order {
  memberId: string;
  at: number;
  amount: number;
  currency?: string;
  type?: 'order_paid' | 'order_refunded';
}

let sequence = 0;

export async function insertOrders(ctx: TestContext, orders: readonly Order[]): Promise<void> {
  const now = ctx.clock.now();
  const rows = orders.map((o) => {
    sequence += 1;
    return {
      id: `ev-v-${sequence}`,
      type: o.type ?? 'order_paid',
      memberId: o.memberId,
      orderId: `o-v-${sequence}`,
      occurredAt: o.at,
      receivedAt: now,
      amount: o.amount,
      currency: o.currency ?? 'CNY',
      contentHash: 'test',
    };
  });
  for (let i = 0; i < rows.length; i += 400)
    await ctx.db
      .insertInto('events')
      .values(rows.slice(i, i + 400))
      .execute();
}

/** Orders every `gap` ± jitter days from `fromDay` to `toDay` (days relative to now, negative = past). */
function series(
  rng: () => number,
  memberId: string,
  now: number,
  fromDay: number,
  toDay: number,
  gap: number,
  amount: number,
): Order[] {
  const out: Order[] = [];
  for (
    let d = fromDay + Math.floor(rng() * gap);
    d <= toDay;
    d += Math.max(1, Math.round(gap * (0.6 + rng() * 0.8)))
  ) {
    out.push({
      memberId,
      at: now + d * DAY + Math.floor(rng() * 8) * 3_600_000,
      amount: Math.round(amount * (0.7 + rng() * 0.6)),
    });
  }
  return out;
}

/**
 * `active-*` buy every ~3 weeks through to today; `lapsed-*` bought as often but stopped 120–250
 * days ago; `one-*` bought once. `up1` started 100 days ago just below Silver; `down1` reached
 * Silver with orders a year old that leave the rolling window within the horizon; `cny0` has only
 * orders in another currency.
 */
export async function buildShop(ctx: TestContext, perGroup = 120): Promise<void> {
  const rng = createRng(5);
  const now = ctx.clock.now();
  const orders: Order[] = [];
  for (let i = 0; i < perGroup; i++) {
    const n = String(i).padStart(3, '0');
    orders.push(...series(rng, `active-${n}`, now, -360, -1, 14 + Math.floor(rng() * 20), 4_000));
    orders.push(
      ...series(
        rng,
        `lapsed-${n}`,
        now,
        -360,
        -120 - Math.floor(rng() * 130),
        14 + Math.floor(rng() * 20),
        4_000,
      ),
    );
    if (i % 3 === 0)
      orders.push({ memberId: `one-${n}`, at: now - Math.floor(rng() * 300) * DAY, amount: 5_000 });
  }
  for (let k = 0; k < 14; k++) orders.push({ memberId: 'up1', at: now - (98 - 7 * k) * DAY, amount: 6_500 });
  for (let k = 0; k < 6; k++)
    orders.push({ memberId: 'down1', at: now - (360 - 15 * k) * DAY, amount: 20_000 });
  orders.push({ memberId: 'cny0', at: now - 30 * DAY, amount: 9_000, currency: 'USD' });
  orders.push({ memberId: 'cny0', at: now - 10 * DAY, amount: 9_000, currency: 'USD' });
  await insertOrders(ctx, orders);
  const ids = [...new Set(orders.map((o) => o.memberId))];
  await ctx.db.transaction().execute(async (trx) => {
    for (const id of ids)
      await upsertMember(
        ctx,
        trx,
        { id, registeredAt: '2024-01-01T00:00:00Z' },
        { actorType: 'system', actorId: 'test' },
      );
  });
  let state = { cursor: null as string | null, done: 0, result: tiersRecalculateJob.initialResult };
  do state = await tiersRecalculateJob.step(ctx, {}, state);
  while (state.cursor !== null);
}

/** Queues and runs `value.train` to its end. */
export async function trainValue(ctx: TestContext, params: object = {}): Promise<JobDto> {
  const job = await createJob(ctx, VALUE_TRAIN, params, 'test');
  return (await runJob(ctx, job.id, { force: true })) as JobDto;
}
