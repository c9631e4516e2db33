import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { runJob } from '../jobs/index.ts';
import { createJob } from '../jobs/jobs.service.ts';
import { upsertMember } from '../members/index.ts';
import {
  awardEventPoints,
  earnPoints,
  getPointsSummary,
  listExpiringPoints,
  redeemPoints,
  reverseOrderPoints,
  transferPoints,
  verifyPointsAccounts,
} from './index.ts';
import type { EventAward } from './points.types.ts';

const DAY = 86_400_000;
const LIMITS = { enabled: true, minPoints: 1, maxPerTransfer: 1_000, maxPerDay: 1_500 };

async function addMember(ctx: TestContext, id: string): Promise<void> {
  await ctx.db
    .transaction()
    .execute((trx) => upsertMember(ctx, trx, { id }, { actorType: 'system', actorId: 'test' }));
}

/** An order_paid award of `points` for `amount` fen, pending for 7 days, expiring after 365. */
function orderAward(
  ctx: TestContext,
  memberId: string,
  eventId: string,
  orderId: string,
  points: number,
  amount: number,
): EventAward {
  const at = ctx.clock.now();
  return {
    memberId,
    eventId,
    eventType: 'order_paid',
    orderId,
    amount,
    lines: [{ ruleId: 'base', ruleVersion: 1, points, qualifying: points, reason: 'order points' }],
    pendingUntil: at + 7 * DAY,
    expiresAt: at + 365 * DAY,
    at,
  };
}

const award = (ctx: TestContext, a: EventAward) =>
  ctx.db.transaction().execute((trx) => awardEventPoints(ctx, trx, a));
const refund = (ctx: TestContext, memberId: string, orderId: string, amount: number, eventId: string) =>
  ctx.db
    .transaction()
    .execute((trx) =>
      reverseOrderPoints(ctx, trx, { memberId, orderId, refundAmount: amount, eventId, at: ctx.clock.now() }),
    );

/** A plain credit of `points` under `key`, expiring at `expiresAt` (default: never). */
const credit = (ctx: TestContext, memberId: string, points: number, key: string, expiresAt?: number) =>
  earnPoints(ctx, {
    memberId,
    points,
    reason: key,
    source: { type: 'test', id: null },
    idempotencyKey: key,
    expiresAt,
  });

async function runMaintenance(ctx: TestContext, type: 'points.release' | 'points.expire'): Promise<unknown> {
  const job = await createJob(ctx, type, {}, 'test');
  return (await runJob(ctx, job.id))?.result;
}

