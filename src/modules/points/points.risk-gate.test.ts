import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { upsertMember } from '../members/index.ts';

// Redemptions and transfers ask risk control first: a block refuses them and posts nothing, a
// retry of a request already posted replays without being judged again.

describe.each(testDatabases())('points and risk control on $name', (database) => {
  let ctx: TestContext;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let writer: { authorization: string };
  let admin: { authorization: string };

  beforeAll(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false, webDist: false });
    for (const id of ['g1', 'g2', 'g3'])
      await ctx.db
        .transaction()
        .execute((trx) => upsertMember(ctx, trx, { id }, { actorType: 'system', actorId: 'test' }));
    writer = bearer(await apiKeyWithScopes(ctx, ['points:read', 'points:write']));
    admin = bearer((await operatorToken(ctx, 'admin')).token);
    for (const id of ['g1', 'g2'])
      await app.inject({
        method: 'POST',
        url: `/v1/members/${id}/points/earn`,
        payload: { points: 1000, reason: 'welcome' },
        headers: { ...writer, 'idempotency-key': `earn-${id}` },
      });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const redeem = (memberId: string, key: string) =>
    app.inject({
      method: 'POST',
      url: `/v1/members/${memberId}/points/redeem`,
      payload: { points: 100, reason: 'coupon' },
      headers: { ...writer, 'idempotency-key': key },
    });
  const balance = async (memberId: string) =>
    (await app.inject({ url: `/v1/members/${memberId}/points`, headers: writer })).json().available;
  const blockMember = (value: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/risk/lists',
      payload: { list: 'block', kind: 'member', value },
      headers: admin,
    });

  it('records a risk decision for every new redemption and lets an unremarkable one through', async () => {
    const res = await redeem('g1', 'r-1');
    expect(res.statusCode, res.body).toBe(200);
    const decisions = await ctx.db
      .selectFrom('riskDecisions')
      .select(['action', 'decision'])
      .where('memberId', '=', 'g1')
      .execute();
    expect(decisions).toEqual([{ action: 'redeem', decision: 'allow' }]);
    expect(await balance('g1')).toBe(900);
  });

  it('refuses a blocked member’s redemption, posts nothing, and names the decision', async () => {
    expect((await blockMember('g2')).statusCode).toBe(201);
    const res = await redeem('g2', 'r-2');
    expect(res.statusCode).toBe(403);
    const error = res.json().error;
    expect(error.code).toBe('RISK_BLOCKED');
    expect(error.details[0].decisionId).toMatch(/^dec_/);
    // The list entry first, then whatever else the scenario saw (a week-old account here).
    expect(error.details[0].reasons).toEqual(['BLOCK_LIST', 'NEW_ACCOUNT_WEEK']);
    expect(await balance('g2')).toBe(1000);
  });

  it('replays a redemption already posted, even once the member is blocked', async () => {
    const first = await redeem('g1', 'r-3');
    expect(first.statusCode).toBe(200);
    await blockMember('g1');
    const before = await ctx.db
      .selectFrom('riskDecisions')
      .select('id')
      .where('memberId', '=', 'g1')
      .execute();
    const retry = await redeem('g1', 'r-3');
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const after = await ctx.db
      .selectFrom('riskDecisions')
      .select('id')
      .where('memberId', '=', 'g1')
      .execute();
    expect(after).toHaveLength(before.length);
    // A new redemption is judged, and refused.
    expect((await redeem('g1', 'r-4')).json().error.code).toBe('RISK_BLOCKED');
  });

  it('judges a member’s own transfer with their session’s address, and refuses it when blocked', async () => {
    await blockMember('g3');
    await app.inject({
      method: 'POST',
      url: '/v1/members/g3/points/earn',
      payload: { points: 500, reason: 'welcome' },
      headers: { ...writer, 'idempotency-key': 'earn-g3' },
    });
    const token = await memberToken(ctx, 'g3');
    const res = await app.inject({
      method: 'POST',
      url: '/v1/points/transfers',
      payload: { fromMemberId: 'g3', toMemberId: 'g2', points: 50, reason: 'gift' },
      headers: { ...bearer(token), 'idempotency-key': 't-1' },
      remoteAddress: '10.1.2.3',
    });
    expect(res.statusCode).toBe(403);
    const stored = await ctx.db
      .selectFrom('riskDecisions')
      .select(['inputs', 'decision'])
      .where('memberId', '=', 'g3')
      .where('action', '=', 'transfer')
      .executeTakeFirstOrThrow();
    expect(stored.decision).toBe('block');
    expect(JSON.parse(stored.inputs)).toMatchObject({
      recipientMemberId: 'g2',
      points: 50,
      context: { ip: '10.1.2.3' },
    });
  });
});
