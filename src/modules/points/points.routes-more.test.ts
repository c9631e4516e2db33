import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { ensureDefaultProgramme } from '../loyalty/index.ts';
import { upsertMember } from '../members/index.ts';
import { ensureDefaultTiers, setTierOverride } from '../tiers/index.ts';

// Transfers, the member's own routes, expiring points and the liability overview over HTTP.

const DAY = 86_400_000;

describe.each(testDatabases())('points routes (transfers, me, liability) on %s', (database) => {
  let ctx: TestContext;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let writer: { authorization: string };
  beforeEach(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false, webDist: false });
    for (const id of ['m1', 'm2'])
      await ctx.db
        .transaction()
        .execute((trx) => upsertMember(ctx, trx, { id }, { actorType: 'system', actorId: 'test' }));
    writer = bearer(await apiKeyWithScopes(ctx, ['points:read', 'points:write', 'stats:read']));
  });
  afterEach(async () => {
    await app.close();
    await ctx.close();
  });

  const post = (url: string, body: unknown, headers: Record<string, string>) =>
    app.inject({ method: 'POST', url, payload: body as object, headers });

  it('earns with the programme’s expiry, and a retry later is still the same request', async () => {
    const first = await post(
      '/v1/members/m1/points/earn',
      { points: 500, reason: 'welcome' },
      {
        ...writer,
        'idempotency-key': 'w1',
      },
    );
    expect(first.statusCode).toBe(200);
    // The default programme: points last 365 days.
    expect(first.json().expiresAt).toBe(new Date(ctx.clock.now() + 365 * DAY).toISOString());
    ctx.clock.advance(60_000);
    const retry = await post(
      '/v1/members/m1/points/earn',
      { points: 500, reason: 'welcome' },
      {
        ...writer,
        'idempotency-key': 'w1',
      },
    );
    expect(retry.json()).toEqual(first.json());
    const expiring = await app.inject({ url: '/v1/members/m1/points/expiring?days=400', headers: writer });
    expect(expiring.json()).toEqual({ data: [{ expiresAt: first.json().expiresAt, points: 500 }] });
  });

  it('a member sends their own points, not another member’s; the store needs points:write', async () => {
    await post(
      '/v1/members/m1/points/earn',
      { points: 500, reason: 'x' },
      { ...writer, 'idempotency-key': 'e' },
    );
    const own = bearer(await memberToken(ctx, 'm1'));
    const body = { fromMemberId: 'm1', toMemberId: 'm2', points: 200, reason: 'gift' };
    const sent = await post('/v1/points/transfers', body, { ...own, 'idempotency-key': 't1' });
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toMatchObject({ out: { points: -200 }, in: [{ points: 200, memberId: 'm2' }] });
    const other = bearer(await memberToken(ctx, 'm2'));
    const stolen = await post('/v1/points/transfers', body, { ...other, 'idempotency-key': 't2' });
    expect(stolen.statusCode).toBe(403);
    const reader = bearer(await apiKeyWithScopes(ctx, ['points:read']));
    expect(
      (await post('/v1/points/transfers', body, { ...reader, 'idempotency-key': 't3' })).statusCode,
    ).toBe(403);
    const tooSmall = await post(
      '/v1/points/transfers',
      { ...body, points: 5 },
      { ...writer, 'idempotency-key': 't4' },
    );
    expect(tooSmall.json()).toMatchObject({ error: { code: 'POINTS_TRANSFER_LIMIT' } });
    const bad = await post('/v1/points/transfers', { fromMemberId: 'm1', points: 0 }, {});
    expect(bad.statusCode).toBe(400);
    const paths = bad
      .json()
      .error.details.map((d: { path: string }) => d.path)
      .sort();
    expect(paths).toEqual(['headers.idempotency-key', 'points', 'reason', 'toMemberId']);

    const mine = await app.inject({ url: '/v1/me/points', headers: own });
    expect(mine.json()).toMatchObject({ memberId: 'm1', available: 300 });
    const ledger = await app.inject({ url: '/v1/me/points/ledger', headers: own });
    expect(ledger.json().data.map((e: { kind: string }) => e.kind)).toEqual(['transfer_out', 'earn']);
    expect((await app.inject({ url: '/v1/me/points', headers: writer })).statusCode).toBe(403);
  });

  it('the liability overview sums balances, expiring points and the daily flow', async () => {
    await post(
      '/v1/members/m1/points/earn',
      { points: 400, reason: 'x' },
      { ...writer, 'idempotency-key': 'a' },
    );
    await post(
      '/v1/members/m2/points/earn',
      { points: 100, reason: 'x' },
      { ...writer, 'idempotency-key': 'b' },
    );
    await post(
      '/v1/members/m1/points/redeem',
      { points: 150, reason: 'x' },
      { ...writer, 'idempotency-key': 'c' },
    );
    const res = await app.inject({ url: '/v1/stats/points?days=7', headers: writer });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.outstanding).toEqual({ available: 350, pending: 0, debt: 0, members: 2 });
    expect(body.expiring).toEqual({ in30d: 0, in90d: 0 });
    expect(body.daily).toHaveLength(7);
    expect(body.daily[6]).toMatchObject({ earned: 500, redeemed: 150, expired: 0 });
    const reader = bearer(await apiKeyWithScopes(ctx, ['points:read']));
    expect((await app.inject({ url: '/v1/stats/points', headers: reader })).statusCode).toBe(403);
  });

  it('DELETE /v1/loyalty/rules/{id} archives the rule', async () => {
    const admin = bearer(await apiKeyWithScopes(ctx, ['loyalty:read', 'loyalty:write']));
    const created = await post(
      '/v1/loyalty/rules',
      {
        name: 'Share',
        trigger: 'share',
        priority: 10,
        stacking: 'stack',
        action: { type: 'fixed', points: 5 },
      },
      admin,
    );
    expect(created.statusCode).toBe(201);
    const rule = created.json();
    const stale = await app.inject({
      method: 'DELETE',
      url: `/v1/loyalty/rules/${rule.id}?version=99`,
      headers: admin,
    });
    expect(stale.json()).toMatchObject({ error: { code: 'LOYALTY_RULE_VERSION_CONFLICT' } });
    const gone = await app.inject({ method: 'DELETE', url: `/v1/loyalty/rules/${rule.id}`, headers: admin });
    expect(gone.json()).toMatchObject({ id: rule.id, status: 'archived' });
  });

  it('lists members by the tier in force; the tier programme answers under both names', async () => {
    await ensureDefaultTiers(ctx);
    await setTierOverride(
      ctx,
      'm2',
      { tierId: 'gold', reason: 'VIP of a partner' },
      { actorType: 'operator', actorId: 'op' },
    );
    const reader = bearer(await apiKeyWithScopes(ctx, ['members:read', 'loyalty:read']));
    const ids = async (tier: string) =>
      (await app.inject({ url: `/v1/members?tier=${tier}&pii=masked`, headers: reader }))
        .json()
        .data.map((m: { id: string }) => m.id);
    expect(await ids('gold')).toEqual(['m2']);
    expect(await ids('member')).toEqual(['m1']);
    expect(await ids('platinum')).toEqual([]);
    const a = await app.inject({ url: '/v1/loyalty/tiers', headers: reader });
    const b = await app.inject({ url: '/v1/loyalty/tier-program', headers: reader });
    expect(b.json()).toEqual(a.json());
    expect(a.json().tiers.map((t: { id: string }) => t.id)).toEqual(['member', 'silver', 'gold', 'platinum']);
  });

  it('an order earns pending points for the rest of its return window; a late one at once', async () => {
    await ensureDefaultProgramme(ctx);
    const events = bearer(await apiKeyWithScopes(ctx, ['events:write', 'points:read']));
    const order = (id: string, member: string, daysAgo: number) => ({
      id,
      type: 'order_paid',
      memberId: member,
      orderId: `o-${id}`,
      amount: { amount: 12_345, currency: 'CNY' },
      occurredAt: new Date(ctx.clock.now() - daysAgo * DAY).toISOString(),
    });
    const sent = await post('/v1/events', { events: [order('e1', 'm1', 2), order('e2', 'm2', 10)] }, events);
    expect(sent.json()).toMatchObject({ accepted: 2 });
    expect((await app.inject({ url: '/v1/members/m1/points', headers: events })).json()).toMatchObject({
      pending: 123,
      available: 0,
    });
    expect((await app.inject({ url: '/v1/members/m2/points', headers: events })).json()).toMatchObject({
      pending: 0,
      available: 123,
    });
    const [lot] = await ctx.db
      .selectFrom('pointsLots')
      .select('pendingUntil')
      .where('memberId', '=', 'm1')
      .execute();
    expect(Number(lot?.pendingUntil)).toBe(ctx.clock.now() + 5 * DAY);
  });
});
