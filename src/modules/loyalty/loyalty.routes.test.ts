import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { upsertMember } from '../members/index.ts';
import { ensureDefaultProgramme } from './index.ts';

const baseRule = {
  name: 'Double points weekend',
  trigger: 'order_paid',
  priority: 30,
  condition: { field: 'date.dayOfWeek', op: 'in', value: [6, 7] },
  action: { type: 'multiplier', factor: 2 },
};

async function auditActions(ctx: TestContext, targetId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('auditLog')
    .select('action')
    .where('targetId', '=', targetId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.action);
}

const paths = (body: { error: { details: { path: string }[] } }) => body.error.details.map((d) => d.path);

describe.each(testDatabases())('loyalty rules API on %s', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let writer: string;
  let reader: string;

  beforeEach(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false, webDist: false });
    writer = await apiKeyWithScopes(ctx, ['loyalty:read', 'loyalty:write', 'members:read']);
    reader = await apiKeyWithScopes(ctx, ['loyalty:read']);
  });
  afterEach(async () => {
    await app.close();
    await ctx.close();
  });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) =>
    app.inject({ method, url: `/v1${url}`, headers: bearer(token), payload: payload as object });

  it('creates a rule with defaults, reads it, lists it by trigger and status, and audits it', async () => {
    const created = await call('POST', '/loyalty/rules', writer, baseRule);
    expect(created.statusCode).toBe(201);
    const rule = created.json();
    expect(rule).toMatchObject({
      id: expect.stringMatching(/^rule_/),
      status: 'active',
      stacking: 'stack',
      qualifying: false,
      version: 1,
      cap: null,
      validFrom: null,
    });
    expect((await call('GET', `/loyalty/rules/${rule.id}`, reader)).json()).toEqual(rule);
    await call('POST', '/loyalty/rules', writer, {
      name: 'Base',
      trigger: 'order_paid',
      priority: 10,
      action: { type: 'per_amount', points: 1 },
    });
    await call('POST', '/loyalty/rules', writer, {
      name: 'Shares',
      trigger: 'share',
      status: 'inactive',
      action: { type: 'fixed', points: 5 },
    });
    const orders = (await call('GET', '/loyalty/rules?trigger=order_paid', reader)).json();
    expect(orders.data.map((r: { name: string }) => r.name)).toEqual(['Base', 'Double points weekend']);
    expect(orders.data[0]).toMatchObject({
      qualifying: true,
      action: { type: 'per_amount', points: 1, per: 1 },
    });
    const inactive = (await call('GET', '/loyalty/rules?status=inactive', reader)).json();
    expect(inactive.data.map((r: { name: string }) => r.name)).toEqual(['Shares']);
    const page = (await call('GET', '/loyalty/rules?limit=2', reader)).json();
    expect(page.data).toHaveLength(2);
    const rest = (await call('GET', `/loyalty/rules?limit=2&cursor=${page.nextCursor}`, reader)).json();
    expect(rest).toMatchObject({ data: [{ name: 'Shares' }], nextCursor: null });
    expect(await auditActions(ctx, rule.id)).toEqual(['loyalty.rule.create']);
  });

  it('lists every bad field of a rule, deep inside the condition too', async () => {
    const res = await call('POST', '/loyalty/rules', writer, {
      name: '',
      trigger: 'order_refunded',
      condition: {
        all: [
          { field: 'event.colour', op: 'eq', value: 'red' },
          { field: 'event.amount', op: 'gt', value: 'lots' },
        ],
      },
      action: { type: 'per_amount', points: 0 },
      cap: { points: 10, period: 'fortnight' },
      validFrom: '2026-02-01T00:00:00Z',
      validUntil: '2026-01-01T00:00:00Z',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(paths(res.json()).sort()).toEqual(
      [
        'name',
        'trigger',
        'condition.all.0.field',
        'condition.all.1.value',
        'action.points',
        'cap.period',
        'validUntil',
      ].sort(),
    );
  });

  it('replaces a rule over its version; a stale version is 409 and changes nothing', async () => {
    const rule = (await call('POST', '/loyalty/rules', writer, baseRule)).json();
    const replaced = await call('PUT', `/loyalty/rules/${rule.id}`, writer, {
      ...baseRule,
      name: 'Triple points weekend',
      action: { type: 'multiplier', factor: 3 },
      version: 1,
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({
      version: 2,
      name: 'Triple points weekend',
      createdAt: rule.createdAt,
    });
    const stale = await call('PUT', `/loyalty/rules/${rule.id}`, writer, { ...baseRule, version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('LOYALTY_RULE_VERSION_CONFLICT');
    expect((await call('GET', `/loyalty/rules/${rule.id}`, reader)).json().name).toBe(
      'Triple points weekend',
    );
    const missing = await call('PUT', '/loyalty/rules/rule_nope', writer, { ...baseRule, version: 1 });
    expect(missing.json().error.code).toBe('LOYALTY_RULE_NOT_FOUND');
    const noVersion = await call('PUT', `/loyalty/rules/${rule.id}`, writer, baseRule);
    expect(paths(noVersion.json())).toEqual(['version']);
  });

  it('archives a rule, keeps every version, and audits each change', async () => {
    const rule = (await call('POST', '/loyalty/rules', writer, baseRule)).json();
    await call('PUT', `/loyalty/rules/${rule.id}`, writer, { ...baseRule, priority: 40, version: 1 });
    const stale = await call('POST', `/loyalty/rules/${rule.id}/archive`, writer, { version: 1 });
    expect(stale.statusCode).toBe(409);
    const archived = await call('POST', `/loyalty/rules/${rule.id}/archive`, writer, { version: 2 });
    expect(archived.json()).toMatchObject({ status: 'archived', version: 3 });
    const again = await call('POST', `/loyalty/rules/${rule.id}/archive`, writer);
    expect(again.json().version).toBe(3);
    const versions = (await call('GET', `/loyalty/rules/${rule.id}/versions`, reader)).json().data;
    expect(
      versions.map((v: { version: number; rule: { status: string; priority: number } }) => [
        v.version,
        v.rule.status,
        v.rule.priority,
      ]),
    ).toEqual([
      [3, 'archived', 40],
      [2, 'active', 40],
      [1, 'active', 30],
    ]);
    expect(versions[0].changedBy).toEqual(expect.any(String));
    expect(await auditActions(ctx, rule.id)).toEqual([
      'loyalty.rule.create',
      'loyalty.rule.update',
      'loyalty.rule.archive',
    ]);
    expect((await call('GET', '/loyalty/rules/rule_nope/versions', reader)).statusCode).toBe(404);
  });

  it('needs loyalty:read to read and loyalty:write to change; analysts only read', async () => {
    expect((await call('POST', '/loyalty/rules', reader, baseRule)).statusCode).toBe(403);
    const analyst = await operatorToken(ctx, 'analyst');
    expect((await call('GET', '/loyalty/rules', analyst.token)).statusCode).toBe(200);
    expect((await call('POST', '/loyalty/rules', analyst.token, baseRule)).statusCode).toBe(403);
    const operator = await operatorToken(ctx, 'operator');
    expect((await call('POST', '/loyalty/rules', operator.token, baseRule)).statusCode).toBe(201);
    const none = await apiKeyWithScopes(ctx, ['points:read']);
    expect((await call('GET', '/loyalty/programme', none)).statusCode).toBe(403);
    expect((await app.inject({ url: '/v1/loyalty/rules' })).statusCode).toBe(401);
  });

  it('programme settings: defaults on first read, optimistic replace, audited', async () => {
    const first = (await call('GET', '/loyalty/programme', reader)).json();
    expect(first).toMatchObject({ version: 1, settings: { currency: 'CNY', pendingDays: 7 } });
    const settings = { ...first.settings, pendingDays: 14, expiry: { policy: 'end_of_year', years: 1 } };
    const saved = await call('PUT', '/loyalty/programme', writer, { settings, version: 1 });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ version: 2, settings: { pendingDays: 14 } });
    const stale = await call('PUT', '/loyalty/programme', writer, { settings, version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('LOYALTY_PROGRAMME_VERSION_CONFLICT');
    const bad = await call('PUT', '/loyalty/programme', writer, {
      settings: { ...settings, currency: 'yuan', pendingDays: -1, extra: true },
      version: 2,
    });
    expect(paths(bad.json()).sort()).toEqual(['settings', 'settings.currency', 'settings.pendingDays']);
    const audit = await ctx.db
      .selectFrom('auditLog')
      .select(['action', 'details'])
      .where('action', '=', 'loyalty.programme.update')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.details ?? '{}').changed).toEqual(['pendingDays', 'expiry']);
  });

  describe('preview', () => {
    const preview = (body: unknown, token = writer) => call('POST', '/loyalty/rules/preview', token, body);
    const paid = { type: 'order_paid', amount: { amount: 12_999, currency: 'CNY' } };

    it('previews the saved active rules without writing anything', async () => {
      await ensureDefaultProgramme(ctx);
      const before = await ctx.db.selectFrom('auditLog').select('id').execute();
      const res = await preview({ event: paid });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        total: 129,
        pending: true,
        pendingUntil: new Date(ctx.clock.now() + 7 * 86_400_000).toISOString(),
        expiresAt: new Date(ctx.clock.now() + 365 * 86_400_000).toISOString(),
        lines: [{ ruleName: 'Points on paid orders', points: 129, qualifying: 129 }],
      });
      expect(res.json().rules[1]).toMatchObject({
        name: 'Tier bonus',
        matched: true,
        skippedBecause: 'no_points',
      });
      expect(await ctx.db.selectFrom('auditLog').select('id').execute()).toHaveLength(before.length);
      expect(await ctx.db.selectFrom('pointsLedger').select('id').execute()).toHaveLength(0);
    });

    it('previews draft rules for a member: tier, attributes and an explained trace', async () => {
      await ctx.db
        .transaction()
        .execute((trx) =>
          upsertMember(
            ctx,
            trx,
            { id: 'm1', region: 'Shanghai', attributes: { vip: true } },
            { actorType: 'system', actorId: 't' },
          ),
        );
      const now = ctx.clock.now();
      await ctx.db
        .insertInto('loyaltyTiers')
        .values([
          {
            id: 'silver',
            position: 0,
            nameZh: '银',
            nameEn: 'Silver',
            entryThreshold: 0,
            retainThreshold: 0,
            benefits: '{}',
            color: null,
            updatedAt: now,
          },
          {
            id: 'gold',
            position: 1,
            nameZh: '金',
            nameEn: 'Gold',
            entryThreshold: 1,
            retainThreshold: 1,
            benefits: '{"earningMultiplier":1.5}',
            color: null,
            updatedAt: now,
          },
        ])
        .execute();
      await ctx.db
        .insertInto('memberTiers')
        .values({
          memberId: 'm1',
          tierId: 'silver',
          since: now,
          validUntil: null,
          metricValue: 0,
          overrideTierId: 'gold',
          overrideUntil: null,
          overrideReason: 'vip',
          belowRetainSince: null,
          evaluatedAt: now,
          version: 1,
        })
        .execute();
      const rules = [
        { name: 'Base', trigger: 'order_paid', priority: 1, action: { type: 'per_amount', points: 1 } },
        { name: 'Tier', trigger: 'order_paid', priority: 2, action: { type: 'tier_multiplier' } },
        {
          id: 'vip-shanghai',
          name: 'VIP in Shanghai',
          trigger: 'order_paid',
          priority: 3,
          condition: {
            all: [
              { field: 'member.attributes.vip', op: 'eq', value: true },
              { field: 'member.region', op: 'eq', value: 'Shanghai' },
              { field: 'member.tier', op: 'eq', value: 'gold' },
            ],
          },
          action: { type: 'fixed', points: 50 },
        },
        {
          name: 'Big orders',
          trigger: 'order_paid',
          priority: 4,
          condition: { field: 'event.amount', op: 'gte', value: 100_000 },
          action: { type: 'fixed', points: 500 },
        },
      ];
      const res = await preview({ event: paid, memberId: 'm1', rules });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.lines.map((l: { ruleId: string; points: number }) => [l.ruleId, l.points])).toEqual([
        ['draft-1', 129],
        ['draft-2', 64],
        ['vip-shanghai', 50],
      ]);
      expect(body.total).toBe(243);
      expect(body.rules[3]).toMatchObject({
        ruleId: 'draft-4',
        matched: false,
        skippedBecause: 'condition',
        trace: { field: 'event.amount', op: 'gte', expected: 100_000, actual: 12_999, result: false },
      });
      // Without the member, member fields are absent.
      const anonymous = (await preview({ event: paid, rules })).json();
      expect(anonymous.total).toBe(129);
      expect((await preview({ event: paid, memberId: 'ghost', rules })).statusCode).toBe(404);
      expect((await preview({ event: paid, memberId: 'm1', rules }, reader)).statusCode).toBe(403);
    });

    it('lists every bad field of the draft rules and the event', async () => {
      const res = await preview({
        event: { type: 'purchase', amount: { amount: -1, currency: 'CNY' } },
        rules: [
          { name: 'ok', trigger: 'order_paid', action: { type: 'fixed', points: 1 } },
          {
            name: 'bad',
            trigger: 'order_paid',
            condition: { not: { field: 'item.price', op: 'contains', value: 1 } },
            action: { type: 'fixed' },
          },
        ],
      });
      expect(res.statusCode).toBe(400);
      expect(paths(res.json()).sort()).toEqual(
        ['event.type', 'event.amount.amount', 'rules.1.condition.not.op', 'rules.1.action.points'].sort(),
      );
    });
  });

  it('ensureDefaultProgramme installs five rules once', async () => {
    expect(await ensureDefaultProgramme(ctx)).toEqual({ rulesInstalled: 5 });
    expect(await ensureDefaultProgramme(ctx)).toEqual({ rulesInstalled: 0 });
    const list = (await call('GET', '/loyalty/rules', reader)).json().data as {
      name: string;
      cap: unknown;
    }[];
    expect(list.map((r) => r.name).sort()).toEqual(
      ['Points on paid orders', 'Review reward', 'Share reward', 'Tier bonus', 'Welcome bonus'].sort(),
    );
    expect((await call('GET', '/loyalty/programme', reader)).json().version).toBe(1);
  });
});