describe.each(testDatabases())('points lifecycle on %s', (database) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(database);
    for (const id of ['m1', 'm2', 'm3']) await addMember(ctx, id);
  });
  afterEach(async () => ctx.close());

  const summary = (id = 'm1') => getPointsSummary(ctx, id);

  it('order points wait in pending, then the release job makes them available once', async () => {
    await award(ctx, orderAward(ctx, 'm1', 'e1', 'o1', 200, 20_000));
    expect(await summary()).toMatchObject({
      available: 0,
      pending: 200,
      lifetimeEarned: 200,
      tierPoints: 200,
    });
    ctx.clock.advance(6 * DAY);
    expect(await runMaintenance(ctx, 'points.release')).toEqual({ lots: 0 });
    ctx.clock.advance(1 * DAY);
    expect(await runMaintenance(ctx, 'points.release')).toEqual({ lots: 1 });
    expect(await runMaintenance(ctx, 'points.release')).toEqual({ lots: 0 });
    expect(await summary()).toMatchObject({ available: 200, pending: 0 });
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  });

  it('the same event awarded twice changes nothing the second time', async () => {
    const first = await award(ctx, orderAward(ctx, 'm1', 'e1', 'o1', 200, 20_000));
    const again = await award(ctx, orderAward(ctx, 'm1', 'e1', 'o1', 200, 20_000));
    expect(again).toEqual(first);
    expect((await summary()).pending).toBe(200);
  });

  it('a refund inside the return window takes back pending points in proportion', async () => {
    await award(ctx, orderAward(ctx, 'm1', 'e1', 'o1', 300, 30_000));
    const [entry] = await refund(ctx, 'm1', 'o1', 10_000, 'r1');
    expect(entry).toMatchObject({
      kind: 'reverse',
      points: 0,
      pendingDelta: -100,
      debtDelta: 0,
      qualifying: -100,
    });
    expect(await refund(ctx, 'm1', 'o1', 10_000, 'r1')).toEqual([entry]);
    await refund(ctx, 'm1', 'o1', 20_000, 'r2');
    expect(await summary()).toMatchObject({ pending: 0, available: 0, debt: 0, tierPoints: 0 });
    // Refunding more than was paid takes nothing more, and says so once.
    const [nothing] = await refund(ctx, 'm1', 'o1', 5_000, 'r3');
    expect(nothing).toMatchObject({ kind: 'reverse', points: 0, pendingDelta: 0, debtDelta: 0 });
    expect(await refund(ctx, 'm1', 'o1', 5_000, 'r3')).toEqual([nothing]);
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  });

  it('refunds of one order at the same time each take their own share', async () => {
    await award(ctx, { ...orderAward(ctx, 'm1', 'e1', 'o1', 300, 30_000), pendingUntil: null });
    await Promise.all(['r1', 'r2', 'r3'].map((id) => refund(ctx, 'm1', 'o1', 10_000, id)));
    expect(await summary()).toMatchObject({ available: 0, debt: 0 });
    const order = await ctx.db.selectFrom('pointsOrders').selectAll().executeTakeFirstOrThrow();
    expect([Number(order.refundedAmount), Number(order.pointsReversed)]).toEqual([30_000, 300]);
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  });

  it('a refund of spent points comes out of the balance, and what it cannot cover becomes debt', async () => {
    await award(ctx, orderAward(ctx, 'm1', 'e1', 'o1', 500, 50_000));
    ctx.clock.advance(8 * DAY);
    await runMaintenance(ctx, 'points.release');
    await credit(ctx, 'm1', 100, 'b1');
    await redeemPoints(ctx, { memberId: 'm1', points: 550, reason: 'voucher', idempotencyKey: 'x1' });
    expect(await summary()).toMatchObject({ available: 50 });
    const [entry] = await refund(ctx, 'm1', 'o1', 50_000, 'r1');
    // 500 to take back: nothing left in the order's lot, 50 from the bonus, 450 owed.
    expect(entry).toMatchObject({ points: -50, debtDelta: 450 });
    expect(await summary()).toMatchObject({ available: 0, debt: 450 });
    await expect(
      redeemPoints(ctx, { memberId: 'm1', points: 1, reason: 'x', idempotencyKey: 'x2' }),
    ).rejects.toMatchObject({ code: 'POINTS_INSUFFICIENT' });
    // Later credits pay the debt first.
    await credit(ctx, 'm1', 300, 'b2');
    expect(await summary()).toMatchObject({ available: 0, debt: 150 });
    await credit(ctx, 'm1', 200, 'b3');
    expect(await summary()).toMatchObject({ available: 50, debt: 0 });
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  });

  it('pending points released into a debt pay it first', async () => {
    await earnPoints(ctx, {
      memberId: 'm1',
      points: 100,
      reason: 'x',
      source: { type: 'order', id: 'o0' },
      idempotencyKey: 'b1',
    });
    await award(ctx, orderAward(ctx, 'm1', 'e0', 'o0', 100, 10_000));
    ctx.clock.advance(8 * DAY);
    await runMaintenance(ctx, 'points.release');
    await redeemPoints(ctx, { memberId: 'm1', points: 200, reason: 'x', idempotencyKey: 'x1' });
    await refund(ctx, 'm1', 'o0', 10_000, 'r0');
    expect(await summary()).toMatchObject({ available: 0, debt: 100 });
    await award(ctx, orderAward(ctx, 'm1', 'e1', 'o1', 130, 13_000));
    ctx.clock.advance(8 * DAY);
    await runMaintenance(ctx, 'points.release');
    expect(await summary()).toMatchObject({ available: 30, debt: 0, pending: 0 });
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  });

  it('a refund after the points expired takes nothing more from the member', async () => {
    await award(ctx, {
      ...orderAward(ctx, 'm1', 'e1', 'o1', 100, 10_000),
      pendingUntil: null,
      expiresAt: ctx.clock.now() + 30 * DAY,
    });
    await credit(ctx, 'm1', 40, 'b1');
    ctx.clock.advance(31 * DAY);
    expect(await runMaintenance(ctx, 'points.expire')).toEqual({ lots: 1 });
    expect(await summary()).toMatchObject({ available: 40 });
    const [entry] = await refund(ctx, 'm1', 'o1', 10_000, 'r1');
    expect(entry).toMatchObject({ points: 0, debtDelta: 0, qualifying: -100 });
    expect(await summary()).toMatchObject({ available: 40, debt: 0 });
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  });

  it('expiry takes what is left in due lots once; members see what expires soon', async () => {
    const now = ctx.clock.now();
    await credit(ctx, 'm1', 100, 'a', now + 10 * DAY);
    await credit(ctx, 'm1', 70, 'b', now + 60 * DAY);
    await redeemPoints(ctx, { memberId: 'm1', points: 30, reason: 'x', idempotencyKey: 'x' });
    expect((await listExpiringPoints(ctx, 'm1', 90)).data.map((d) => d.points)).toEqual([70, 70]);
    expect((await summary()).expiringSoon).toBe(70);
    ctx.clock.advance(11 * DAY);
    expect(await runMaintenance(ctx, 'points.expire')).toEqual({ lots: 1 });
    expect(await runMaintenance(ctx, 'points.expire')).toEqual({ lots: 0 });
    expect(await summary()).toMatchObject({ available: 70, lifetimeEarned: 170, lifetimeRedeemed: 30 });
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  });

  it('a transfer moves points with their expiry, once per key, within limits', async () => {
    const now = ctx.clock.now();
    await credit(ctx, 'm1', 300, 'a', now + 10 * DAY);
    await credit(ctx, 'm1', 900, 'b', now + 90 * DAY);
    const input = { fromMemberId: 'm1', toMemberId: 'm2', points: 500, reason: 'gift', idempotencyKey: 't1' };
    const result = await transferPoints(ctx, input, LIMITS);
    expect(result.out).toMatchObject({ kind: 'transfer_out', points: -500 });
    expect(result.in.map((e) => [e.points, e.expiresAt])).toEqual([
      [300, new Date(now + 10 * DAY).toISOString()],
      [200, new Date(now + 90 * DAY).toISOString()],
    ]);
    expect(await transferPoints(ctx, input, LIMITS)).toEqual(result);
    expect((await summary('m1')).available).toBe(700);
    expect((await summary('m2')).available).toBe(500);
    await expect(
      transferPoints(ctx, { ...input, idempotencyKey: 't2', points: 1_001 }, LIMITS),
    ).rejects.toMatchObject({ code: 'POINTS_TRANSFER_LIMIT' });
    // 500 sent today already: 600 more is within one transfer's limit but not the day's 1,000.
    await expect(
      transferPoints(ctx, { ...input, idempotencyKey: 't4', points: 600 }, { ...LIMITS, maxPerDay: 1_000 }),
    ).rejects.toMatchObject({ code: 'POINTS_TRANSFER_LIMIT' });
    await expect(
      transferPoints(ctx, { ...input, toMemberId: 'm1', idempotencyKey: 't5' }, LIMITS),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      transferPoints(ctx, { ...input, idempotencyKey: 't6' }, { ...LIMITS, enabled: false }),
    ).rejects.toMatchObject({ code: 'POINTS_TRANSFER_DISABLED' });
    await expect(
      transferPoints(ctx, { ...input, toMemberId: 'ghost', idempotencyKey: 't7' }, LIMITS),
    ).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  });

  it('opposite transfers at the same time neither deadlock nor lose points', async () => {
    for (const id of ['m1', 'm2']) await credit(ctx, id, 1_000, `seed-${id}`);
    const limits = { ...LIMITS, maxPerDay: 100_000 };
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        transferPoints(
          ctx,
          {
            fromMemberId: i % 2 ? 'm1' : 'm2',
            toMemberId: i % 2 ? 'm2' : 'm1',
            points: 10 + i,
            reason: 'x',
            idempotencyKey: `k${i}`,
          },
          limits,
        ),
      ),
    );
    const [a, b] = [await summary('m1'), await summary('m2')];
    expect(a.available + b.available).toBe(2_000);
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  });
});
