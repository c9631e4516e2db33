import type { AppContext } from '../context.ts';
import { createJob, runJob } from '../modules/jobs/index.ts';
import { ensureDefaultProgramme } from '../modules/loyalty/index.ts';
import { getPointsSummary, redeemPoints, settleDueLots } from '../modules/points/index.ts';
import { ensureDefaultTiers } from '../modules/tiers/index.ts';

export interface DemoLoyaltyResult {
  awarded: number;
  released: number;
  expired: number;
  redeemed: number;
}

/** Demo members swap points for their coupons at this rate: 100 points per 1 CNY off. */
const POINTS_PER_MINOR_UNIT = 1;

async function runToEnd(ctx: AppContext, type: string, params: unknown): Promise<unknown> {
  const job = await createJob(ctx, type, params, 'demo');
  const ended = await runJob(ctx, job.id);
  if (ended?.status !== 'succeeded')
    throw new Error(`demo loyalty: ${type} ${ended?.status}: ${ended?.error}`);
  return ended.result;
}

/** First instants of each UTC month from `from`'s month through `to`. */
function monthBounds(from: number, to: number): number[] {
  const start = new Date(from);
  const bounds: number[] = [];
  for (let m = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1); m < to; ) {
    bounds.push(m);
    const d = new Date(m);
    m = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  bounds.push(to);
  return bounds;
}

/** Coupons of the month paid with points, when the member had enough at the time. */
async function redeemForCoupons(ctx: AppContext, from: number, until: number): Promise<number> {
  const coupons = await ctx.db
    .selectFrom('events')
    .select(['id', 'memberId', 'amount', 'occurredAt'])
    .where('type', '=', 'coupon_use')
    .where('occurredAt', '>=', from)
    .where('occurredAt', '<', until)
    .orderBy('occurredAt')
    .orderBy('id')
    .execute();
  let redeemed = 0;
  for (const coupon of coupons) {
    const points = Number(coupon.amount ?? 0) * POINTS_PER_MINOR_UNIT;
    if (points <= 0 || (await getPointsSummary(ctx, coupon.memberId)).available < points) continue;
    await redeemPoints(ctx, {
      memberId: coupon.memberId,
      points,
      reason: 'coupon',
      idempotencyKey: `demo-coupon:${coupon.id}`,
      at: Number(coupon.occurredAt),
    });
    redeemed += points;
  }
  return redeemed;
}

/**
 * Gives the demo shop a loyalty programme that has been running all along: month by month, its
 * events earn points through the default rules (dated when they happened), return windows close,
 * old points expire and members pay for coupons with points; then every member's tier is set.
 */
export async function runDemoLoyalty(
  ctx: AppContext,
  history: { from: string; to: string },
): Promise<DemoLoyaltyResult> {
  await ensureDefaultProgramme(ctx);
  await ensureDefaultTiers(ctx);
  const result: DemoLoyaltyResult = { awarded: 0, released: 0, expired: 0, redeemed: 0 };
  const end = Math.max(Date.parse(history.to), ctx.clock.now()) + 1;
  const bounds = monthBounds(Date.parse(history.from), end);
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [from, until] = [bounds[i] as number, bounds[i + 1] as number];
    const backfill = (await runToEnd(ctx, 'loyalty.backfill', {
      from: new Date(from).toISOString(),
      to: new Date(until).toISOString(),
    })) as { events: number };
    result.awarded += backfill.events;
    const settled = await settleDueLots(
      ctx,
      Math.min(until, ctx.clock.now()),
      Math.min(until, ctx.clock.now()),
    );
    result.released += settled.released;
    result.expired += settled.expired;
    result.redeemed += await redeemForCoupons(ctx, from, until);
  }
  await runToEnd(ctx, 'tiers.recalculate', {});
  return result;
}
