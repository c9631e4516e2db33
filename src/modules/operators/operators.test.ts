import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { runOperatorCreate, runOperatorResetPassword } from '../../cli/operator.command.ts';
import { verifyPassword } from '../../lib/password.ts';
import { bearer, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { ensureBootstrapApiKey, ensureFirstAdmin } from './bootstrap.ts';

const STRONG = 'a long operator password';

describe.each(testDatabases())('operators on %s', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let adminToken: string;
  let ipCounter = 0;
  const freshIp = () => {
    ipCounter += 1;
    return `10.2.${ipCounter >> 8}.${ipCounter & 255}`;
  };
  const errorCode = (res: LightMyRequestResponse) => (res.json() as { error: { code: string } }).error.code;
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string | null, payload?: object) =>
    app.inject({ method, url, payload, headers: token ? bearer(token) : {}, remoteAddress: freshIp() });
  const loginAs = (username: string, password: string, ip = freshIp()) =>
    app.inject({
      method: 'POST',
      url: '/v1/operators/login',
      payload: { username, password },
      remoteAddress: ip,
    });
  let usernameCounter = 0;
  const createOp = async (role: string, password = STRONG) => {
    usernameCounter += 1;
    const res = await call('POST', '/v1/operators', adminToken, {
      username: `op.${role}-${usernameCounter}`,
      password,
      role,
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; username: string; role: string };
  };

  beforeAll(async () => {
    ctx = await createTestContext(database, {
      config: {
        bootstrap: { adminPassword: 'the bootstrap admin password' },
        auth: { loginPerAccount: { max: 3, windowSeconds: 60 }, loginPerIp: { max: 6, windowSeconds: 60 } },
      },
    });
    app = await buildApp(ctx, { docs: false });
    // The first admin comes from bootstrap; later tests act as that admin.
    const first = await ensureFirstAdmin(ctx);
    expect(first).toEqual({ created: true, username: 'admin' });
    const res = await loginAs('admin', 'the bootstrap admin password');
    expect(res.statusCode).toBe(200);
    adminToken = (res.json() as { token: string }).token;
  });
  afterAll(async () => {
    await app.close();
    await ctx.close();
  });

  describe('bootstrap', () => {
    it('creates the first admin only once, with an argon2id hash', async () => {
      expect(await ensureFirstAdmin(ctx)).toEqual({ created: false, username: 'admin' });
      const rows = await ctx.db.selectFrom('operators').selectAll().where('username', '=', 'admin').execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.role).toBe('admin');
      expect(rows[0]?.passwordHash.startsWith('$argon2id$')).toBe(true);
      const audit = await ctx.db
        .selectFrom('auditLog')
        .selectAll()
        .where('action', '=', 'operator.create')
        .execute();
      expect(audit.filter((e) => e.targetId === rows[0]?.id).map((e) => e.actorType)).toEqual(['system']);
    });
  });

  describe('login', () => {
    it('issues an operator token that /v1/operators/me accepts, and audits the login', async () => {
      const op = await createOp('operator');
      const res = await loginAs(op.username, STRONG);
      expect(res.statusCode).toBe(200);
      const body = res.json() as { token: string; expiresIn: number; operator: { id: string; role: string } };
      expect(body.expiresIn).toBe(ctx.config.auth.operatorTokenTtlSeconds);
      expect(body.operator).toEqual({ id: op.id, username: op.username, role: 'operator' });
      const me = await call('GET', '/v1/operators/me', body.token);
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({
        id: op.id,
        username: op.username,
        role: 'operator',
        disabled: false,
      });
      expect((me.json() as { lastLoginAt: string | null }).lastLoginAt).not.toBeNull();
      const audit = await ctx.db
        .selectFrom('auditLog')
        .selectAll()
        .where('action', '=', 'operator.login')
        .execute();
      expect(audit.some((e) => e.actorId === op.id)).toBe(true);
    });

    it('answers wrong passwords, unknown and disabled operators the same, and audits failures', async () => {
      const op = await createOp('analyst');
      await call('PATCH', `/v1/operators/${op.id}`, adminToken, { disabled: true });
      const disabled = await loginAs(op.username, STRONG);
      const unknown = await loginAs('nobody-here', STRONG);
      const wrong = await loginAs('admin', 'not the admin password');
      for (const res of [disabled, unknown, wrong]) {
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(wrong.json());
      }
      expect(errorCode(wrong)).toBe('AUTH_INVALID_CREDENTIALS');
      const failures = await ctx.db
        .selectFrom('auditLog')
        .selectAll()
        .where('action', '=', 'operator.login_failed')
        .execute();
      expect(failures.map((e) => JSON.parse(e.details).username)).toEqual(
        expect.arrayContaining([op.username, 'nobody-here', 'admin']),
      );
      expect(failures.map((e) => e.details).join(' ')).not.toContain('not the admin password');
    });

    it('is rate-limited per account with Retry-After, until the window passes', async () => {
      const op = await createOp('auditor');
      for (let i = 0; i < 3; i++)
        expect((await loginAs(op.username, 'wrong password!')).statusCode).toBe(401);
      const limited = await loginAs(op.username, STRONG);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      ctx.clock.advance(61_000);
      expect((await loginAs(op.username, STRONG)).statusCode).toBe(200);
    });

    it('is rate-limited per address', async () => {
      const ip = '198.51.100.5';
      for (let i = 0; i < 6; i++)
        expect((await loginAs(`guess-${i}`, 'password!!', ip)).statusCode).toBe(401);
      const limited = await loginAs('guess-x', 'password!!', ip);
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBeDefined();
      ctx.clock.advance(61_000);
    });

    it('a disabled operator’s existing token stops working at once', async () => {
      const op = await createOp('operator');
      const token = ((await loginAs(op.username, STRONG)).json() as { token: string }).token;
      expect((await call('GET', '/v1/operators/me', token)).statusCode).toBe(200);
      expect((await call('PATCH', `/v1/operators/${op.id}`, adminToken, { disabled: true })).statusCode).toBe(
        200,
      );
      expect((await call('GET', '/v1/operators/me', token)).statusCode).toBe(401);
    });

    it('ends existing sessions when the password changes, and the new password works', async () => {
      const op = await createOp('operator');
      const token = ((await loginAs(op.username, STRONG)).json() as { token: string }).token;
      const newPassword = 'another long password 2';
      const patched = await call('PATCH', `/v1/operators/${op.id}`, adminToken, { password: newPassword });
      expect(patched.statusCode).toBe(200);
      const stale = await call('GET', '/v1/operators/me', token);
      expect(stale.statusCode).toBe(401);
      expect(errorCode(stale)).toBe('AUTH_INVALID_TOKEN');
      const fresh = ((await loginAs(op.username, newPassword)).json() as { token: string }).token;
      expect((await call('GET', '/v1/operators/me', fresh)).statusCode).toBe(200);
    });
  });

  describe('management', () => {
    it('lets an admin create, list and update operators, audited', async () => {
      const op = await createOp('analyst');
      const list = await call('GET', '/v1/operators?limit=500', adminToken);
      expect(list.statusCode).toBe(200);
      const data = (list.json() as { data: { username: string }[] }).data;
      expect(data.map((o) => o.username)).toContain(op.username);
      expect(JSON.stringify(list.json())).not.toContain('argon2');

      const patched = await call('PATCH', `/v1/operators/${op.id}`, adminToken, {
        role: 'operator',
        password: 'another long password',
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ id: op.id, role: 'operator', disabled: false });
      expect((await loginAs(op.username, STRONG)).statusCode).toBe(401);
      expect((await loginAs(op.username, 'another long password')).statusCode).toBe(200);
      const audit = await ctx.db.selectFrom('auditLog').selectAll().where('targetId', '=', op.id).execute();
      expect(audit.map((e) => e.action)).toEqual(
        expect.arrayContaining(['operator.create', 'operator.update']),
      );
      expect(audit.map((e) => e.details).join(' ')).not.toContain('another long password');
    });

    it('pages the list with a cursor', async () => {
      await createOp('auditor');
      await createOp('auditor');
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/v1/operators?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await call('GET', url, adminToken)).json() as {
          data: { username: string }[];
          nextCursor: string | null;
        };
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data.map((o) => o.username));
        cursor = page.nextCursor;
      } while (cursor);
      const all = await ctx.db.selectFrom('operators').select('username').orderBy('username').execute();
      expect(seen).toEqual(all.map((r) => r.username));
    });

    it('validates usernames, passwords and roles', async () => {
      const bad = [
        { username: 'UPPER', password: STRONG, role: 'admin' },
        { username: 'ab', password: STRONG, role: 'admin' },
        { username: 'has space', password: STRONG, role: 'admin' },
        { username: 'short-pass', password: 'elevenchars', role: 'admin' },
        { username: 'bad-role', password: STRONG, role: 'root' },
        { username: 'extra', password: STRONG, role: 'admin', disabled: false },
      ];
      for (const body of bad) {
        const res = await call('POST', '/v1/operators', adminToken, body);
        expect(res.statusCode).toBe(400);
        expect(errorCode(res)).toBe('VALIDATION_FAILED');
      }
      const dup = await call('POST', '/v1/operators', adminToken, {
        username: 'admin',
        password: STRONG,
        role: 'analyst',
      });
      expect(dup.statusCode).toBe(409);
      expect(errorCode(dup)).toBe('OPERATOR_USERNAME_TAKEN');
      expect(
        (await call('PATCH', '/v1/operators/op_missing', adminToken, { role: 'analyst' })).statusCode,
      ).toBe(404);
      expect((await call('PATCH', `/v1/operators/op_missing`, adminToken, {})).statusCode).toBe(400);
    });

    it('refuses non-admins with 403', async () => {
      for (const role of ['operator', 'analyst', 'auditor'] as const) {
        const { token } = await operatorToken(ctx, role);
        expect((await call('GET', '/v1/operators', token)).statusCode).toBe(403);
        const res = await call('POST', '/v1/operators', token, {
          username: `by-${role}`,
          password: STRONG,
          role: 'admin',
        });
        expect(res.statusCode).toBe(403);
        expect(errorCode(res)).toBe('AUTH_FORBIDDEN');
      }
      expect((await call('GET', '/v1/operators', null)).statusCode).toBe(401);
    });

    it('never demotes or disables the last active admin', async () => {
      const admin = (await call('GET', '/v1/operators/me', adminToken)).json() as { id: string };
      const others = await ctx.db
        .selectFrom('operators')
        .selectAll()
        .where('role', '=', 'admin')
        .where('id', '!=', admin.id)
        .execute();
      for (const other of others) {
        expect(
          (await call('PATCH', `/v1/operators/${other.id}`, adminToken, { role: 'auditor' })).statusCode,
        ).toBe(200);
      }
      for (const patch of [{ role: 'operator' }, { disabled: true }]) {
        const res = await call('PATCH', `/v1/operators/${admin.id}`, adminToken, patch);
        expect(res.statusCode).toBe(409);
        expect(errorCode(res)).toBe('OPERATOR_LAST_ADMIN');
      }
      // With a second admin, the first may step down.
      const second = await createOp('admin');
      const demoted = await call('PATCH', `/v1/operators/${admin.id}`, adminToken, { role: 'operator' });
      expect(demoted.statusCode).toBe(200);
      const secondToken = ((await loginAs(second.username, STRONG)).json() as { token: string }).token;
      const last = await call('PATCH', `/v1/operators/${second.id}`, secondToken, { disabled: true });
      expect(errorCode(last)).toBe('OPERATOR_LAST_ADMIN');
      expect(
        (await call('PATCH', `/v1/operators/${admin.id}`, secondToken, { role: 'admin' })).statusCode,
      ).toBe(200);
    });
  });

  describe('CLI', () => {
    it('creates an operator with a generated password it prints once, audited as cli', async () => {
      const lines: string[] = [];
      const result = await runOperatorCreate(ctx, { username: 'cli-made', role: 'auditor' }, (l) =>
        lines.push(l),
      );
      expect(result.password?.length).toBeGreaterThanOrEqual(20);
      expect(lines.join('\n')).toContain(result.password as string);
      expect((await loginAs('cli-made', result.password as string)).statusCode).toBe(200);
      const audit = await ctx.db
        .selectFrom('auditLog')
        .selectAll()
        .where('action', '=', 'operator.create')
        .where('targetId', '=', result.operator.id)
        .executeTakeFirstOrThrow();
      expect(audit.actorType).toBe('cli');
      await expect(
        runOperatorCreate(ctx, { username: 'Bad Name', role: 'auditor' }, () => {}),
      ).rejects.toThrow(/username/);
    });

    it('resets a password', async () => {
      const lines: string[] = [];
      await runOperatorResetPassword(ctx, { username: 'cli-made', password: 'reset by the cli tool' }, (l) =>
        lines.push(l),
      );
      expect((await loginAs('cli-made', 'reset by the cli tool')).statusCode).toBe(200);
      expect(lines.join('\n')).not.toContain('reset by the cli tool');
    });
  });
});

