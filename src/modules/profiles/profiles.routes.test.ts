import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { addItems, addMembers, event, ingest } from './profiles.testing.ts';

type Headers = { authorization: string };

describe.each(testDatabases())('profile routes on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;

  beforeEach(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false, webDist: false });
    await addMembers(ctx, 'm1', 'm2');
    await addItems(ctx, [{ id: 'sku-1', category: '服饰', brand: 'Acme' }]);
    await ingest(ctx, [event(ctx, 'view', 'm1', 2), event(ctx, 'order_paid', 'm1', 1, { itemId: 'sku-1' })]);
  });
  afterEach(async () => {
    await app?.close();
    await ctx?.close();
  });

  const get = (url: string, headers: Headers) => app.inject({ method: 'GET', url, headers });

  describe('GET /v1/members/{id}/profile', () => {
    it('shows operators and analysts the profile', async () => {
      for (const role of ['operator', 'analyst'] as const) {
        const res = await get('/v1/members/m1/profile', bearer((await operatorToken(ctx, role)).token));
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({
          memberId: 'm1',
          frequency: 1,
          monetary: { amount: 10_000, currency: 'CNY' },
          recencyDays: 1,
          topCategories: [{ name: '服饰' }],
          topBrands: [{ name: 'Acme' }],
          counts: { events: 2, views: 1 },
          lastOrderAt: new Date(ctx.clock.now() - 86_400_000).toISOString(),
        });
      }
    });

    it('lets a member read their own profile but not another member’s', async () => {
      const own = await get('/v1/members/m1/profile', bearer(await memberToken(ctx, 'm1')));
      expect(own.statusCode, own.body).toBe(200);
      // Another member's id answers 404, as if it did not exist (ids cannot be probed).
      const other = await get('/v1/members/m1/profile', bearer(await memberToken(ctx, 'm2')));
      expect(other.statusCode).toBe(404);
    });

    it('refuses an API key without profiles:read and accepts one with it', async () => {
      const without = await get(
        '/v1/members/m1/profile',
        bearer(await apiKeyWithScopes(ctx, ['members:read'])),
      );
      expect(without.statusCode).toBe(403);
      const withScope = await get(
        '/v1/members/m1/profile',
        bearer(await apiKeyWithScopes(ctx, ['profiles:read'])),
      );
      expect(withScope.statusCode).toBe(200);
    });

    it('answers 404 for unknown and deleted members, 401 without credentials', async () => {
      const operator = bearer((await operatorToken(ctx, 'operator')).token);
      expect((await get('/v1/members/nobody/profile', operator)).json().error.code).toBe('MEMBER_NOT_FOUND');
      await ctx.db
        .updateTable('members')
        .set({ deletedAt: ctx.clock.now() })
        .where('id', '=', 'm2')
        .execute();
      expect((await get('/v1/members/m2/profile', operator)).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/v1/members/m1/profile' })).statusCode).toBe(401);
    });
  });

  describe('POST /v1/profiles/rebuild', () => {
    it('queues a rebuild job for operators and refuses analysts', async () => {
      const operator = bearer((await operatorToken(ctx, 'operator')).token);
      const res = await app.inject({ method: 'POST', url: '/v1/profiles/rebuild', headers: operator });
      expect(res.statusCode, res.body).toBe(202);
      const { jobId } = res.json();
      const job = await get(`/v1/jobs/${jobId}`, operator);
      expect(job.json()).toMatchObject({ type: 'profiles.rebuild', status: 'queued' });
      const analyst = bearer((await operatorToken(ctx, 'analyst')).token);
      expect(
        (await app.inject({ method: 'POST', url: '/v1/profiles/rebuild', headers: analyst })).statusCode,
      ).toBe(403);
    });
  });
});
