import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { runPointsVerify } from '../../cli/points.command.ts';
import { apiKeyWithScopes, bearer, memberToken, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { upsertMember } from '../members/index.ts';
import { adjustPoints, earnPoints, getPointsSummary, redeemPoints, verifyPointsAccounts } from './index.ts';

const DAY = 86_400_000;

async function addMember(ctx: TestContext, id: string): Promise<void> {
  await ctx.db
    .transaction()
    .execute((trx) => upsertMember(ctx, trx, { id }, { actorType: 'system', actorId: 'test' }));
}

async function ledgerSum(ctx: TestContext, memberId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('pointsLedger')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('points'), eb.lit(0)).as('total'))
    .where('memberId', '=', memberId)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

async function ledgerCount(ctx: TestContext): Promise<number> {
  const row = await ctx.db
    .selectFrom('pointsLedger')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const earn = (ctx: TestContext, memberId: string, points: number, key: string, expiresAt?: number) =>
  earnPoints(ctx, {
    memberId,
    points,
    reason: 'test',
    source: { type: 'test', id: null },
    idempotencyKey: key,
    expiresAt,
  });

describe.each(testDatabases())('points service on %s', (database) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(database);
    await addMember(ctx, 'm1');
    await addMember(ctx, 'm2');
  });
  afterEach(async () => ctx.close());

  it('earns and redeems with balance_after and lifetime totals', async () => {
    const first = await earn(ctx, 'm1', 100, 'e1');
    expect(first).toMatchObject({ kind: 'earn', points: 100, balanceAfter: 100 });
    const spent = await redeemPoints(ctx, {
      memberId: 'm1',
      points: 30,
      reason: 'coupon',
      idempotencyKey: 'r1',
    });
    expect(spent).toMatchObject({ kind: 'redeem', points: -30, balanceAfter: 70 });
    expect(await getPointsSummary(ctx, 'm1')).toMatchObject({
      available: 70,
      lifetimeEarned: 100,
      lifetimeRedeemed: 30,
    });
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  });

  it('a retry with the same key returns the first entry and changes nothing', async () => {
    const first = await earn(ctx, 'm1', 50, 'same');
    const again = await earn(ctx, 'm1', 50, 'same');
    expect(again).toEqual(first);
    expect((await getPointsSummary(ctx, 'm1')).available).toBe(50);
    expect(await ledgerCount(ctx)).toBe(1);
  });

  it('the same key with a different request is 409 and writes nothing', async () => {
    await earn(ctx, 'm1', 50, 'k');
    await expect(earn(ctx, 'm1', 51, 'k')).rejects.toMatchObject({ code: 'REQUEST_IDEMPOTENCY_CONFLICT' });
    await expect(
      redeemPoints(ctx, { memberId: 'm1', points: 50, reason: 'test', idempotencyKey: 'k' }),
    ).rejects.toMatchObject({ code: 'REQUEST_IDEMPOTENCY_CONFLICT' });
    expect((await getPointsSummary(ctx, 'm1')).available).toBe(50);
  });

  it('a short balance is 409 POINTS_INSUFFICIENT and writes nothing', async () => {
    await earn(ctx, 'm1', 10, 'e');
    await expect(
      redeemPoints(ctx, { memberId: 'm1', points: 11, reason: 'x', idempotencyKey: 'r' }),
    ).rejects.toMatchObject({ code: 'POINTS_INSUFFICIENT', status: 409 });
    expect((await getPointsSummary(ctx, 'm1')).available).toBe(10);
    expect(await ledgerCount(ctx)).toBe(1);
  });

  it('100 concurrent redeems of 10 against 500 never overspend', async () => {
    await earn(ctx, 'm1', 500, 'seed');
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        redeemPoints(ctx, { memberId: 'm1', points: 10, reason: 'race', idempotencyKey: `r${i}` }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toHaveLength(50);
    for (const r of refused)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'POINTS_INSUFFICIENT' });
    const summary = await getPointsSummary(ctx, 'm1');
    expect(summary.available).toBe(0);
    expect(await ledgerSum(ctx, 'm1')).toBe(0);
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  });

  it('concurrent retries with one key apply once', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => earn(ctx, 'm1', 7, 'dup')));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect((await getPointsSummary(ctx, 'm1')).available).toBe(7);
  });

  it('redeem uses the earliest-expiring lots first; expiringSoon counts the next 30 days', async () => {
    const now = ctx.clock.now();
    await earn(ctx, 'm1', 100, 'never');
    await earn(ctx, 'm1', 40, 'late', now + 60 * DAY);
    await earn(ctx, 'm1', 30, 'soon', now + 10 * DAY);
    expect((await getPointsSummary(ctx, 'm1')).expiringSoon).toBe(30);
    await redeemPoints(ctx, { memberId: 'm1', points: 50, reason: 'x', idempotencyKey: 'r' });
    const lots = await ctx.db
      .selectFrom('pointsLots')
      .select(['points', 'remaining'])
      .orderBy('points')
      .execute();
    expect(lots.map((l) => [Number(l.points), Number(l.remaining)])).toEqual([
      [30, 0],
      [40, 20],
      [100, 100],
    ]);
    expect((await getPointsSummary(ctx, 'm1')).expiringSoon).toBe(0);
  });

  it('a negative adjust never goes below zero and is audited', async () => {
    const actor = { actorType: 'operator', actorId: 'op_1' };
    await adjustPoints(ctx, { memberId: 'm1', points: 20, reason: 'goodwill', idempotencyKey: 'a1', actor });
    await expect(
      adjustPoints(ctx, { memberId: 'm1', points: -21, reason: 'fix', idempotencyKey: 'a2', actor }),
    ).rejects.toMatchObject({ code: 'POINTS_INSUFFICIENT' });
    const done = await adjustPoints(ctx, {
      memberId: 'm1',
      points: -20,
      reason: 'fix',
      idempotencyKey: 'a3',
      actor,
    });
    expect(done.balanceAfter).toBe(0);
    const audits = await ctx.db
      .selectFrom('auditLog')
      .select('action')
      .where('action', '=', 'points.adjust')
      .execute();
    expect(audits).toHaveLength(2);
  });

  it('verify reports an account tampered with raw SQL', async () => {
    await earn(ctx, 'm1', 100, 'e');
    await sql`update points_accounts set available = 1000 where member_id = 'm1'`.execute(ctx.db);
    expect(await verifyPointsAccounts(ctx)).toContainEqual({
      memberId: 'm1',
      field: 'available',
      stored: 1000,
      expected: 100,
    });
    const lines: string[] = [];
    expect(await runPointsVerify(ctx, (line) => lines.push(line))).toBe(false);
    expect(lines.join('\n')).toContain('m1  available  stored 1000  ledger 100');
  });

  it('points verify passes on an untouched ledger', async () => {
    await earn(ctx, 'm1', 5, 'e');
    const lines: string[] = [];
    expect(await runPointsVerify(ctx, (line) => lines.push(line))).toBe(true);
    expect(lines).toEqual(['points accounts OK']);
  });

  it('an unknown member is 404', async () => {
    await expect(earn(ctx, 'ghost', 1, 'x')).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
  });
});

