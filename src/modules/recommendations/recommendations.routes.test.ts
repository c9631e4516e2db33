import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { ingestEvents } from '../events/index.ts';
import { flushExposures } from './recommendations.exposure-log.ts';
import { insertPopular, saveTestModel, seedCatalogue, seedMembers } from './recommendations.serve.testing.ts';

type Headers = { authorization: string };

describe.each(testDatabases())('recommendation routes on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let analyst: Headers;
  let modelId: string;
  const at = (minutesAgo: number) => new Date(Date.UTC(2026, 0, 15, 12) - minutesAgo * 60_000).toISOString();

  beforeAll(async () => {
    ctx = await createTestContext(database);
    await seedCatalogue(ctx);
    await seedMembers(ctx, ['r-phone', 'r-new', 'r-other']);
    await ingestEvents(ctx, [
      { id: 'r-e1', type: 'view', memberId: 'r-phone', itemId: 'ac1', occurredAt: at(90) },
      {
        id: 'r-e2',
        type: 'order_paid',
        memberId: 'r-phone',
        itemId: 'ph1',
        orderId: 'o-r1',
        amount: { amount: 199_900, currency: 'CNY' },
        occurredAt: at(80),
      },
    ]);
    modelId = await saveTestModel(ctx);
    await insertPopular(ctx, 'all', 'all', ['cl1', 'cl2', 'fd1', 'ph2', 'ac2', 'cl3'], modelId);
    app = await buildApp(ctx, { docs: false, webDist: false });
    analyst = bearer((await operatorToken(ctx, 'analyst')).token);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const get = (url: string, headers?: Headers) =>
    app.inject({ method: 'GET', url, ...(headers ? { headers } : {}) });
  const post = (url: string, payload: object, headers: Headers) =>
    app.inject({ method: 'POST', url, payload, headers });

  describe('member lists', () => {
    it('scores a member online from their events with the trained model', async () => {
      const res = await get('/v1/members/r-phone/recommendations?limit=4&diversity=none', analyst);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        recommendationId: expect.stringMatching(/^rec_/),
        memberId: 'r-phone',
        strategy: 'online',
        model: { id: modelId, kind: 'item-knn', variant: null },
      });
      expect(body.items).toHaveLength(4);
      const ids = body.items.map((i: { itemId: string }) => i.itemId);
      expect(ids).not.toContain('ph1');
      expect(body.items.map((i: { reason: { code: string } }) => i.reason.code)).toContain('bought');
    });

    it('welcomes a member without events with the cold-start strategy', async () => {
      const res = await get('/v1/members/r-new/recommendations?limit=3', analyst);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ strategy: 'cold-start', items: [{ itemId: 'cl1' }, {}, {}] });
    });

    it('lets a member read their own list, by id or as /me, and answers 404 for another member’s', async () => {
      const own = bearer(await memberToken(ctx, 'r-phone'));
      expect((await get('/v1/members/r-phone/recommendations', own)).statusCode).toBe(200);
      const me = await get('/v1/me/recommendations?limit=2', own);
      expect(me.statusCode, me.body).toBe(200);
      expect(me.json()).toMatchObject({ memberId: 'r-phone', strategy: 'online' });
      const other = await get('/v1/members/r-other/recommendations', own);
      expect(other.statusCode).toBe(404);
      expect(other.json().error.code).toBe('MEMBER_NOT_FOUND');
    });

    it('answers 404 MEMBER_NOT_FOUND for an unknown member', async () => {
      const res = await get('/v1/members/ghost/recommendations', analyst);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('MEMBER_NOT_FOUND');
    });

    it('lists every bad query field', async () => {
      const res = await get(
        '/v1/members/r-phone/recommendations?limit=0&minPrice=-1&inStock=maybe&diversity=wild&categoryCap=0',
        analyst,
      );
      expect(res.statusCode).toBe(400);
      const paths = res.json().error.details.map((d: { path: string }) => d.path);
      for (const field of ['limit', 'minPrice', 'inStock', 'diversity', 'categoryCap']) {
        expect(paths.some((p: string) => p.endsWith(field))).toBe(true);
      }
    });

    it('refuses a price range upside down, beside other bad fields', async () => {
      const res = await get('/v1/members/r-phone/recommendations?minPrice=500&maxPrice=100', analyst);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].path).toMatch(/maxPrice$/);
      const both = await get(
        '/v1/members/r-phone/recommendations?minPrice=500&maxPrice=100&limit=0',
        analyst,
      );
      const paths = both.json().error.details.map((d: { path: string }) => d.path);
      expect(paths.some((p: string) => p.endsWith('limit'))).toBe(true);
      expect(paths.some((p: string) => p.endsWith('maxPrice'))).toBe(true);
    });
  });

  describe('scopes', () => {
    it('needs recommend:read for lists, similar items and sessions', async () => {
      const reader = bearer(await apiKeyWithScopes(ctx, ['recommend:read']));
      const other = bearer(await apiKeyWithScopes(ctx, ['members:read']));
      expect((await get('/v1/members/r-phone/recommendations', reader)).statusCode).toBe(200);
      expect((await get('/v1/members/r-phone/recommendations', other)).statusCode).toBe(403);
      expect((await get('/v1/items/ph1/similar', other)).statusCode).toBe(403);
      expect((await post('/v1/recommendations/session', { items: ['ph1'] }, other)).statusCode).toBe(403);
      expect((await get('/v1/members/r-phone/recommendations')).statusCode).toBe(401);
    });

    it('keeps /me for members and the report for models:read', async () => {
      const reader = bearer(await apiKeyWithScopes(ctx, ['recommend:read']));
      expect((await get('/v1/me/recommendations', reader)).statusCode).toBe(403);
      expect((await get('/v1/recommendations/report', reader)).statusCode).toBe(403);
      const member = bearer(await memberToken(ctx, 'r-phone'));
      expect((await get('/v1/items/ph1/similar', member)).statusCode).toBe(403);
      expect((await get('/v1/recommendations/report', analyst)).statusCode).toBe(200);
    });
  });

  describe('similar items and sessions', () => {
    it('lists items similar to an item, and 404 ITEM_NOT_FOUND for an unknown one', async () => {
      const res = await get('/v1/items/ph1/similar?limit=3&inStock=true', analyst);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        itemId: 'ph1',
        model: { id: modelId },
        recommendationId: expect.any(String),
      });
      expect(body.items).toHaveLength(3);
      expect(body.items[0].reason).toMatchObject({ code: 'similar', text: 'Similar to Phone 1' });
      const missing = await get('/v1/items/nope/similar', analyst);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('ITEM_NOT_FOUND');
    });

    it('recommends for a session whose items the model partly does not know', async () => {
      const res = await post(
        '/v1/recommendations/session',
        { items: ['unknown-9', 'ac1'], limit: 3 },
        analyst,
      );
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ strategy: 'session', memberId: null });
      expect(body.items).toHaveLength(3);
      expect(body.items.map((i: { itemId: string }) => i.itemId)).not.toContain('ac1');
      const none = await post('/v1/recommendations/session', { items: ['unknown-1'] }, analyst);
      expect(none.statusCode, none.body).toBe(200);
      const bad = await post('/v1/recommendations/session', { items: [], limit: 500, extra: 1 }, analyst);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('feedback and report', () => {
    it('counts a click and an order that came back with the list’s id', async () => {
      const store = bearer(await apiKeyWithScopes(ctx, ['recommend:read']));
      const list = (await get('/v1/members/r-other/recommendations?limit=5', store)).json();
      const [first] = list.items;
      const key = bearer(await apiKeyWithScopes(ctx, ['events:write']));
      const properties = { recommendationId: list.recommendationId };
      const events = {
        events: [
          {
            id: 'r-f1',
            type: 'view',
            memberId: 'r-other',
            itemId: first.itemId,
            occurredAt: at(1),
            properties,
          },
          {
            id: 'r-f2',
            type: 'order_paid',
            memberId: 'r-other',
            itemId: first.itemId,
            orderId: 'o-r2',
            amount: { amount: 100, currency: 'CNY' },
            occurredAt: at(0),
            properties,
          },
        ],
      };
      expect((await post('/v1/events', events, key)).statusCode).toBeLessThan(300);
      const report = await get('/v1/recommendations/report?from=2026-01-15&to=2026-01-15', analyst);
      expect(report.statusCode, report.body).toBe(200);
      const [variant] = report.json().variants;
      expect(variant).toMatchObject({
        variant: 'default',
        modelId,
        modelKind: 'item-knn',
        clicks: 1,
        orders: 1,
      });
      expect(variant.lists).toBeGreaterThanOrEqual(1);
      expect(variant.conversion).toBeGreaterThan(0);
    });

    it('logs an operator’s look at a member’s list as a preview, outside the member report', async () => {
      const before = await get('/v1/recommendations/report?from=2026-01-15&to=2026-01-15', analyst);
      const listsBefore = before.json().variants[0]?.lists ?? 0;
      const seen = (await get('/v1/members/r-new/recommendations', analyst)).json();
      await flushExposures(ctx.db);
      const row = await ctx.db
        .selectFrom('recommendationsServed')
        .select('surface')
        .where('id', '=', seen.recommendationId)
        .executeTakeFirstOrThrow();
      expect(row.surface).toBe('preview');
      const after = await get('/v1/recommendations/report?from=2026-01-15&to=2026-01-15', analyst);
      expect(after.json().variants[0]?.lists ?? 0).toBe(listsBefore);
      const previews = await get(
        '/v1/recommendations/report?from=2026-01-15&to=2026-01-15&surface=preview',
        analyst,
      );
      expect(previews.json().variants[0].lists).toBeGreaterThanOrEqual(1);
    });

    it('refuses a report range over a year or upside down', async () => {
      expect(
        (await get('/v1/recommendations/report?from=2024-01-01&to=2026-01-01', analyst)).statusCode,
      ).toBe(400);
      expect(
        (await get('/v1/recommendations/report?from=2026-01-10&to=2026-01-01', analyst)).statusCode,
      ).toBe(400);
    });
  });
});
