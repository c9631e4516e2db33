import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { deleteMember } from '../members/index.ts';
import { ensureDefaultTiers, setTierOverride } from './index.ts';
import { addMember, order, recalculate, setTierSettings, upgrade } from './tiers.testing.ts';

const operator = { actorType: 'operator', actorId: 'op' };

describe.each(testDatabases())('tier statistics on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  beforeEach(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false, webDist: false });
  });
  afterEach(async () => {
    await app?.close();
    await ctx?.close();
  });

  /**
   * m1 silver (upgraded Nov 2025), m2 gold (Jan 2026), m3 pinned to platinum, m4 never
   * evaluated, m5 upgraded Dec 2024 and downgraded Jan 2026, m6 gold but deleted, m7's override
   * expired (not yet ended): the entry tier.
   */
  async function seed(): Promise<void> {
    await setTierSettings(ctx, { graceDays: 0 });
    await ensureDefaultTiers(ctx);
    for (const id of ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'])
      await addMember(ctx, id, '2024-01-01T00:00:00Z');
    ctx.clock.set(Date.UTC(2024, 11, 1));
    await order(ctx, 'm5', 1_000_00);
    await upgrade(ctx, 'm5');
    ctx.clock.set(Date.UTC(2025, 10, 10));
    await order(ctx, 'm1', 1_500_00);
    await upgrade(ctx, 'm1');
    ctx.clock.set(Date.UTC(2026, 0, 15));
    await order(ctx, 'm2', 5_000_00);
    await order(ctx, 'm6', 5_000_00);
    await upgrade(ctx, 'm2', 'm6');
    await deleteMember(ctx, 'm6', operator);
    await setTierOverride(ctx, 'm3', { tierId: 'platinum', reason: 'ambassador' }, operator);
    const until = new Date(Date.UTC(2026, 0, 16)).toISOString();
    await setTierOverride(ctx, 'm7', { tierId: 'gold', until, reason: 'trial' }, operator);
    await recalculate(ctx);
    ctx.clock.advance(1);
    await recalculate(ctx);
    ctx.clock.set(Date.UTC(2026, 0, 17));
  }

  it('counts members per tier in force and upgrades and downgrades per month', async () => {
    await seed();
    const analyst = bearer((await operatorToken(ctx, 'analyst')).token);
    const res = await app.inject({ method: 'GET', url: '/v1/stats/tiers', headers: analyst });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.distribution).toEqual([
      { tierId: 'member', nameZh: '普通', nameEn: 'Member', members: 3 },
      { tierId: 'silver', nameZh: '白银', nameEn: 'Silver', members: 1 },
      { tierId: 'gold', nameZh: '黄金', nameEn: 'Gold', members: 1 },
      { tierId: 'platinum', nameZh: '铂金', nameEn: 'Platinum', members: 1 },
    ]);
    expect(body.monthly).toHaveLength(12);
    expect(body.monthly[0]).toEqual({ month: '2025-02', upgrades: 0, downgrades: 0 });
    const active = body.monthly.filter(
      (m: { upgrades: number; downgrades: number }) => m.upgrades + m.downgrades > 0,
    );
    expect(active).toEqual([
      { month: '2025-11', upgrades: 1, downgrades: 0 },
      { month: '2026-01', upgrades: 2, downgrades: 1 },
    ]);
  });

  it('counts every member on the entry tier before any evaluation, and needs stats:read', async () => {
    for (const id of ['a', 'b']) await addMember(ctx, id);
    const key = bearer(await apiKeyWithScopes(ctx, ['stats:read']));
    const body = (await app.inject({ method: 'GET', url: '/v1/stats/tiers', headers: key })).json();
    expect(body.distribution.map((d: { members: number }) => d.members)).toEqual([2, 0, 0, 0]);
    expect(body.monthly.every((m: { upgrades: number }) => m.upgrades === 0)).toBe(true);
    const other = bearer(await apiKeyWithScopes(ctx, ['loyalty:read']));
    expect((await app.inject({ method: 'GET', url: '/v1/stats/tiers', headers: other })).statusCode).toBe(
      403,
    );
  });
});