describe.each(testDatabases())('points API on %s', (database) => {
  let ctx: TestContext;
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeEach(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false });
    await addMember(ctx, 'm1');
    await addMember(ctx, 'm2');
  });
  afterEach(async () => {
    await app.close();
    await ctx.close();
  });

  const post = (path: string, token: string, body: unknown, key?: string) =>
    app.inject({
      method: 'POST',
      url: `/v1/members/m1/points/${path}`,
      headers: { ...bearer(token), ...(key ? { 'idempotency-key': key } : {}) },
      payload: body as object,
    });

  it('earn, redeem, read and list the ledger; a retry returns the same body', async () => {
    const key = await apiKeyWithScopes(ctx, ['points:read', 'points:write']);
    const earned = await post('earn', key, { points: 100, reason: 'order' }, 'k1');
    expect(earned.statusCode).toBe(200);
    const retry = await post('earn', key, { points: 100, reason: 'order' }, 'k1');
    expect(retry.json()).toEqual(earned.json());
    expect((await post('earn', key, { points: 99, reason: 'order' }, 'k1')).statusCode).toBe(409);
    expect((await post('redeem', key, { points: 40, reason: 'coupon' }, 'k2')).json()).toMatchObject({
      balanceAfter: 60,
    });
    const short = await post('redeem', key, { points: 61, reason: 'coupon' }, 'k3');
    expect(short.statusCode).toBe(409);
    expect(short.json().error.code).toBe('POINTS_INSUFFICIENT');
    const summary = await app.inject({ url: '/v1/members/m1/points', headers: bearer(key) });
    expect(summary.json()).toMatchObject({ available: 60, lifetimeEarned: 100, lifetimeRedeemed: 40 });
    const page1 = await app.inject({ url: '/v1/members/m1/points/ledger?limit=1', headers: bearer(key) });
    expect(page1.json().data[0].kind).toBe('redeem');
    const cursor = page1.json().nextCursor as string;
    const page2 = await app.inject({
      url: `/v1/members/m1/points/ledger?limit=1&cursor=${cursor}`,
      headers: bearer(key),
    });
    expect(page2.json()).toMatchObject({ data: [{ kind: 'earn' }], nextCursor: null });
  });

  it('validation lists every bad field and the missing Idempotency-Key', async () => {
    const key = await apiKeyWithScopes(ctx, ['points:write']);
    const res = await post('earn', key, { points: 0, reason: '', extra: 1 });
    expect(res.statusCode).toBe(400);
    const paths = (res.json().error.details as { path: string }[]).map((d) => d.path).join(' ');
    expect(paths).toContain('idempotency-key');
    const body = await post('earn', key, { points: 10_000_001, reason: 'x'.repeat(201) }, 'k');
    const bodyPaths = (body.json().error.details as { path: string }[]).map((d) => d.path);
    expect(bodyPaths.join(' ')).toContain('points');
    expect(bodyPaths.join(' ')).toContain('reason');
  });

  it('scopes: read-only keys cannot write, analysts read, only operators adjust', async () => {
    const reader = await apiKeyWithScopes(ctx, ['points:read']);
    expect((await post('earn', reader, { points: 1, reason: 'x' }, 'k')).statusCode).toBe(403);
    const analyst = await operatorToken(ctx, 'analyst');
    expect(
      (await app.inject({ url: '/v1/members/m1/points', headers: bearer(analyst.token) })).statusCode,
    ).toBe(200);
    expect((await post('adjust', analyst.token, { points: 5, reason: 'x' }, 'k')).statusCode).toBe(403);
    const writer = await apiKeyWithScopes(ctx, ['points:write']);
    expect((await post('adjust', writer, { points: 5, reason: 'x' }, 'k')).statusCode).toBe(403);
    const operator = await operatorToken(ctx, 'operator');
    const adjusted = await post('adjust', operator.token, { points: 5, reason: 'goodwill' }, 'k');
    expect(adjusted.json()).toMatchObject({ kind: 'adjust', balanceAfter: 5, source: { type: 'operator' } });
    expect((await post('adjust', operator.token, { points: -6, reason: 'fix' }, 'k2')).statusCode).toBe(409);
  });

  it('a member reads their own points, not another member’s, and cannot write', async () => {
    const own = await memberToken(ctx, 'm1');
    expect((await app.inject({ url: '/v1/members/m1/points', headers: bearer(own) })).statusCode).toBe(200);
    const other = await memberToken(ctx, 'm2');
    expect((await app.inject({ url: '/v1/members/m1/points', headers: bearer(other) })).statusCode).toBe(404);
    expect(
      (await app.inject({ url: '/v1/members/m1/points/ledger', headers: bearer(other) })).statusCode,
    ).toBe(404);
    expect((await post('earn', own, { points: 1, reason: 'x' }, 'k')).statusCode).toBe(403);
  });
});
