import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { runJob } from '../jobs/index.ts';
import { DEFAULT_TIERS, ensureDefaultTiers } from './index.ts';
import { addMember, historyOf, order, upgrade } from './tiers.testing.ts';

type Headers = { authorization: string };

describe.each(testDatabases())('tier routes on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let operator: Headers;
  let analyst: Headers;
  let store: Headers;

  beforeEach(async () => {
    ctx = await createTestContext(database);
    await ensureDefaultTiers(ctx);
    app = await buildApp(ctx, { docs: false, webDist: false });
    operator = bearer((await operatorToken(ctx, 'operator')).token);
    analyst = bearer((await operatorToken(ctx, 'analyst')).token);
    store = bearer(await apiKeyWithScopes(ctx, ['loyalty:read', 'loyalty:write', 'points:read']));
    for (const id of ['m1', 'm2']) await addMember(ctx, id, '2025-03-01T00:00:00Z');
  });
  afterEach(async () => {
    await app?.close();
    await ctx?.close();
  });

  const call = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, headers: Headers, payload?: object) =>
    app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const ladder = () => DEFAULT_TIERS.map((t) => ({ ...t }));

  describe('the ladder', () => {
    it('lists the default ladder with the settings that give thresholds their unit', async () => {
      const res = await call('GET', '/v1/loyalty/tiers', analyst);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.tiers.map((t: { id: string }) => t.id)).toEqual(['member', 'silver', 'gold', 'platinum']);
      expect(body.tiers[2]).toMatchObject({
        position: 2,
        nameZh: '黄金',
        entryThreshold: 500_000,
        retainThreshold: 400_000,
        benefits: { earningMultiplier: 1.5, freeShipping: true },
      });
      expect(body.settings).toEqual({
        metric: 'spend',
        window: 'rolling_12_months',
        graceDays: 30,
        currency: 'CNY',
      });
    });

    it('installs the defaults once', async () => {
      await ensureDefaultTiers(ctx);
      const rows = await ctx.db.selectFrom('loyaltyTiers').select('id').execute();
      expect(rows).toHaveLength(4);
    });

    it('replaces the ladder, takes a GET body back, and audits the change', async () => {
      const current = (await call('GET', '/v1/loyalty/tiers', operator)).json();
      const tiers = current.tiers.map((t: { id: string; nameEn: string }) =>
        t.id === 'gold' ? { ...t, nameEn: 'Gold+', color: '#FFD700' } : t,
      );
      const res = await call('PUT', '/v1/loyalty/tiers', operator, { tiers, reason: 'rename gold' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().tiers[2]).toMatchObject({ nameEn: 'Gold+', color: '#FFD700' });
      const audit = await ctx.db
        .selectFrom('auditLog')
        .select('action')
        .where('action', '=', 'loyalty.tiers.replace')
        .execute();
      expect(audit).toHaveLength(1);
    });

    it('refuses to save over a ladder someone changed since it was read', async () => {
      const read = (await call('GET', '/v1/loyalty/tiers', operator)).json();
      ctx.clock.advance(1_000);
      const first = await call('PUT', '/v1/loyalty/tiers', operator, {
        tiers: read.tiers,
        updatedAt: read.updatedAt,
      });
      expect(first.statusCode, first.body).toBe(200);
      const stale = await call('PUT', '/v1/loyalty/tiers', operator, {
        tiers: read.tiers,
        updatedAt: read.updatedAt,
      });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe('TIER_LADDER_CONFLICT');
      const fresh = await call('PUT', '/v1/loyalty/tiers', operator, {
        tiers: read.tiers,
        updatedAt: first.json().updatedAt,
      });
      expect(fresh.statusCode).toBe(200);
    });

    it('lists every bad field of a ladder, cross-field rules included', async () => {
      const tiers = ladder();
      tiers[0] = { ...tiers[0]!, entryThreshold: 5, retainThreshold: 0 };
      tiers[1] = { ...tiers[1]!, nameEn: '', retainThreshold: 200_000 };
      tiers[2] = { ...tiers[2]!, id: 'silver', entryThreshold: 100_000, color: 'gold' };
      tiers[3] = { ...tiers[3]!, benefits: { earningMultiplier: 0.5 } };
      const res = await call('PUT', '/v1/loyalty/tiers', operator, {
        tiers: [...tiers, { id: 'x', nameZh: '钻石' }],
        memberMapping: { platinum: 'nowhere' },
      });
      expect(res.statusCode).toBe(400);
      const paths = res
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort();
      expect(paths).toEqual(
        [
          'tiers.0.entryThreshold',
          'tiers.1.nameEn',
          'tiers.1.retainThreshold',
          'tiers.2.id',
          'tiers.2.entryThreshold',
          'tiers.2.color',
          'tiers.2.retainThreshold',
          'tiers.3.benefits.earningMultiplier',
          'tiers.4.nameEn',
          'tiers.4.entryThreshold',
          'tiers.4.retainThreshold',
          'tiers.4.benefits',
          'memberMapping.platinum',
          'memberMapping.platinum',
        ].sort(),
      );
    });

    it('refuses to drop a tier members hold unless they are mapped, then moves them', async () => {
      await order(ctx, 'm1', 600_000);
      await upgrade(ctx, 'm1');
      const withoutGold = ladder().filter((t) => t.id !== 'gold');
      const refused = await call('PUT', '/v1/loyalty/tiers', operator, { tiers: withoutGold });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toMatchObject({
        code: 'TIER_IN_USE',
        details: [{ path: 'memberMapping.gold', tierId: 'gold', members: 1 }],
      });

      const res = await call('PUT', '/v1/loyalty/tiers', operator, {
        tiers: withoutGold,
        memberMapping: { gold: 'silver' },
      });
      expect(res.statusCode, res.body).toBe(200);
      const tier = (await call('GET', '/v1/members/m1/tier', operator)).json();
      expect(tier.tier.id).toBe('silver');
      expect(await historyOf(ctx, 'm1')).toEqual(['upgrade member→gold', 'ladder_change gold→silver']);
    });

    it('needs loyalty:write to change the ladder', async () => {
      const res = await call('PUT', '/v1/loyalty/tiers', analyst, { tiers: ladder() });
      expect(res.statusCode).toBe(403);
    });
  });

  describe('a member’s tier', () => {
    it('moves up as soon as an ingested order crosses a threshold', async () => {
      const shop = bearer(await apiKeyWithScopes(ctx, ['events:write']));
      const paid = (id: string, amount: number) => ({
        id,
        type: 'order_paid',
        memberId: 'm1',
        orderId: `o-${id}`,
        amount: { amount, currency: 'CNY' },
        occurredAt: new Date(ctx.clock.now()).toISOString(),
      });
      const post = (events: object[]) => call('POST', '/v1/events', shop, { events });
      expect((await post([paid('e1', 90_000)])).statusCode).toBeLessThan(300);
      expect((await call('GET', '/v1/members/m1/tier', store)).json().tier.id).toBe('member');
      expect((await post([paid('e2', 450_000)])).statusCode).toBeLessThan(300);
      const tier = (await call('GET', '/v1/members/m1/tier', store)).json();
      expect([tier.tier.id, tier.progress.current]).toEqual(['gold', 540_000]);
      // A retried batch is not counted twice.
      await post([paid('e2', 450_000)]);
      expect(await historyOf(ctx, 'm1')).toEqual(['upgrade member→gold']);
    });

    it('shows a member never evaluated on the entry tier since registration', async () => {
      const res = await call('GET', '/v1/members/m2/tier', store);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        memberId: 'm2',
        tier: { id: 'member', nameZh: '普通', benefits: { earningMultiplier: 1 } },
        since: '2025-03-01T00:00:00.000Z',
        validUntil: null,
        override: null,
        progress: { current: 0, nextTier: { id: 'silver' }, neededForNext: 100_000, neededToKeep: 0 },
      });
    });

    it('lets members read their own tier and history only', async () => {
      const own = bearer(await memberToken(ctx, 'm1'));
      expect((await call('GET', '/v1/members/m1/tier', own)).statusCode).toBe(200);
      expect((await call('GET', '/v1/me/tier', own)).json().memberId).toBe('m1');
      expect((await call('GET', '/v1/members/m1/tier/history', own)).statusCode).toBe(200);
      expect((await call('GET', '/v1/members/m2/tier', own)).statusCode).toBe(404);
      expect((await call('GET', '/v1/members/nobody/tier', operator)).json().error.code).toBe(
        'MEMBER_NOT_FOUND',
      );
    });

    it('pages the history newest first', async () => {
      for (const amount of [100_000, 400_000, 1_500_000]) {
        ctx.clock.advance(60_000);
        await order(ctx, 'm1', amount);
        await upgrade(ctx, 'm1');
      }
      const first = (await call('GET', '/v1/members/m1/tier/history?limit=2', operator)).json();
      expect(first.data.map((h: { toTier: string }) => h.toTier)).toEqual(['platinum', 'gold']);
      expect(first.data[0]).toMatchObject({
        fromTier: 'gold',
        change: 'upgrade',
        metricValue: 2_000_000,
        actor: { type: 'system', id: 'events' },
      });
      const rest = (
        await call('GET', `/v1/members/m1/tier/history?limit=2&cursor=${first.nextCursor}`, operator)
      ).json();
      expect(rest.data.map((h: { toTier: string }) => h.toTier)).toEqual(['silver']);
      expect(rest.nextCursor).toBeNull();
    });
  });

  describe('overrides', () => {
    it('sets and ends an override, audited and in the history', async () => {
      const set = await call('POST', '/v1/members/m1/tier/override', operator, {
        tierId: 'gold',
        until: '2026-03-01T00:00:00Z',
        reason: 'service recovery',
      });
      expect(set.statusCode, set.body).toBe(200);
      expect(set.json()).toMatchObject({
        tier: { id: 'gold' },
        validUntil: '2026-03-01T00:00:00.000Z',
        override: { tierId: 'gold', until: '2026-03-01T00:00:00.000Z', reason: 'service recovery' },
      });
      const ended = await call('DELETE', '/v1/members/m1/tier/override', operator, { reason: 'resolved' });
      expect(ended.statusCode, ended.body).toBe(200);
      expect(ended.json()).toMatchObject({ tier: { id: 'member' }, override: null });
      expect(await historyOf(ctx, 'm1')).toEqual(['override member→gold', 'override_end gold→member']);
      const actions = await ctx.db
        .selectFrom('auditLog')
        .select('action')
        .where('targetId', '=', 'm1')
        .where('action', 'like', 'member.tier.%')
        .orderBy('seq')
        .execute();
      expect(actions.map((a) => a.action)).toEqual(['member.tier.override', 'member.tier.override_end']);
    });

    it('is for operators only, names a tier of the ladder and a future end', async () => {
      const body = { tierId: 'gold', reason: 'x' };
      expect((await call('POST', '/v1/members/m1/tier/override', store, body)).statusCode).toBe(403);
      expect((await call('POST', '/v1/members/m1/tier/override', analyst, body)).statusCode).toBe(403);
      const unknown = await call('POST', '/v1/members/m1/tier/override', operator, {
        ...body,
        tierId: 'diamond',
      });
      expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'TIER_NOT_FOUND']);
      const past = await call('POST', '/v1/members/m1/tier/override', operator, {
        ...body,
        until: '2020-01-01T00:00:00Z',
      });
      expect(past.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'until' }] });
      const noReason = await call('POST', '/v1/members/m1/tier/override', operator, { tierId: 'gold' });
      expect(noReason.json().error.details.map((d: { path: string }) => d.path)).toEqual(['reason']);
      const none = await call('DELETE', '/v1/members/m2/tier/override', operator, { reason: 'x' });
      expect([none.statusCode, none.json().error.code]).toEqual([404, 'TIER_OVERRIDE_NOT_FOUND']);
    });
  });

  describe('recalculation', () => {
    it('queues a job (202) that the runner completes with counts', async () => {
      await order(ctx, 'm1', 600_000);
      const res = await call('POST', '/v1/loyalty/tiers/recalculate', operator);
      expect(res.statusCode, res.body).toBe(202);
      const { job } = res.json();
      expect(job).toMatchObject({ type: 'tiers.recalculate', status: 'queued' });
      const done = await runJob(ctx, job.id);
      expect(done).toMatchObject({
        status: 'succeeded',
        progress: { done: 2, total: 2 },
        result: { evaluated: 2, upgraded: 1, downgraded: 0, unchanged: 1, overridesEnded: 0 },
      });
      expect((await call('POST', '/v1/loyalty/tiers/recalculate', analyst)).statusCode).toBe(403);
    });
  });
});
