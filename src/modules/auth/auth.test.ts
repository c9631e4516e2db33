import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { signToken } from '../../http/jwt.ts';
import { hashPassword } from '../../lib/password.ts';
import { apiKeyWithScopes, bearer, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { deleteMember } from '../members/index.ts';

const PASSWORD = 'correct horse battery';

describe.each(testDatabases())('member self-service auth on %s', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let ipCounter = 0;
  // Each request comes from its own address unless a test pins one, so per-address limits stay out of the way.
  const freshIp = () => {
    ipCounter += 1;
    return `10.1.${ipCounter >> 8}.${ipCounter & 255}`;
  };
  const post = (url: string, payload: object, options: { ip?: string; token?: string } = {}) =>
    app.inject({
      method: 'POST',
      url,
      payload,
      remoteAddress: options.ip ?? freshIp(),
      headers: options.token ? bearer(options.token) : {},
    });
  const get = (url: string, token: string) => app.inject({ method: 'GET', url, headers: bearer(token) });
  let emailCounter = 0;
  const register = async (extra: Record<string, unknown> = {}) => {
    emailCounter += 1;
    const email = `member${emailCounter}@example.com`;
    const res = await post('/v1/auth/register', { email, password: PASSWORD, ...extra });
    expect(res.statusCode).toBe(201);
    return { email, ...(res.json() as { accessToken: string; refreshToken: string; memberId: string }) };
  };
  const login = (loginName: string, password = PASSWORD, ip?: string) =>
    post('/v1/auth/login', { login: loginName, password }, { ip: ip ?? freshIp() });
  const refresh = (refreshToken: string) => post('/v1/auth/refresh', { refreshToken });
  const errorCode = (res: LightMyRequestResponse) => (res.json() as { error: { code: string } }).error.code;

  beforeAll(async () => {
    ctx = await createTestContext(database, {
      config: {
        auth: { loginPerAccount: { max: 3, windowSeconds: 60 }, loginPerIp: { max: 8, windowSeconds: 60 } },
      },
    });
    app = await buildApp(ctx, { docs: false });
  });
  afterAll(async () => {
    await app.close();
    await ctx.close();
  });

  describe('happy path', () => {
    it('registers, logs in by email and by phone, reads and changes the own profile', async () => {
      const reg = await register({ phone: '+86 138-0013-8000', name: 'Li Lei' });
      expect(reg.memberId).toMatch(/^mbr_[0-9A-Z]{26}$/);
      expect(reg.accessToken.split('.')).toHaveLength(3);

      const byEmail = await login(reg.email.toUpperCase());
      expect(byEmail.statusCode).toBe(200);
      expect(byEmail.json()).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, memberId: reg.memberId });
      const byPhone = await login('+8613800138000');
      expect(byPhone.statusCode).toBe(200);
      const { accessToken } = byPhone.json() as { accessToken: string };

      const me = await get('/v1/me', accessToken);
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({
        id: reg.memberId,
        email: reg.email,
        name: 'Li Lei',
        status: 'active',
      });

      const patched = await app.inject({
        method: 'PATCH',
        url: '/v1/me',
        headers: bearer(accessToken),
        payload: { name: 'Han Meimei', locale: 'zh-CN' },
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ id: reg.memberId, name: 'Han Meimei', locale: 'zh-CN' });

      const audit = await ctx.db
        .selectFrom('auditLog')
        .selectAll()
        .where('targetId', '=', reg.memberId)
        .execute();
      const actions = audit.map((e) => `${e.actorType}:${e.action}`);
      expect(actions).toEqual(expect.arrayContaining(['member:member.register', 'member:member.update']));
      expect(audit.map((e) => e.details).join(' ')).not.toContain('Han Meimei');
    });

    it('keeps the store id when one is given', async () => {
      const reg = await register({ memberId: 'shop-42' });
      expect(reg.memberId).toBe('shop-42');
      expect((await get('/v1/me', reg.accessToken)).json()).toMatchObject({ id: 'shop-42' });
    });

    it('stores only an argon2id hash of the password', async () => {
      const reg = await register();
      const row = await ctx.db
        .selectFrom('memberCredentials')
        .selectAll()
        .where('memberId', '=', reg.memberId)
        .executeTakeFirstOrThrow();
      expect(row.passwordHash.startsWith('$argon2id$')).toBe(true);
      expect(row.passwordHash).not.toContain(PASSWORD);
    });

    it('re-hashes a password made under other cost settings at the next login', async () => {
      const reg = await register();
      const old = await hashPassword({ memoryCost: 128, timeCost: 2, parallelism: 1 }, PASSWORD);
      await ctx.db
        .updateTable('memberCredentials')
        .set({ passwordHash: old })
        .where('memberId', '=', reg.memberId)
        .execute();
      expect((await login(reg.email)).statusCode).toBe(200);
      const row = await ctx.db
        .selectFrom('memberCredentials')
        .selectAll()
        .where('memberId', '=', reg.memberId)
        .executeTakeFirstOrThrow();
      expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
      expect((await login(reg.email)).statusCode).toBe(200);
    });
  });

  describe('refresh tokens', () => {
    it('rotates, and a spent token presented again revokes the whole family', async () => {
      const { refreshToken: first } = await register();
      const r2 = await refresh(first);
      expect(r2.statusCode).toBe(200);
      const second = (r2.json() as { refreshToken: string }).refreshToken;
      expect(second).not.toBe(first);
      const r3 = await refresh(second);
      expect(r3.statusCode).toBe(200);
      const third = (r3.json() as { refreshToken: string }).refreshToken;

      const reused = await refresh(second);
      expect(reused.statusCode).toBe(401);
      expect(errorCode(reused)).toBe('AUTH_REFRESH_TOKEN_REUSED');
      // The newest token of the family (the owner's, or the thief's) is dead too.
      const after = await refresh(third);
      expect(after.statusCode).toBe(401);
      expect(errorCode(after)).toBe('AUTH_REFRESH_TOKEN_INVALID');
    });

    it('revokes only the family of the reused token, not the member’s other logins', async () => {
      const reg = await register();
      const other = (await login(reg.email)).json() as { refreshToken: string };
      const next = (await refresh(reg.refreshToken)).json() as { refreshToken: string };
      expect(next.refreshToken).toBeDefined();
      expect(errorCode(await refresh(reg.refreshToken))).toBe('AUTH_REFRESH_TOKEN_REUSED');
      expect((await refresh(other.refreshToken)).statusCode).toBe(200);
    });

    it('lets exactly one of two concurrent refreshes with the same token win', async () => {
      const { refreshToken } = await register();
      const results = await Promise.all([refresh(refreshToken), refresh(refreshToken)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
      const loser = results.find((r) => r.statusCode === 401) as LightMyRequestResponse;
      expect(errorCode(loser)).toBe('AUTH_REFRESH_TOKEN_REUSED');
    });

    it('stores only the SHA-256 of refresh tokens', async () => {
      const reg = await register();
      const rows = await ctx.db
        .selectFrom('refreshTokens')
        .selectAll()
        .where('memberId', '=', reg.memberId)
        .execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.tokenHash).toBe(createHash('sha256').update(reg.refreshToken).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(reg.refreshToken);
    });

    it('refuses unknown and expired refresh tokens', async () => {
      expect(errorCode(await refresh(randomBytes(32).toString('base64url')))).toBe(
        'AUTH_REFRESH_TOKEN_INVALID',
      );
      const { refreshToken } = await register();
      ctx.clock.advance(ctx.config.auth.refreshTokenTtlSeconds * 1000 + 1000);
      const res = await refresh(refreshToken);
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe('AUTH_REFRESH_TOKEN_INVALID');
    });

    it('logout revokes the login; logging out twice or with an unknown token is still 204', async () => {
      const { refreshToken } = await register();
      expect((await post('/v1/auth/logout', { refreshToken })).statusCode).toBe(204);
      expect(errorCode(await refresh(refreshToken))).toBe('AUTH_REFRESH_TOKEN_INVALID');
      expect((await post('/v1/auth/logout', { refreshToken })).statusCode).toBe(204);
      expect((await post('/v1/auth/logout', { refreshToken: 'nope' })).statusCode).toBe(204);
    });
  });

  describe('access tokens', () => {
    it('expire after the configured lifetime', async () => {
      const { accessToken } = await register();
      expect((await get('/v1/me', accessToken)).statusCode).toBe(200);
      ctx.clock.advance((ctx.config.auth.accessTokenTtlSeconds + 1) * 1000);
      const res = await get('/v1/me', accessToken);
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe('AUTH_INVALID_TOKEN');
    });

    it('refuses tokens signed with another key, tampered with, or meant for operators', async () => {
      const { accessToken, memberId } = await register();
      const now = ctx.clock.now();
      const otherKey = await signToken(randomBytes(32), 'member', memberId, 900, now);
      const [header, payload, signature] = accessToken.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const tamperedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString(
        'base64url',
      );
      const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
      const wrongAudience = await signToken(ctx.crypto.memberJwtKey, 'operator', memberId, 900, now);
      for (const token of [
        otherKey,
        `${header}.${tamperedPayload}.${signature}`,
        `${header}.${payload}.${flipped}`,
        wrongAudience,
      ]) {
        const res = await get('/v1/me', token);
        expect(res.statusCode).toBe(401);
        expect(errorCode(res)).toBe('AUTH_INVALID_TOKEN');
      }
    });

    it('let a member reach only their own data', async () => {
      const alice = await register();
      const bob = await register();
      expect((await get(`/v1/members/${alice.memberId}`, alice.accessToken)).statusCode).toBe(200);
      const other = await get(`/v1/members/${bob.memberId}`, alice.accessToken);
      expect(other.statusCode).toBe(404);
      expect(JSON.stringify(other.json())).not.toContain(bob.email);
      expect((await get('/v1/operators', alice.accessToken)).statusCode).toBe(403);
      expect((await get('/v1/api-keys', alice.accessToken)).statusCode).toBe(403);
    });

    it('/v1/me is for members only', async () => {
      const { token } = await operatorToken(ctx, 'admin');
      expect((await get('/v1/me', token)).statusCode).toBe(403);
      expect((await app.inject({ method: 'GET', url: '/v1/me' })).statusCode).toBe(401);
    });
  });

  describe('login failures and rate limits', () => {
    it('answers a wrong password and an unknown account identically', async () => {
      const reg = await register();
      const wrong = await login(reg.email, 'not the password');
      const unknown = await login('nobody@example.com', 'not the password');
      const unknownPhone = await login('+1 555 0100', 'not the password');
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(unknownPhone.statusCode).toBe(401);
      expect(unknown.json()).toEqual(wrong.json());
      expect(unknownPhone.json()).toEqual(wrong.json());
      expect(errorCode(wrong)).toBe('AUTH_INVALID_CREDENTIALS');
    });

    it('locks an account after too many failures, with Retry-After, until the window passes', async () => {
      const reg = await register();
      for (let i = 0; i < 3; i++) expect((await login(reg.email, 'wrong password')).statusCode).toBe(401);
      const locked = await login(reg.email);
      expect(locked.statusCode).toBe(429);
      expect(errorCode(locked)).toBe('AUTH_RATE_LIMITED');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
      ctx.clock.advance(61_000);
      expect((await login(reg.email)).statusCode).toBe(200);
    });

    it('counts unknown accounts the same way, so locking does not reveal existence', async () => {
      for (let i = 0; i < 3; i++)
        expect((await login('ghost@example.com', 'wrong password')).statusCode).toBe(401);
      expect((await login('ghost@example.com', 'wrong password')).statusCode).toBe(429);
    });

    it('resets the per-account count after a successful login', async () => {
      const reg = await register();
      for (let i = 0; i < 2; i++) await login(reg.email, 'wrong password');
      expect((await login(reg.email)).statusCode).toBe(200);
      for (let i = 0; i < 2; i++) expect((await login(reg.email, 'wrong password')).statusCode).toBe(401);
      expect((await login(reg.email)).statusCode).toBe(200);
    });

    it('limits attempts per address across accounts, until the window passes', async () => {
      const ip = '192.0.2.77';
      for (let i = 0; i < 8; i++)
        expect((await login(`spray${i}@example.com`, 'password1', ip)).statusCode).toBe(401);
      const limited = await login('spray-next@example.com', 'password1', ip);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await login('spray-next@example.com', 'password1', '192.0.2.78')).statusCode).toBe(401);
      ctx.clock.advance(61_000);
      expect((await login('spray-next@example.com', 'password1', ip)).statusCode).toBe(401);
    });
  });

  describe('registration errors', () => {
    it('refuses an existing id with 409 and leaves that member untouched', async () => {
      const first = await register({ memberId: 'shop-77', name: 'Original' });
      const again = await post('/v1/auth/register', {
        memberId: 'shop-77',
        email: 'x77@example.com',
        password: PASSWORD,
        name: 'Hijack',
      });
      expect(again.statusCode).toBe(409);
      expect(errorCode(again)).toBe('AUTH_ACCOUNT_EXISTS');
      expect((await get('/v1/me', first.accessToken)).json()).toMatchObject({
        name: 'Original',
        email: first.email,
      });
      expect((await login('x77@example.com')).statusCode).toBe(401);
    });

    it('refuses a taken email, and bodies without a login, with a short password or unknown fields', async () => {
      const reg = await register();
      const taken = await post('/v1/auth/register', { email: reg.email, password: PASSWORD });
      expect(taken.statusCode).toBe(409);
      expect(errorCode(taken)).toBe('MEMBER_EMAIL_TAKEN');
      const countMembers = async () =>
        Number(
          (
            await ctx.db
              .selectFrom('members')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await countMembers();
      const cases = [
        { password: PASSWORD, name: 'No Login' },
        { email: 'short@example.com', password: 'short' },
        { email: 'long@example.com', password: 'x'.repeat(129) },
        { email: 'status@example.com', password: PASSWORD, status: 'active' },
      ];
      for (const body of cases) {
        const res = await post('/v1/auth/register', body);
        expect(res.statusCode).toBe(400);
        expect(errorCode(res)).toBe('VALIDATION_FAILED');
      }
      expect(await countMembers()).toBe(before);
    });

    it('refuses status or id changes through PATCH /v1/me', async () => {
      const { accessToken } = await register();
      for (const payload of [{ status: 'suspended' }, { id: 'other' }, { attributes: { vip: true } }]) {
        const res = await app.inject({
          method: 'PATCH',
          url: '/v1/me',
          headers: bearer(accessToken),
          payload,
        });
        expect(res.statusCode).toBe(400);
      }
    });
  });

  describe('password change and deleted members', () => {
    it('changes the password, signs out every session, and audits it', async () => {
      const reg = await register();
      const secondDevice = (await login(reg.email)).json() as { refreshToken: string };
      const change = (body: object) => post('/v1/me/password', body, { token: reg.accessToken });

      const wrong = await change({ currentPassword: 'not it at all', newPassword: 'a new password' });
      expect(wrong.statusCode).toBe(401);
      expect((await change({ currentPassword: PASSWORD, newPassword: 'short' })).statusCode).toBe(400);
      expect((await change({ currentPassword: PASSWORD, newPassword: 'a new password' })).statusCode).toBe(
        204,
      );

      expect(errorCode(await refresh(reg.refreshToken))).toBe('AUTH_REFRESH_TOKEN_INVALID');
      expect(errorCode(await refresh(secondDevice.refreshToken))).toBe('AUTH_REFRESH_TOKEN_INVALID');
      expect((await login(reg.email)).statusCode).toBe(401);
      expect((await login(reg.email, 'a new password')).statusCode).toBe(200);
      const audit = await ctx.db
        .selectFrom('auditLog')
        .selectAll()
        .where('action', '=', 'member.password_change')
        .where('targetId', '=', reg.memberId)
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]?.actorType).toBe('member');
      expect(audit[0]?.details).not.toContain('a new password');
    });

    it('does not let a deleted member log in or refresh', async () => {
      const reg = await register();
      await deleteMember(ctx, reg.memberId, { actorType: 'system', actorId: 'test' });
      const res = await login(reg.email);
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe('AUTH_INVALID_CREDENTIALS');
      expect(errorCode(await refresh(reg.refreshToken))).toBe('AUTH_REFRESH_TOKEN_INVALID');
    });

    it('does not let a store-created member without a password log in', async () => {
      const key = await apiKeyWithScopes(ctx, ['members:write']);
      const created = await app.inject({
        method: 'POST',
        url: '/v1/members',
        headers: bearer(key),
        payload: { id: 'store-only-1', email: 'store-only@example.com' },
      });
      expect(created.statusCode).toBeLessThan(300);
      expect(errorCode(await login('store-only@example.com', 'any password'))).toBe(
        'AUTH_INVALID_CREDENTIALS',
      );
    });
  });
});
