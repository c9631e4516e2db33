import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { createJob, runJob } from '../jobs/index.ts';
import { upsertMember } from '../members/index.ts';
import {
  adjustPoints,
  awardEventPoints,
  earnPoints,
  getPointsSummary,
  redeemPoints,
  reverseOrderPoints,
  transferPoints,
  verifyPointsAccounts,
} from './index.ts';

// Random sequences of every ledger operation, with retries of earlier requests mixed in. After
// each step: the accounts agree with the ledger and the lots, nothing is negative, a short
// balance is refused, and transfers, retries and the clock create or destroy no points.

const DAY = 86_400_000;
const MEMBERS = ['a', 'b', 'c'] as const;
const member = fc.constantFrom(...MEMBERS);

const op = fc.oneof(
  fc.record({
    t: fc.constant('earn' as const),
    m: member,
    n: fc.integer({ min: 1, max: 500 }),
    days: fc.integer({ min: 1, max: 60 }),
  }),
  fc.record({ t: fc.constant('redeem' as const), m: member, n: fc.integer({ min: 1, max: 600 }) }),
  fc.record({
    t: fc.constant('adjust' as const),
    m: member,
    n: fc.integer({ min: -400, max: 400 }).filter((n) => n !== 0),
  }),
  fc.record({
    t: fc.constant('order' as const),
    m: member,
    n: fc.integer({ min: 1, max: 800 }),
    pending: fc.boolean(),
  }),
  fc.record({ t: fc.constant('refund' as const), order: fc.nat(), share: fc.integer({ min: 1, max: 100 }) }),
  fc.record({
    t: fc.constant('transfer' as const),
    from: member,
    to: member,
    n: fc.integer({ min: 1, max: 300 }),
  }),
  fc.record({ t: fc.constant('time' as const), days: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ t: fc.constant('retry' as const), pick: fc.nat() }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

async function totals(
  ctx: TestContext,
): Promise<{ held: number; byMember: Map<string, { available: number }> }> {
  let held = 0;
  const byMember = new Map<string, { available: number }>();
  for (const id of MEMBERS) {
    const s = await getPointsSummary(ctx, id);
    if (s.available < 0 || s.pending < 0 || s.debt < 0) throw new Error(`negative balance for ${id}`);
    held += s.available + s.pending - s.debt;
    byMember.set(id, s);
  }
  return { held, byMember };
}

async function runSequence(ctx: TestContext, ops: Op[]): Promise<void> {
  const orders: { m: string; id: string; amount: number }[] = [];
  const done: (() => Promise<unknown>)[] = [];
  let seq = 0;
  const limits = { enabled: true, minPoints: 1, maxPerTransfer: 1_000, maxPerDay: 1_000_000 };
  for (const o of ops) {
    const before = await totals(ctx);
    const key = `k${seq++}`;
    let call: (() => Promise<unknown>) | null = null;
    let conserves = false;
    switch (o.t) {
      case 'earn':
        call = () =>
          earnPoints(ctx, {
            memberId: o.m,
            points: o.n,
            reason: 'r',
            source: { type: 't', id: null },
            idempotencyKey: key,
            expiresAt: ctx.clock.now() + o.days * DAY,
          });
        break;
      case 'redeem':
        call = () => redeemPoints(ctx, { memberId: o.m, points: o.n, reason: 'r', idempotencyKey: key });
        if ((before.byMember.get(o.m)?.available ?? 0) < o.n) {
          await expect(call()).rejects.toMatchObject({ code: 'POINTS_INSUFFICIENT' });
          call = null;
        }
        break;
      case 'adjust':
        call = () =>
          adjustPoints(ctx, {
            memberId: o.m,
            points: o.n,
            reason: 'r',
            idempotencyKey: key,
            actor: { actorType: 'operator', actorId: 'op' },
            expiresAt: null,
          });
        if (o.n < 0 && (before.byMember.get(o.m)?.available ?? 0) < -o.n) {
          await expect(call()).rejects.toMatchObject({ code: 'POINTS_INSUFFICIENT' });
          call = null;
        }
        break;
      case 'order': {
        const order = { m: o.m, id: `o${seq}`, amount: o.n * 100 };
        orders.push(order);
        const at = ctx.clock.now();
        const award = {
          memberId: o.m,
          eventId: `e${seq}`,
          eventType: 'order_paid',
          orderId: order.id,
          amount: order.amount,
          lines: [{ ruleId: 'base', ruleVersion: 1, points: o.n, qualifying: o.n, reason: 'order' }],
          pendingUntil: o.pending ? at + 7 * DAY : null,
          expiresAt: at + 90 * DAY,
          at,
        };
        call = () => ctx.db.transaction().execute((trx) => awardEventPoints(ctx, trx, award));
        break;
      }
      case 'refund': {
        const order = orders[o.order % Math.max(orders.length, 1)];
        if (!order) break;
        const refund = {
          memberId: order.m,
          orderId: order.id,
          refundAmount: Math.ceil((order.amount * o.share) / 100),
          eventId: `r${seq}`,
          at: ctx.clock.now(),
        };
        call = () => ctx.db.transaction().execute((trx) => reverseOrderPoints(ctx, trx, refund));
        break;
      }
      case 'transfer':
        if (o.from === o.to) break;
        conserves = true;
        call = () =>
          transferPoints(
            ctx,
            { fromMemberId: o.from, toMemberId: o.to, points: o.n, reason: 'r', idempotencyKey: key },
            limits,
          );
        if ((before.byMember.get(o.from)?.available ?? 0) < o.n) {
          await expect(call()).rejects.toMatchObject({ code: 'POINTS_INSUFFICIENT' });
          call = null;
        }
        break;
      case 'time': {
        ctx.clock.advance(o.days * DAY);
        for (const type of ['points.release', 'points.expire']) {
          const job = await createJob(ctx, type, {}, 'test');
          expect(await runJob(ctx, job.id)).toMatchObject({ status: 'succeeded' });
        }
        break;
      }
      case 'retry': {
        const earlier = done[o.pick % Math.max(done.length, 1)];
        if (!earlier) break;
        conserves = true;
        call = earlier;
        break;
      }
    }
    if (call) {
      const first = await call();
      if (o.t !== 'retry') done.push(call);
      // A retry of the same request returns the same answer and changes nothing.
      const afterFirst = await totals(ctx);
      expect(await call()).toEqual(first);
      expect((await totals(ctx)).held).toBe(afterFirst.held);
    }
    const after = await totals(ctx);
    if (conserves) expect(after.held).toBe(before.held);
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  }
  // Nothing available is past its expiry once the expiry job has run.
  const job = await createJob(ctx, 'points.expire', {}, 'test');
  await runJob(ctx, job.id);
  const stale = await ctx.db
    .selectFrom('pointsLots')
    .select('id')
    .where('state', '=', 'available')
    .where('remaining', '>', 0)
    .where('expiresAt', '<=', ctx.clock.now())
    .execute();
  expect(stale).toEqual([]);
}

describe.each(testDatabases())('ledger invariants under random operations on %s', (database) => {
  it('hold for every sequence', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
        const ctx = await createTestContext(database);
        try {
          for (const id of MEMBERS)
            await ctx.db
              .transaction()
              .execute((trx) => upsertMember(ctx, trx, { id }, { actorType: 'system', actorId: 'test' }));
          await runSequence(ctx, ops);
        } finally {
          await ctx.close();
        }
      }),
      { numRuns: database.name === 'sqlite' ? 60 : 20 },
    );
  });
});
