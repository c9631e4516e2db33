import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { ingestEvents } from '../events/index.ts';
import { upsertMember } from '../members/index.ts';

type Headers = { authorization: string };

describe.each(testDatabases())('risk review cases on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let store: Headers;
  let analyst: Headers;
  let analystId: string;
  let auditor: Headers;
  let caseId: string;
  let decisionId: string;

  beforeAll(async () => {
    ctx = await createTestContext(database);
    for (const id of ['cs-1', 'cs-2'])
      await ctx.db
        .transaction()
        .execute((trx) => upsertMember(ctx, trx, { id }, { actorType: 'system', actorId: 'test' }));
    app = await buildApp(ctx, { docs: false, webDist: false });
    store = bearer(await apiKeyWithScopes(ctx, ['risk:check', 'events:write']));
    const op = await operatorToken(ctx, 'analyst');
    analyst = bearer(op.token);
    analystId = op.id;
    auditor = bearer((await operatorToken(ctx, 'auditor')).token);
    // Registered seconds ago and ordering: the default order scenario sends it to review.
    const res = await app.inject({
      method: 'POST',
      url: '/v1/risk/check',
      payload: {
        action: 'order',
        memberId: 'cs-1',
        orderId: 'cs-order-1',
        amount: { amount: 9_900, currency: 'CNY' },
      },
      headers: store,
    });
    ({ caseId, decisionId } = res.json());
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const post = (url: string, payload: object, headers: Headers = analyst) =>
    app.inject({ method: 'POST', url, payload, headers });
  const get = (url: string, headers: Headers = analyst) => app.inject({ method: 'GET', url, headers });

  it('lists the open case with its decision, reasons and features', async () => {
    expect(caseId).toMatch(/^case_/);
    const open = (await get('/v1/risk/cases?status=open')).json();
    expect(open.data.map((c: { id: string }) => c.id)).toEqual([caseId]);
    const detail = (await get(`/v1/risk/cases/${caseId}`)).json();
    expect(detail).toMatchObject({
      id: caseId,
      decisionId,
      status: 'open',
      version: 1,
      memberId: 'cs-1',
      comments: [],
    });
    expect(detail.decision.reasons[0].code).toBe('ORDER_WITHIN_MINUTE_OF_SIGNUP');
    expect(detail.decision.features['account.known']).toBe(1);
    expect((await get('/v1/risk/cases', auditor)).statusCode).toBe(403);
  });

  it('assigns, comments and resolves, refusing a stale version and an unknown operator', async () => {
    const unknown = await post(`/v1/risk/cases/${caseId}/assign`, { version: 1, assignee: 'op_nobody' });
    expect(unknown.json().error.details).toEqual([{ path: 'assignee', message: 'no such operator' }]);
    const assigned = (
      await post(`/v1/risk/cases/${caseId}/assign`, { version: 1, assignee: analystId })
    ).json();
    expect(assigned).toMatchObject({ assignee: analystId, version: 2 });
    const stale = await post(`/v1/risk/cases/${caseId}/comments`, { version: 1, text: 'late' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('RISK_CASE_CONFLICT');
    const commented = (
      await post(`/v1/risk/cases/${caseId}/comments`, { version: 2, text: 'Same device as a known farm' })
    ).json();
    expect(commented.comments).toEqual([
      expect.objectContaining({ author: analystId, text: 'Same device as a known farm' }),
    ]);
    const resolved = (
      await post(`/v1/risk/cases/${caseId}/resolve`, { label: 'fraud', note: 'confirmed' })
    ).json();
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolution: 'fraud',
      resolvedBy: analystId,
      note: 'confirmed',
    });
    const decision = await ctx.db
      .selectFrom('riskDecisions')
      .select(['label', 'labelSource'])
      .where('id', '=', decisionId)
      .executeTakeFirstOrThrow();
    expect(decision).toEqual({ label: 'fraud', labelSource: 'case' });
    const again = await post(`/v1/risk/cases/${caseId}/resolve`, { label: 'legit' });
    expect(again.json().error.code).toBe('RISK_CASE_RESOLVED');
    expect((await get('/v1/risk/cases?status=open')).json().data).toEqual([]);
    const audit = await ctx.db
      .selectFrom('auditLog')
      .select('action')
      .where('targetId', '=', caseId)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'risk.case.assign',
      'risk.case.comment',
      'risk.case.resolve',
    ]);
  });

  it('labels an order’s decisions as fraud when the store reports a chargeback, not for a plain refund', async () => {
    const check = await post(
      '/v1/risk/check',
      {
        action: 'order',
        memberId: 'cs-2',
        orderId: 'cs-order-2',
        amount: { amount: 5_000, currency: 'CNY' },
      },
      store,
    );
    const id = check.json().decisionId;
    const refund = (eventId: string, properties: object) => ({
      id: eventId,
      type: 'order_refunded',
      memberId: 'cs-2',
      orderId: 'cs-order-2',
      amount: { amount: 5_000, currency: 'CNY' },
      occurredAt: new Date(ctx.clock.now()).toISOString(),
      properties,
    });
    const label = async () =>
      ctx.db
        .selectFrom('riskDecisions')
        .select(['label', 'labelSource'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    await ingestEvents(ctx, [refund('cs-r1', { reason: 'size' })]);
    expect(await label()).toEqual({ label: null, labelSource: null });
    await ingestEvents(ctx, [refund('cs-r2', { chargeback: true })]);
    expect(await label()).toEqual({ label: 'fraud', labelSource: 'chargeback' });
  });
});
