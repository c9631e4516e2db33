import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { upsertMember } from '../members/index.ts';
import { ingestEvents } from './index.ts';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const at = (offsetSeconds: number) => new Date(NOW + offsetSeconds * 1000).toISOString();

function paid(overrides: Record<string, unknown>) {
  return { type: 'order_paid', orderId: 'o-1', amount: { amount: 25900, currency: 'CNY' }, ...overrides };
}

describe.each(testDatabases())('reading events on %s', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let reader: { authorization: string };

  beforeAll(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false });
    reader = bearer(await apiKeyWithScopes(ctx, ['events:read']));
    await ctx.db.transaction().execute(async (trx) => {
      for (const id of ['m-1', 'm-list'])
        await upsertMember(ctx, trx, { id }, { actorType: 'system', actorId: 'test' });
    });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  describe('listing a member’s events', () => {
    beforeAll(async () => {
      const events = [
        { id: 'l-1', type: 'view', memberId: 'm-list', itemId: 'a', occurredAt: at(-500) },
        { id: 'l-2', type: 'view', memberId: 'm-list', itemId: 'b', occurredAt: at(-400) },
        { id: 'l-3a', type: 'login', memberId: 'm-list', occurredAt: at(-300) },
        { id: 'l-3b', type: 'login', memberId: 'm-list', occurredAt: at(-300) },
        paid({ id: 'l-4', memberId: 'm-list', occurredAt: at(-200), context: { ip: '198.51.100.7' } }),
      ];
      await ingestEvents(ctx, events);
    });

    it('pages newest first with ties broken by id and no event lost or repeated', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${cursor}` : '';
        const res = await app.inject({
          method: 'GET',
          url: `/v1/members/m-list/events?limit=2${query}`,
          headers: reader,
        });
        expect(res.statusCode).toBe(200);
        seen.push(...res.json().data.map((e: { id: string }) => e.id));
        cursor = res.json().nextCursor;
      } while (cursor);
      expect(seen).toEqual(['l-4', 'l-3b', 'l-3a', 'l-2', 'l-1']);
    });

    it('returns ISO times, money objects and context', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/v1/members/m-list/events?type=order_paid',
        headers: reader,
      });
      expect(res.json().data).toEqual([
        expect.objectContaining({
          id: 'l-4',
          occurredAt: at(-200),
          amount: { amount: 25900, currency: 'CNY' },
          price: null,
          context: { ip: '198.51.100.7', deviceId: null, userAgent: null, channel: null },
        }),
      ]);
    });

    it('filters by time window: from inclusive, to exclusive', async () => {
      const url = `/v1/members/m-list/events?from=${at(-400)}&to=${at(-200)}`;
      const res = await app.inject({ method: 'GET', url, headers: reader });
      expect(res.json().data.map((e: { id: string }) => e.id)).toEqual(['l-3b', 'l-3a', 'l-2']);
    });

    it('lets a member read their own events only', async () => {
      const own = bearer(await memberToken(ctx, 'm-list'));
      const mine = await app.inject({ method: 'GET', url: '/v1/members/m-list/events', headers: own });
      expect(mine.statusCode).toBe(200);
      expect(mine.json().data).toHaveLength(5);
      const other = await app.inject({ method: 'GET', url: '/v1/members/m-1/events', headers: own });
      expect(other.statusCode).toBe(404);
    });

    it('answers 404 for an unknown member and 400 for a bad cursor', async () => {
      const unknown = await app.inject({ method: 'GET', url: '/v1/members/nobody/events', headers: reader });
      expect(unknown.statusCode).toBe(404);
      const bad = await app.inject({
        method: 'GET',
        url: '/v1/members/m-list/events?cursor=abc',
        headers: reader,
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('REQUEST_CURSOR_INVALID');
    });
  });
});
