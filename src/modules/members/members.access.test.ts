import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { listAuditEntries } from '../audit/index.ts';
import { getMember } from './index.ts';

const zhang = {
  name: '张三',
  email: 'zhangsan@example.com',
  phone: '13812345678',
  birthday: '1990-05-17',
  address: '上海市浦东新区世纪大道100号',
};

describe.each(testDatabases())('who may see which member data on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let store: { authorization: string };
  let operator: { id: string; headers: { authorization: string } };
  let analyst: { id: string; headers: { authorization: string } };

  beforeAll(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false });
    store = bearer(await apiKeyWithScopes(ctx, ['members:read', 'members:write']));
    const op = await operatorToken(ctx, 'operator');
    const an = await operatorToken(ctx, 'analyst');
    operator = { id: op.id, headers: bearer(op.token) };
    analyst = { id: an.id, headers: bearer(an.token) };
    for (const [id, extra] of [
      ['z-1', zhang],
      ['z-2', { name: 'John Smith', email: 'john@example.com', phone: '13900001111' }],
    ] as const) {
      await app.inject({ method: 'POST', url: '/v1/members', headers: store, payload: { id, ...extra } });
    }
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const get = (url: string, headers?: { authorization: string }) =>
    app.inject({ method: 'GET', url, ...(headers ? { headers } : {}) });
  const piiReads = (actorId: string) => listAuditEntries(ctx.db, { actorId, action: 'member.pii.read' }, 100);

  describe('masking', () => {
    it('shows an analyst every personal data field masked', async () => {
      const res = await get('/v1/members/z-1', analyst.headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        name: '张*',
        email: 'z***@example.com',
        phone: '138****5678',
        birthday: '1990-**-**',
        address: '上海市浦东新***',
      });
      const list = await get('/v1/members?limit=10', analyst.headers);
      const john = list.json().data.find((m: { id: string }) => m.id === 'z-2');
      expect(john).toMatchObject({ name: 'J***', email: 'j***@example.com', phone: '139****1111' });
      expect(await piiReads(analyst.id)).toHaveLength(0);
    });

    it('masks through the service too when asked for the masked view', async () => {
      expect((await getMember(ctx, 'z-1', 'masked')).phone).toBe('138****5678');
      expect((await getMember(ctx, 'z-1', 'full')).phone).toBe('13812345678');
    });
  });

  describe('audit of full reads', () => {
    it('records an operator reading one member in full, with the fields read', async () => {
      const res = await get('/v1/members/z-1', operator.headers);
      expect(res.json().phone).toBe('13812345678');
      const [entry] = await piiReads(operator.id);
      expect(entry).toMatchObject({ actorType: 'operator', targetType: 'member', targetId: 'z-1' });
      expect(JSON.parse(entry!.details)).toEqual({
        fields: ['name', 'email', 'phone', 'birthday', 'address'],
      });
    });

    it('records one entry with the count and ids for an operator reading a list', async () => {
      const before = (await piiReads(operator.id)).length;
      const res = await get('/v1/members?limit=10', operator.headers);
      expect(res.json().data).toHaveLength(2);
      const entries = await piiReads(operator.id);
      expect(entries).toHaveLength(before + 1);
      expect(JSON.parse(entries[0]!.details)).toEqual({ count: 2, ids: ['z-1', 'z-2'] });
    });

    it('records nothing when the store backend reads with its API key', async () => {
      const before = await listAuditEntries(ctx.db, { action: 'member.pii.read' }, 100);
      await get('/v1/members/z-1', store);
      await get('/v1/members', store);
      expect(await listAuditEntries(ctx.db, { action: 'member.pii.read' }, 100)).toHaveLength(before.length);
    });
  });

  describe('the pii query (the dashboard asks masked, and full only to reveal)', () => {
    const masked = { name: '张*', email: 'z***@example.com', phone: '138****5678' };

    it('masks for an operator asking pii=masked, one member or a list, and audits nothing', async () => {
      const before = (await piiReads(operator.id)).length;
      const one = await get('/v1/members/z-1?pii=masked', operator.headers);
      expect(one.statusCode).toBe(200);
      expect(one.json()).toMatchObject(masked);
      const list = await get('/v1/members?limit=10&pii=masked', operator.headers);
      expect(list.json().data.find((m: { id: string }) => m.id === 'z-1')).toMatchObject(masked);
      expect(await piiReads(operator.id)).toHaveLength(before);
      expect((await get('/v1/members/z-1?pii=masked', store)).json().phone).toBe('138****5678');
    });

    it('reveals in full for an operator asking pii=full and records member.pii.read', async () => {
      const before = (await piiReads(operator.id)).length;
      const res = await get('/v1/members/z-1?pii=full', operator.headers);
      expect(res.json()).toMatchObject({ name: '张三', phone: '13812345678' });
      const entries = await piiReads(operator.id);
      expect(entries).toHaveLength(before + 1);
      expect(entries[0]).toMatchObject({ action: 'member.pii.read', targetId: 'z-1' });
    });

    it('keeps an analyst masked even with pii=full, without an audit entry', async () => {
      expect((await get('/v1/members/z-1?pii=full', analyst.headers)).json()).toMatchObject(masked);
      const list = await get('/v1/members?pii=full', analyst.headers);
      expect(list.json().data.find((m: { id: string }) => m.id === 'z-1')).toMatchObject(masked);
      expect(await piiReads(analyst.id)).toHaveLength(0);
    });

    it('refuses other values of pii', async () => {
      const res = await get('/v1/members/z-1?pii=clear', operator.headers);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].path).toBe('query.pii');
      expect((await get('/v1/members?pii=all', operator.headers)).statusCode).toBe(400);
    });
  });

  describe('credentials', () => {
    it('lets a member read only their own record; another id is 404', async () => {
      const token = bearer(await memberToken(ctx, 'z-1'));
      expect((await get('/v1/members/z-1', token)).json().email).toBe('zhangsan@example.com');
      expect((await get('/v1/members/z-2', token)).statusCode).toBe(404);
      expect((await get('/v1/members', token)).statusCode).toBe(403);
      const patch = await app.inject({
        method: 'PATCH',
        url: '/v1/members/z-1',
        headers: token,
        payload: { name: 'x' },
      });
      expect(patch.statusCode).toBe(404);
    });

    it('refuses writes to an API key without members:write and to an analyst', async () => {
      const reader = bearer(await apiKeyWithScopes(ctx, ['members:read']));
      const res = await app.inject({
        method: 'POST',
        url: '/v1/members',
        headers: reader,
        payload: { id: 'r-1' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('AUTH_FORBIDDEN');
      const byAnalyst = await app.inject({
        method: 'DELETE',
        url: '/v1/members/z-2',
        headers: analyst.headers,
      });
      expect(byAnalyst.statusCode).toBe(403);
      expect((await get('/v1/members?includeDeleted=true', analyst.headers)).statusCode).toBe(403);
    });

    it('answers 401 without a credential and with a forged one', async () => {
      expect((await get('/v1/members/z-1')).json().error.code).toBe('AUTH_REQUIRED');
      expect((await get('/v1/members')).statusCode).toBe(401);
      expect((await get('/v1/members/z-1', bearer('mk_forged'))).statusCode).toBe(401);
    });
  });
});
