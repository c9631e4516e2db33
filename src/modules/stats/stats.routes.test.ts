import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { rebuildDailyStats } from './index.ts';

// The clock stands at 2026-01-15T12:00Z (ManualClock's default).
const MEMBERS = [
  { id: 'm1' },
  { id: 'm2', registeredAt: '2026-01-10T08:00:00Z' },
  { id: 'm3', registeredAt: '2025-12-20T00:00:00Z' },
  { id: 'm4', registeredAt: '2026-01-14T23:00:00Z' },
  { id: 'm5', registeredAt: '2025-11-01T00:00:00Z' },
];
const ITEMS = [
  {
    id: 'sku-a',
    title: 'Runner',
    categoryPath: ['Shoes', 'Running'],
    price: { amount: 12000, currency: 'CNY' },
  },
  { id: 'sku-b', title: 'Tote', categoryPath: ['Bags'], price: { amount: 5000, currency: 'CNY' } },
  { id: 'sku-c', title: 'Sandal', categoryPath: ['Shoes'], price: { amount: 3000, currency: 'CNY' } },
];
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const EVENTS = [
  { id: 'e1', type: 'view', memberId: 'm1', itemId: 'sku-a', occurredAt: '2026-01-15T09:00:00Z' },
  {
    id: 'e2',
    type: 'order_paid',
    memberId: 'm2',
    itemId: 'sku-a',
    orderId: 'o1',
    amount: cny(12000),
    occurredAt: '2026-01-13T10:00:00Z',
  },
  {
    id: 'e3',
    type: 'order_paid',
    memberId: 'm2',
    itemId: 'sku-b',
    orderId: 'o1',
    amount: cny(5000),
    occurredAt: '2026-01-13T23:59:59Z',
  },
  {
    id: 'e4',
    type: 'order_paid',
    memberId: 'm3',
    itemId: 'sku-c',
    orderId: 'o2',
    amount: cny(3000),
    occurredAt: '2026-01-14T00:00:00Z',
  },
  {
    id: 'e5',
    type: 'order_refunded',
    memberId: 'm3',
    itemId: 'sku-c',
    orderId: 'o2',
    amount: cny(3000),
    occurredAt: '2026-01-15T01:00:00Z',
  },
  {
    id: 'e6',
    type: 'order_paid',
    memberId: 'm3',
    itemId: 'sku-b',
    orderId: 'o3',
    amount: { amount: 999, currency: 'USD' },
    occurredAt: '2026-01-14T05:00:00Z',
  },
  { id: 'e7', type: 'login', memberId: 'm5', occurredAt: '2025-12-20T10:00:00Z' },
];

