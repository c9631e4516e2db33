import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { buildShop, trainValue } from './value.testing.ts';

type Headers = { authorization: string };

describe.each(testDatabases())('value routes on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let analyst: Headers;

  beforeAll(async () => {
    ctx = await createTestContext(database);
    await buildShop(ctx, 60);
    const job = await trainValue(ctx);
    if (job.status !== 'succeeded') throw new Error(`training failed: ${job.error}`);
    app = await buildApp(ctx, { docs: false, webDist: false });
    analyst = bearer((await operatorToken(ctx, 'analyst')).token);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const get = (url: string, headers: Headers) => app.inject({ method: 'GET', url, headers });

  describe('a member’s value', () => {
    it('shows an analyst the scores, reasons, tier forecast and P(alive) history', async () => {
      const res = await get('/v1/members/lapsed-003/value', analyst);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        status: 'scored',
        modelId: expect.stringMatching(/^mdl_/),
        expectedSpend: { amount: expect.any(Number), currency: 'CNY' },
        clv: { amount: expect.any(Number), currency: 'CNY' },
        currentTier: expect.any(String),
        tierMove: expect.any(Number),
      });
      expect(body.pAlive).toBeGreaterThanOrEqual(0);
      expect(body.pAlive).toBeLessThanOrEqual(1);
      expect(body.churnRisk).toBeGreaterThan(0);
      expect(body.pAliveHistory[0]).toEqual({ at: expect.any(String), pAlive: expect.any(Number) });
    });

    it('lets a member read their own value, and answers 404 for another member’s so ids cannot be probed', async () => {
      const own = bearer(await memberToken(ctx, 'active-001'));
      expect((await get('/v1/members/active-001/value', own)).statusCode).toBe(200);
      expect((await get('/v1/members/active-002/value', own)).statusCode).toBe(404);
    });

    it('refuses an API key without profiles:read', async () => {
      const key = bearer(await apiKeyWithScopes(ctx, ['members:read']));
      expect((await get('/v1/members/active-001/value', key)).statusCode).toBe(403);
      expect((await get('/v1/value/overview', key)).statusCode).toBe(403);
      const reader = bearer(await apiKeyWithScopes(ctx, ['profiles:read']));
      expect((await get('/v1/members/active-001/value', reader)).statusCode).toBe(200);
    });

    it('says no_purchases for a member who never paid in the programme currency', async () => {
      const res = await get('/v1/members/cny0/value', analyst);
      expect(res.json()).toEqual({ status: 'not_scored', reason: 'no_purchases' });
    });
  });

  describe('shop-wide views', () => {
    it('summarises distributions, churn by tier, movers and the forecast backtest', async () => {
      const res = await get('/v1/value/overview', analyst);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.model).toMatchObject({ kind: 'value', state: 'active' });
      expect(body.model).not.toHaveProperty('artifact');
      expect(body.currency).toBe('CNY');
      const total = (buckets: { members: number }[]) => buckets.reduce((a, b) => a + b.members, 0);
      expect(total(body.clvDistribution)).toBe(body.scored);
      expect(total(body.pAliveDistribution)).toBe(body.scored);
      expect(body.pAliveDistribution.at(-1)).toMatchObject({ from: 0.9, to: 1 });
      expect(body.churnByTier.map((t: { tierId: string }) => t.tierId)).toEqual([
        'member',
        'silver',
        'gold',
        'platinum',
      ]);
      expect(body.churnByTier[0]).toMatchObject({
        nameEn: 'Member',
        nameZh: '普通',
        members: expect.any(Number),
      });
      expect(body.movers.up).toBeGreaterThanOrEqual(1);
      expect(body.movers.down).toBeGreaterThanOrEqual(1);
      expect(body.tierForecastAccuracy).toHaveProperty('accuracy');
      expect(body.tierForecastAccuracy).toHaveProperty('countOnly.calibration.up.brier');
    });

    it('totals the scored members’ CLV and horizon spend in the programme currency', async () => {
      const rows = await ctx.db.selectFrom('memberScores').select(['clv', 'expectedSpend']).execute();
      const sum = (key: 'clv' | 'expectedSpend') => rows.reduce((a, r) => a + Number(r[key]), 0);
      expect(sum('clv')).toBeGreaterThan(0);
      const body = (await get('/v1/value/overview', analyst)).json();
      expect(body.totalClv).toEqual({ amount: sum('clv'), currency: 'CNY' });
      expect(body.totalExpectedSpend).toEqual({ amount: sum('expectedSpend'), currency: 'CNY' });
    });

    it('pages through the members forecast to move up, and down', async () => {
      const first = await get('/v1/value/movers?direction=up&limit=1', analyst);
      expect(first.statusCode, first.body).toBe(200);
      const page = first.json();
      expect(page.data).toHaveLength(1);
      expect(page.data[0]).toEqual({
        memberId: expect.any(String),
        currentTier: expect.any(String),
        predictedTier: expect.any(String),
        tierMoveProbability: expect.any(Number),
        expectedSpend: { amount: expect.any(Number), currency: 'CNY' },
        clv: { amount: expect.any(Number), currency: 'CNY' },
        churnRisk: expect.any(Number),
      });
      const all = (await get('/v1/value/movers?direction=up&limit=500', analyst)).json();
      expect(all.data.map((m: { memberId: string }) => m.memberId)).toContain('up1');
      if (all.data.length > 1) {
        const second = (
          await get(`/v1/value/movers?direction=up&limit=1&cursor=${page.nextCursor}`, analyst)
        ).json();
        expect(second.data[0].memberId).toBe(all.data[1].memberId);
      }
      const down = (await get('/v1/value/movers?direction=down', analyst)).json();
      expect(down.data.map((m: { memberId: string }) => m.memberId)).toContain('down1');
    });

    it('lists movers most probable first, ties by member id, and pages in that order', async () => {
      type Mover = { memberId: string; tierMoveProbability: number };
      // A few more up-movers beside the trained ones, with a tie, so the order has something to show.
      const template = await ctx.db
        .selectFrom('memberScores')
        .selectAll()
        .where('tierMove', '=', 1)
        .executeTakeFirstOrThrow();
      const extra = [0.99, 0.7, 0.7, 0.55, 0.7].map((p, k) => ({
        ...template,
        memberId: `zz-mover-${k}`,
        tierMoveProbability: p,
      }));
      await ctx.db.insertInto('memberScores').values(extra).execute();
      const all = (await get('/v1/value/movers?direction=up&limit=500', analyst)).json().data as Mover[];
      expect(all.length).toBeGreaterThanOrEqual(6);
      expect(all.filter((m) => m.tierMoveProbability === 0.7).map((m) => m.memberId)).toEqual([
        'zz-mover-1',
        'zz-mover-2',
        'zz-mover-4',
      ]);
      for (let k = 1; k < all.length; k++) {
        const [a, b] = [all[k - 1] as Mover, all[k] as Mover];
        expect(a.tierMoveProbability).toBeGreaterThanOrEqual(b.tierMoveProbability);
        if (a.tierMoveProbability === b.tierMoveProbability) expect(a.memberId < b.memberId).toBe(true);
        expect(b.tierMoveProbability).toBeGreaterThanOrEqual(0.5);
      }
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/v1/value/movers?direction=up&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await get(url, analyst)).json() as { data: Mover[]; nextCursor: string | null };
        paged.push(...page.data.map((m) => m.memberId));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(paged).toEqual(all.map((m) => m.memberId));
      await ctx.db.deleteFrom('memberScores').where('memberId', 'like', 'zz-mover-%').execute();
    });

    it('rejects an unknown direction', async () => {
      expect((await get('/v1/value/movers?direction=sideways', analyst)).statusCode).toBe(400);
    });
  });
});
