import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { countAuditEntries, listAuditEntries } from '../audit/index.ts';
import { insertMemberRow, violatedMemberIndex } from './members.repository.ts';

const alice = {
  name: 'Alice Zhang',
  email: 'Alice.Zhang@Example.com',
  phone: '+86 138-1234-5678',
  birthday: '1990-05-17',
  address: '100 Century Avenue, Pudong, Shanghai',
  gender: 'female',
  region: 'Shanghai',
  locale: 'zh-CN',
  channel: 'app',
  registeredAt: '2024-03-01T08:00:00.000Z',
  attributes: { vip: true, source: 'campaign-7' },
  consents: { marketingEmail: { granted: true, at: '2024-03-01T08:00:00.000Z' } },
};

describe.each(testDatabases())('members API on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let store: { authorization: string };
  let admin: { authorization: string };

  beforeAll(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false });
    store = bearer(await apiKeyWithScopes(ctx, ['members:read', 'members:write']));
    admin = bearer((await operatorToken(ctx, 'admin')).token);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const post = (payload: object) =>
    app.inject({ method: 'POST', url: '/v1/members', headers: store, payload });
  const patch = (id: string, payload: object) =>
    app.inject({ method: 'PATCH', url: `/v1/members/${id}`, headers: store, payload });
  const get = (id: string, headers = store) =>
    app.inject({ method: 'GET', url: `/v1/members/${id}`, headers });

  describe('happy path', () => {
    it('creates a member with 201 and returns every field, email and phone normalised', async () => {
      const res = await post({ id: 'alice-1', ...alice });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({
        id: 'alice-1',
        ...alice,
        email: 'alice.zhang@example.com',
        phone: '+8613812345678',
        status: 'active',
        createdAt: new Date(ctx.clock.now()).toISOString(),
        updatedAt: new Date(ctx.clock.now()).toISOString(),
        deletedAt: null,
        version: 1,
      });
      expect((await get('alice-1')).json()).toEqual(res.json());
    });

    it('updates an existing id with 200, changing only the fields sent', async () => {
      await post({ id: 'up-1', ...alice, email: 'up1@example.com', phone: '13900000001' });
      ctx.clock.advance(1000);
      const res = await post({ id: 'up-1', region: 'Beijing', attributes: { vip: false } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        region: 'Beijing',
        attributes: { vip: false },
        name: alice.name,
        version: 2,
      });
      expect(res.json().updatedAt).not.toBe(res.json().createdAt);
    });

    it('treats a repeated identical upsert as no change: same version, no audit entry', async () => {
      const first = await post({ id: 'same-1', name: 'Bo', email: 'same1@example.com' });
      const before = await countAuditEntries(ctx.db);
      const again = await post({ id: 'same-1', name: 'Bo', email: 'SAME1@Example.com' });
      expect(again.statusCode).toBe(200);
      expect(again.json().version).toBe(first.json().version);
      expect(await countAuditEntries(ctx.db)).toBe(before);
    });

    it('patches some fields, clears a field with null and bumps the version', async () => {
      await post({ id: 'pa-1', ...alice, email: 'pa1@example.com', phone: '13900000002' });
      const res = await patch('pa-1', {
        address: null,
        locale: 'en-GB',
        consents: { sms: { granted: false } },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ address: null, locale: 'en-GB', version: 2, name: alice.name });
      expect(res.json().consents).toEqual({
        sms: { granted: false, at: new Date(ctx.clock.now()).toISOString() },
      });
    });

    it('records every change in the audit log by field name only', async () => {
      await post({ id: 'au-1', name: 'Carol Wu', email: 'carol.wu@example.com' });
      await patch('au-1', { name: 'Carol Li' });
      const entries = await listAuditEntries(ctx.db, { targetId: 'au-1' }, 10);
      expect(entries.map((e) => e.action)).toEqual(['member.update', 'member.create']);
      expect(JSON.parse(entries[0]!.details)).toEqual({ fields: ['name'] });
      expect(JSON.parse(entries[1]!.details).fields).toEqual(expect.arrayContaining(['name', 'email']));
      const text = entries.map((e) => e.details).join(' ');
      expect(text).not.toContain('Carol');
      expect(text).not.toContain('carol.wu');
    });
  });

  describe('soft delete', () => {
    it('hides a deleted member, shows it to an admin on request and frees its email and phone', async () => {
      await post({ id: 'del-1', email: 'reuse@example.com', phone: '13900000003' });
      const del = await app.inject({ method: 'DELETE', url: '/v1/members/del-1', headers: store });
      expect(del.statusCode).toBe(200);
      expect(del.json()).toMatchObject({ id: 'del-1', status: 'deleted' });
      expect((await get('del-1')).statusCode).toBe(404);
      const shown = await get('del-1?includeDeleted=true', admin);
      expect(shown.statusCode).toBe(200);
      expect(shown.json()).toMatchObject({ status: 'deleted', deletedAt: expect.any(String), version: 2 });
      expect((await get('del-1?includeDeleted=true')).statusCode).toBe(403);
      const reuse = await post({ id: 'del-2', email: 'reuse@example.com', phone: '13900000003' });
      expect(reuse.statusCode).toBe(201);
    });

    it('refuses to upsert, patch or delete a deleted member again', async () => {
      await post({ id: 'del-3' });
      await app.inject({ method: 'DELETE', url: '/v1/members/del-3', headers: store });
      expect((await post({ id: 'del-3', name: 'Back' })).json().error.code).toBe('MEMBER_DELETED');
      expect((await patch('del-3', { name: 'Back' })).statusCode).toBe(404);
      expect(
        (await app.inject({ method: 'DELETE', url: '/v1/members/del-3', headers: store })).statusCode,
      ).toBe(404);
    });
  });

  describe('validation and conflicts', () => {
    it('lists every bad field at once', async () => {
      const res = await post({
        id: 'bad id!',
        email: 'not-an-email',
        phone: 'call me',
        birthday: '1990-13-40',
        gender: 'x',
        registeredAt: 'yesterday',
        consents: { marketing: { granted: 'yes' } },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      const paths = res.json().error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'id',
          'email',
          'phone',
          'birthday',
          'gender',
          'registeredAt',
          'consents.marketing.granted',
        ]),
      );
    });

    it('rejects unknown fields, over-long strings and oversized attributes', async () => {
      const unknown = await post({ id: 'v-1', nickname: 'x' });
      expect(unknown.statusCode).toBe(400);
      expect(JSON.stringify(unknown.json().error.details)).toContain('nickname');
      const long = await post({ id: 'v-1', name: 'x'.repeat(201) });
      expect(long.json().error.details[0].path).toBe('name');
      const big = await post({ id: 'v-1', attributes: { blob: 'x'.repeat(9000) } });
      expect(big.json().error.details[0].path).toBe('attributes');
      expect((await get('v-1')).statusCode).toBe(404);
    });

    it('rejects an invalid id in the path and a bad version', async () => {
      const res = await get('x'.repeat(65));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].path).toBe('params.id');
      expect((await patch('v-2', { version: 0 })).statusCode).toBe(400);
    });

    it('refuses a duplicate email or phone with 409 and writes nothing', async () => {
      await post({ id: 'dup-1', email: 'dup@example.com', phone: '13900000004' });
      const before = await countAuditEntries(ctx.db);
      const email = await post({ id: 'dup-2', email: 'DUP@EXAMPLE.COM' });
      expect(email.statusCode).toBe(409);
      expect(email.json().error.code).toBe('MEMBER_EMAIL_TAKEN');
      const phone = await post({ id: 'dup-2', phone: '139-0000-0004' });
      expect(phone.json().error.code).toBe('MEMBER_PHONE_TAKEN');
      expect((await get('dup-2')).statusCode).toBe(404);
      await post({ id: 'dup-3' });
      expect((await patch('dup-3', { email: 'dup@example.com' })).json().error.code).toBe(
        'MEMBER_EMAIL_TAKEN',
      );
      expect(await countAuditEntries(ctx.db)).toBe(before + 1);
    });

    it('answers a stale version with 409 MEMBER_VERSION_CONFLICT', async () => {
      await post({ id: 'ver-1', name: 'Dan' });
      expect((await patch('ver-1', { name: 'Dan 2', version: 1 })).statusCode).toBe(200);
      const stale = await patch('ver-1', { name: 'Dan 3', version: 1 });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe('MEMBER_VERSION_CONFLICT');
      expect((await get('ver-1')).json().name).toBe('Dan 2');
    });

    it('recognises the unique-index violation itself, for requests that race past the check', async () => {
      await post({ id: 'race-1', email: 'race@example.com' });
      const row = await ctx.db
        .selectFrom('members')
        .selectAll()
        .where('id', '=', 'race-1')
        .executeTakeFirstOrThrow();
      const error = await insertMemberRow(ctx.db, { ...row, id: 'race-2', phoneBidx: null }).catch(
        (e: unknown) => e,
      );
      expect(violatedMemberIndex(error)).toBe('email');
      const pk = await insertMemberRow(ctx.db, { ...row, emailBidx: null }).catch((e: unknown) => e);
      expect(violatedMemberIndex(pk)).toBe('id');
      expect(violatedMemberIndex(new Error('other'))).toBeNull();
      const rows = await sql<{ n: number }>`select count(*) as n from members where id like 'race-%'`.execute(
        ctx.db,
      );
      expect(Number(rows.rows[0]?.n)).toBe(1);
    });
  });
});