describe.each(testDatabases())('GET /v1/stats/overview on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let analyst: { authorization: string };

  beforeAll(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false });
    const store = bearer(await apiKeyWithScopes(ctx, ['members:write', 'items:write', 'events:write']));
    analyst = bearer((await operatorToken(ctx, 'analyst')).token);
    const post = async (url: string, payload: unknown) => {
      const res = await app.inject({ method: 'POST', url, headers: store, payload: payload as object });
      expect(res.statusCode, res.body).toBeLessThan(300);
    };
    for (const m of MEMBERS) await post('/v1/members', m);
    await post('/v1/items/batch', { items: ITEMS });
    await post('/v1/events', { events: EVENTS });
    // A retry of the same batch is acknowledged and must not count twice.
    await post('/v1/events', { events: EVENTS });
    const deleted = await app.inject({ method: 'DELETE', url: '/v1/members/m4', headers: store });
    expect(deleted.statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const overview = (query: string, headers = analyst) =>
    app.inject({ method: 'GET', url: `/v1/stats/overview${query}`, headers });

  describe('numbers', () => {
    it('gives exact counts, GMV, refunds and top categories for a known shop', async () => {
      const res = await overview('?from=2026-01-12&to=2026-01-15');
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ from: '2026-01-12', to: '2026-01-15', currency: 'CNY' });
      expect(body.members).toEqual({
        total: 4,
        new7d: 3,
        new30d: 4,
        active7d: 3,
        active30d: 4,
        newInRange: 2,
      });
      const zero = { orders: 0, gmv: cny(0), refunds: 0 };
      expect(body.daily).toEqual([
        { day: '2026-01-12', ...zero, newMembers: 0, events: 0 },
        { day: '2026-01-13', orders: 2, gmv: cny(17000), refunds: 0, newMembers: 0, events: 2 },
        { day: '2026-01-14', orders: 1, gmv: cny(3000), refunds: 0, newMembers: 1, events: 2 },
        { day: '2026-01-15', ...zero, refunds: 1, newMembers: 1, events: 2 },
      ]);
      expect(body.eventsByType).toEqual([
        { day: '2026-01-12', counts: { order_paid: 0, order_refunded: 0, view: 0 } },
        { day: '2026-01-13', counts: { order_paid: 2, order_refunded: 0, view: 0 } },
        { day: '2026-01-14', counts: { order_paid: 2, order_refunded: 0, view: 0 } },
        { day: '2026-01-15', counts: { order_paid: 0, order_refunded: 1, view: 1 } },
      ]);
      expect(body.topCategories).toEqual([
        { category: 'Shoes', orders: 2, revenue: cny(15000) },
        { category: 'Bags', orders: 1, revenue: cny(5000) },
      ]);
    });

    it('defaults to the last 30 days, today included, every day present', async () => {
      const body = (await overview('')).json();
      expect([body.from, body.to]).toEqual(['2025-12-17', '2026-01-15']);
      expect(body.daily).toHaveLength(30);
      expect(body.daily.find((d: { day: string }) => d.day === '2025-12-20')).toMatchObject({
        events: 1,
        newMembers: 1,
      });
      expect(body.daily.reduce((sum: number, d: { events: number }) => sum + d.events, 0)).toBe(7);
    });

    it('answers the same after a full rebuild of the aggregates', async () => {
      const before = (await overview('?from=2025-12-01&to=2026-01-15')).json();
      await rebuildDailyStats(ctx);
      expect((await overview('?from=2025-12-01&to=2026-01-15')).json()).toEqual(before);
    });

    it('falls back to CNY and zeros on an empty range', async () => {
      const body = (await overview('?from=2024-03-01&to=2024-03-02')).json();
      expect(body.daily.map((d: { events: number }) => d.events)).toEqual([0, 0]);
      expect(body.eventsByType).toEqual([
        { day: '2024-03-01', counts: {} },
        { day: '2024-03-02', counts: {} },
      ]);
      expect(body.topCategories).toEqual([]);
      expect(body.members.newInRange).toBe(0);
    });
  });

  describe('date range validation', () => {
    const paths = async (query: string) => {
      const res = await overview(query);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      return res
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort();
    };

    it('lists every malformed or impossible date', async () => {
      expect(await paths('?from=2026-02-30&to=yesterday')).toEqual(['query.from', 'query.to']);
      expect(await paths('?from=2026-1-5')).toEqual(['query.from']);
    });

    it('refuses from after to, and ranges over 366 days', async () => {
      expect(await paths('?from=2026-01-10&to=2026-01-09')).toEqual(['query.from', 'query.to']);
      expect(await paths('?from=2025-01-01&to=2026-01-02')).toEqual(['query.from', 'query.to']);
      expect(await paths('?from=2026-02-01')).toEqual(['query.from', 'query.to']);
    });

    it('accepts exactly 366 days and a single day', async () => {
      const year = await overview('?from=2025-01-15&to=2026-01-15');
      expect(year.statusCode).toBe(200);
      expect(year.json().daily).toHaveLength(366);
      expect((await overview('?from=2026-01-13&to=2026-01-13')).json().daily).toHaveLength(1);
    });

    it('rejects unknown query parameters', async () => {
      expect(await paths('?days=7')).toEqual(['query']);
    });
  });

  describe('who may read it', () => {
    it('lets admins, operators, analysts and keys with stats:read in', async () => {
      for (const role of ['admin', 'operator', 'analyst'] as const) {
        const headers = bearer((await operatorToken(ctx, role)).token);
        expect((await overview('', headers)).statusCode).toBe(200);
      }
      const key = bearer(await apiKeyWithScopes(ctx, ['stats:read']));
      expect((await overview('', key)).statusCode).toBe(200);
    });

    it('refuses auditors, keys without the scope and members with 403, strangers with 401', async () => {
      const auditor = bearer((await operatorToken(ctx, 'auditor')).token);
      const key = bearer(await apiKeyWithScopes(ctx, ['members:read']));
      const member = bearer(await memberToken(ctx, 'm1'));
      for (const headers of [auditor, key, member]) {
        const res = await overview('', headers);
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('AUTH_FORBIDDEN');
      }
      const none = await app.inject({ method: 'GET', url: '/v1/stats/overview' });
      expect(none.statusCode).toBe(401);
    });
  });
});