// Separate contexts, opened one at a time after the suite above has closed its own: on PostgreSQL
// the migrator must not see another live test schema in the same process.
describe.each(testDatabases())('first-start bootstrap on %s', (database) => {
  it('generates and returns a strong password when none is configured', async () => {
    const fresh = await createTestContext(database);
    try {
      const first = await ensureFirstAdmin(fresh);
      expect(first.created).toBe(true);
      expect(first.password?.length).toBeGreaterThanOrEqual(20);
      const row = await fresh.db.selectFrom('operators').selectAll().executeTakeFirstOrThrow();
      expect(await verifyPassword(row.passwordHash, first.password as string)).toBe(true);
      expect(await ensureFirstAdmin(fresh)).toEqual({ created: false, username: 'admin' });
    } finally {
      await fresh.close();
    }
  });

  it('creates a full-scope bootstrap API key once, storing only its hash', async () => {
    const fresh = await createTestContext(database);
    try {
      const key = await ensureBootstrapApiKey(fresh);
      expect(key).toMatch(/^mk_/);
      expect(await ensureBootstrapApiKey(fresh)).toBeNull();
      const rows = await fresh.db.selectFrom('apiKeys').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.name).toBe('bootstrap');
      expect(JSON.stringify(rows)).not.toContain(key as string);
      const freshApp = await buildApp(fresh, { docs: false });
      const res = await freshApp.inject({
        method: 'GET',
        url: '/v1/operators',
        headers: bearer(key as string),
      });
      expect(res.statusCode).toBe(200);
      await freshApp.close();
    } finally {
      await fresh.close();
    }
  });

  it('creates no bootstrap key when MEMBRAIN_API_KEY is set', async () => {
    const withEnvKey = await createTestContext(database, {
      config: { bootstrap: { apiKey: 'x'.repeat(32) } },
    });
    try {
      expect(await ensureBootstrapApiKey(withEnvKey)).toBeNull();
      expect(await withEnvKey.db.selectFrom('apiKeys').selectAll().execute()).toEqual([]);
    } finally {
      await withEnvKey.close();
    }
  });
});
