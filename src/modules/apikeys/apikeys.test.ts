import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { runApiKeyCreate, runApiKeyList } from '../../cli/apikey.command.ts';
import { SCOPES } from '../../http/scopes.ts';
import { bearer, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { hashApiKeySecret } from './apikey-secret.ts';
import { revokeApiKeyById } from './apikeys.service.ts';

interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  key: string;
}

describe.each(testDatabases())('API keys on %s', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let adminToken: string;
  const errorCode = (res: LightMyRequestResponse) => (res.json() as { error: { code: string } }).error.code;
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string | null, payload?: object) =>
    app.inject({ method, url, payload, headers: token ? bearer(token) : {} });
  const create = async (name: string, scopes: string[]) => {
    const res = await call('POST', '/v1/api-keys', adminToken, { name, scopes });
    expect(res.statusCode).toBe(201);
    return res.json() as CreatedKey;
  };

  beforeAll(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false });
    adminToken = (await operatorToken(ctx, 'admin')).token;
  });
  afterAll(async () => {
    await app.close();
    await ctx.close();
  });

  describe('happy path', () => {
    it('creates a key shown once that then authenticates with its scopes', async () => {
      const created = await create('shop backend', ['members:read', 'events:write']);
      expect(created.key).toMatch(/^mk_[A-Za-z0-9_-]{43}$/);
      expect(created.prefix).toBe(created.key.slice(0, 10));
      expect(created.scopes).toEqual(['members:read', 'events:write']);
      expect((await call('GET', '/v1/members?limit=1', created.key)).statusCode).toBe(200);
    });

    it('stores only the hash: the row never contains the secret', async () => {
      const created = await create('hash check', ['items:read']);
      const row = await ctx.db
        .selectFrom('apiKeys')
        .selectAll()
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      expect(row.keyHash).toBe(hashApiKeySecret(created.key));
      expect(JSON.stringify(row)).not.toContain(created.key);
      expect(JSON.stringify(row)).not.toContain(created.key.slice(10));
    });

    it('lists keys without secrets or hashes, pages them, and shows revoked keys only when asked', async () => {
      const a = await create('list a', ['items:read']);
      const b = await create('list b', ['items:read']);
      await call('DELETE', `/v1/api-keys/${a.id}`, adminToken);
      const res = await call('GET', '/v1/api-keys?limit=500', adminToken);
      expect(res.statusCode).toBe(200);
      const body = JSON.stringify(res.json());
      expect(body).not.toContain(b.key);
      expect(body).not.toContain(hashApiKeySecret(b.key));
      expect(body).not.toMatch(/"key"|keyHash/);
      const ids = (res.json() as { data: { id: string }[] }).data.map((k) => k.id);
      expect(ids).toContain(b.id);
      expect(ids).not.toContain(a.id);
      const withRevoked = await call('GET', '/v1/api-keys?includeRevoked=true&limit=500', adminToken);
      const revoked = (withRevoked.json() as { data: { id: string; revokedAt: string | null }[] }).data.find(
        (k) => k.id === a.id,
      );
      expect(revoked?.revokedAt).not.toBeNull();

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/v1/api-keys?includeRevoked=true&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await call('GET', url, adminToken)).json() as {
          data: { id: string }[];
          nextCursor: string | null;
        };
        seen.push(...page.data.map((k) => k.id));
        cursor = page.nextCursor;
      } while (cursor);
      const total = await ctx.db.selectFrom('apiKeys').select('id').execute();
      expect(new Set(seen).size).toBe(total.length);
      expect(seen).toHaveLength(total.length);
    });

    it('revokes a key: its next request is 401; revoking again is harmless; unknown ids are 404', async () => {
      const created = await create('to revoke', ['members:read']);
      expect((await call('GET', '/v1/members?limit=1', created.key)).statusCode).toBe(200);
      expect((await call('DELETE', `/v1/api-keys/${created.id}`, adminToken)).statusCode).toBe(204);
      const after = await call('GET', '/v1/members?limit=1', created.key);
      expect(after.statusCode).toBe(401);
      expect(errorCode(after)).toBe('AUTH_INVALID_TOKEN');
      expect((await call('DELETE', `/v1/api-keys/${created.id}`, adminToken)).statusCode).toBe(204);
      const missing = await call('DELETE', '/v1/api-keys/key_missing', adminToken);
      expect(missing.statusCode).toBe(404);
      expect(errorCode(missing)).toBe('APIKEY_NOT_FOUND');
    });

    it('audits create and revoke with the actor, never the secret', async () => {
      const admin = await operatorToken(ctx, 'admin');
      const res = await call('POST', '/v1/api-keys', admin.token, {
        name: 'audited',
        scopes: ['items:read'],
      });
      const created = res.json() as CreatedKey;
      await call('DELETE', `/v1/api-keys/${created.id}`, admin.token);
      const audit = await ctx.db
        .selectFrom('auditLog')
        .selectAll()
        .where('targetId', '=', created.id)
        .orderBy('seq')
        .execute();
      expect(audit.map((e) => [e.action, e.actorType, e.actorId])).toEqual([
        ['apikey.create', 'operator', admin.id],
        ['apikey.revoke', 'operator', admin.id],
      ]);
      expect(audit.map((e) => e.details).join(' ')).not.toContain(created.key);
    });
  });

  describe('errors and access', () => {
    it('rejects unknown scopes with a 400 that lists them and the valid ones', async () => {
      const res = await call('POST', '/v1/api-keys', adminToken, {
        name: 'bad',
        scopes: ['members:read', 'root', 'everything'],
      });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe('APIKEY_SCOPE_UNKNOWN');
      const error = (res.json() as { error: { message: string; details: { scope: string }[] } }).error;
      expect(error.details.map((d) => d.scope)).toEqual(['root', 'everything']);
      for (const scope of SCOPES) expect(error.message).toContain(scope);
      expect(await ctx.db.selectFrom('apiKeys').select('id').where('name', '=', 'bad').execute()).toEqual([]);
    });

    it('validates the body', async () => {
      for (const payload of [
        { name: '', scopes: ['items:read'] },
        { name: 'x', scopes: [] },
        { name: 'x', scopes: ['items:read'], extra: 1 },
      ]) {
        const res = await call('POST', '/v1/api-keys', adminToken, payload);
        expect(res.statusCode).toBe(400);
        expect(errorCode(res)).toBe('VALIDATION_FAILED');
      }
    });

    it('refuses operators without apikeys:manage (analysts too) and keys without the scope', async () => {
      for (const role of ['analyst', 'operator', 'auditor'] as const) {
        const { token } = await operatorToken(ctx, role);
        const res = await call('POST', '/v1/api-keys', token, { name: 'nope', scopes: ['items:read'] });
        expect(res.statusCode).toBe(403);
        expect((await call('GET', '/v1/api-keys', token)).statusCode).toBe(403);
      }
      const weak = await create('weak', ['items:read']);
      const res = await call('POST', '/v1/api-keys', weak.key, {
        name: 'escalate',
        scopes: ['apikeys:manage'],
      });
      expect(res.statusCode).toBe(403);
      expect(errorCode(res)).toBe('AUTH_FORBIDDEN');
      expect((await call('GET', '/v1/members?limit=1', weak.key)).statusCode).toBe(403);
      expect((await call('GET', '/v1/api-keys', null)).statusCode).toBe(401);
    });

    it('lets a key holding apikeys:manage manage keys', async () => {
      const manager = await create('manager', ['apikeys:manage']);
      const res = await call('POST', '/v1/api-keys', manager.key, {
        name: 'made by key',
        scopes: ['items:read'],
      });
      expect(res.statusCode).toBe(201);
      const row = await ctx.db
        .selectFrom('apiKeys')
        .selectAll()
        .where('id', '=', (res.json() as CreatedKey).id)
        .executeTakeFirstOrThrow();
      expect(row.createdBy).toBe(manager.id);
    });
  });

  describe('CLI', () => {
    it('creates a key with all scopes, prints it once, and audits as cli', async () => {
      const lines: string[] = [];
      const created = await runApiKeyCreate(ctx, { name: 'cli key', scopes: 'all' }, (l) => lines.push(l));
      expect(created.scopes).toEqual([...SCOPES]);
      expect(lines.filter((l) => l.includes(created.key))).toHaveLength(1);
      expect((await call('GET', '/v1/operators', created.key)).statusCode).toBe(200);
      const audit = await ctx.db
        .selectFrom('auditLog')
        .selectAll()
        .where('targetId', '=', created.id)
        .executeTakeFirstOrThrow();
      expect(audit.actorType).toBe('cli');

      const listed: string[] = [];
      await runApiKeyList(ctx, {}, (l) => listed.push(l));
      expect(listed.some((l) => l.startsWith(created.id))).toBe(true);
      expect(listed.join('\n')).not.toContain(created.key);

      await revokeApiKeyById(ctx, created.id, { actorType: 'cli', actorId: 'test' });
      expect((await call('GET', '/v1/operators', created.key)).statusCode).toBe(401);
    });

    it('refuses unknown scopes from the command line', async () => {
      await expect(
        runApiKeyCreate(ctx, { name: 'cli bad', scopes: 'members:read,nope' }, () => {}),
      ).rejects.toThrow(/nope/);
    });
  });
});
