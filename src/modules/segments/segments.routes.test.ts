import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { createJob, runJob } from '../jobs/index.ts';
import { ensureDefaultTiers } from '../tiers/index.ts';
import { listMemberSegments, openSegmentMemberStream, SEGMENTS_COUNT } from './index.ts';
import { addEvent, addItem, addMember, addProfile, addScores, DAY } from './segments.testing.ts';

type Headers = { authorization: string };

const buyers = { field: 'profile.orders', op: 'gte', value: 1 };

describe.each(testDatabases())('segment routes on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let operator: Headers;
  let analyst: Headers;

  beforeEach(async () => {
    ctx = await createTestContext(database);
    await ensureDefaultTiers(ctx);
    app = await buildApp(ctx, { docs: false, webDist: false });
    operator = bearer((await operatorToken(ctx, 'operator')).token);
    analyst = bearer((await operatorToken(ctx, 'analyst')).token);
    for (const [i, id] of ['m1', 'm2', 'm3', 'm4'].entries()) {
      await addMember(ctx, id, {
        region: i % 2 ? 'Shanghai' : 'Beijing',
        registeredAt: ctx.clock.now() - i * DAY,
      });
      if (i < 3) await addProfile(ctx, id, { orders: i, revenue: i * 1000 });
    }
    await addScores(ctx, 'm2', { churnRisk: 0.9 });
  });
  afterEach(async () => {
    await app?.close();
    await ctx?.close();
  });

  const call = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, headers: Headers, payload?: object) =>
    app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const create = async (definition: unknown, headers = analyst, name = 'Buyers') => {
    const res = await call('POST', '/v1/segments', headers, { name, definition });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  describe('saved segments', () => {
    it('lets an analyst create a segment, which is counted at once and audited', async () => {
      const segment = await create(buyers);
      expect(segment).toMatchObject({
        name: 'Buyers',
        version: 1,
        size: 2,
        definition: buyers,
        description: null,
      });
      expect(segment.id).toMatch(/^seg_/);
      expect(segment.countedAt).toBe(new Date(ctx.clock.now()).toISOString());
      const audit = await ctx.db
        .selectFrom('auditLog')
        .select('action')
        .where('targetId', '=', segment.id)
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['segment.create']);
      const got = await call('GET', `/v1/segments/${segment.id}`, analyst);
      expect(got.json()).toEqual(segment);
    });

    it('updates with the current version and refuses a stale one', async () => {
      const segment = await create(buyers);
      const body = {
        name: 'Big buyers',
        definition: { field: 'profile.orders', op: 'gte', value: 2 },
        version: 1,
      };
      const updated = await call('PUT', `/v1/segments/${segment.id}`, operator, body);
      expect(updated.statusCode, updated.body).toBe(200);
      expect(updated.json()).toMatchObject({ name: 'Big buyers', version: 2, size: 1 });
      const stale = await call('PUT', `/v1/segments/${segment.id}`, operator, body);
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe('SEGMENT_VERSION_CONFLICT');
    });

    it('archives a segment only when no live segment refers to it', async () => {
      const base = await create(buyers);
      const user = await create({
        all: [{ segment: base.id }, { field: 'member.region', op: 'eq', value: 'Shanghai' }],
      });
      expect(user.size).toBe(1);
      const refused = await call('DELETE', `/v1/segments/${base.id}`, operator);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('SEGMENT_IN_USE');
      expect(refused.json().error.details[0].segmentId).toBe(user.id);
      expect((await call('DELETE', `/v1/segments/${user.id}`, operator)).statusCode).toBe(204);
      expect((await call('DELETE', `/v1/segments/${base.id}`, operator)).statusCode).toBe(204);
      expect((await call('GET', `/v1/segments/${base.id}`, analyst)).statusCode).toBe(404);
      const list = await call('GET', '/v1/segments', analyst);
      expect(list.json()).toEqual({ data: [], nextCursor: null });
    });

    it('lists live segments newest first with a cursor', async () => {
      const first = await create(buyers, analyst, 'one');
      const second = await create(buyers, analyst, 'two');
      const page = await call('GET', '/v1/segments?limit=1', analyst);
      expect(page.json().data.map((s: { id: string }) => s.id)).toEqual([second.id]);
      expect(page.json().data[0].definition).toBeUndefined();
      const next = await call('GET', `/v1/segments?limit=1&cursor=${page.json().nextCursor}`, analyst);
      expect(next.json()).toMatchObject({ data: [{ id: first.id }], nextCursor: null });
    });

    it('keeps a size history of every count, including the daily job', async () => {
      // An API key does not expire as the clock moves on (operator tokens last an hour).
      const store = bearer(await apiKeyWithScopes(ctx, ['segments:read', 'segments:write']));
      const segment = await create(buyers, store);
      ctx.clock.advance(DAY);
      await addProfile(ctx, 'm4', { orders: 3 });
      const counted = await call('POST', `/v1/segments/${segment.id}/count`, store);
      expect(counted.json().size).toBe(3);
      ctx.clock.advance(DAY);
      await ctx.db.deleteFrom('memberProfiles').where('memberId', '=', 'm4').execute();
      const job = await createJob(ctx, SEGMENTS_COUNT, {}, null);
      expect((await runJob(ctx, job.id))?.status).toBe('succeeded');
      const sizes = await call('GET', `/v1/segments/${segment.id}/sizes`, store);
      expect(sizes.json().data.map((s: { size: number }) => s.size)).toEqual([2, 3, 2]);
    });

    it('counts every live segment in the daily job, a few per step', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await create(buyers, analyst, `s${i}`)).id);
      await call('DELETE', `/v1/segments/${ids[6]}`, operator);
      ctx.clock.advance(1000);
      const job = await createJob(ctx, SEGMENTS_COUNT, {}, null);
      const done = await runJob(ctx, job.id);
      expect(done?.result).toEqual({ counted: 6 });
      const history = await ctx.db.selectFrom('segmentSizes').select('segmentId').execute();
      expect(history.filter((h) => h.segmentId === ids[0])).toHaveLength(2);
      expect(history.filter((h) => h.segmentId === ids[6])).toHaveLength(1);
    });

    it('audits updates and archives with the operator as actor', async () => {
      const segment = await create(buyers, operator);
      await call('PUT', `/v1/segments/${segment.id}`, operator, {
        name: 'B',
        definition: buyers,
        version: 1,
      });
      await call('DELETE', `/v1/segments/${segment.id}`, operator);
      const audit = await ctx.db
        .selectFrom('auditLog')
        .select(['action', 'actorType'])
        .where('targetId', '=', segment.id)
        .orderBy('seq')
        .execute();
      expect(audit).toEqual([
        { action: 'segment.create', actorType: 'operator' },
        { action: 'segment.update', actorType: 'operator' },
        { action: 'segment.archive', actorType: 'operator' },
      ]);
    });

    it('refuses an invalid definition listing every problem, and a cycle with 422', async () => {
      const bad = await call('POST', '/v1/segments', analyst, {
        name: 'Bad',
        definition: {
          any: [
            { field: 'member.email', op: 'eq', value: 'x@y.z' },
            { field: 'profile.orders', op: 'gt', value: 'many' },
          ],
        },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('SEGMENT_DEFINITION_INVALID');
      expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual([
        'definition.any.0.field',
        'definition.any.1.value',
      ]);
      const a = await create(buyers);
      const b = await create({ not: { segment: a.id } });
      const cycle = await call('PUT', `/v1/segments/${a.id}`, analyst, {
        name: 'A',
        definition: { segment: b.id },
        version: 1,
      });
      expect(cycle.statusCode).toBe(422);
      expect(cycle.json().error.code).toBe('SEGMENT_CYCLE');
    });
  });

  describe('members of a segment', () => {
    it('previews a definition without saving it', async () => {
      const res = await call('POST', '/v1/segments/preview', analyst, { definition: buyers });
      expect(res.json()).toEqual({ size: 2, sample: ['m2', 'm3'] });
      expect(await ctx.db.selectFrom('segments').select('id').execute()).toEqual([]);
    });

    it('pages through the members by id and exports them as CSV of ids only', async () => {
      const segment = await create({ field: 'member.registeredDays', op: 'gte', value: 0 });
      const first = await call('GET', `/v1/segments/${segment.id}/members?limit=3`, analyst);
      expect(first.json().data).toEqual([{ memberId: 'm1' }, { memberId: 'm2' }, { memberId: 'm3' }]);
      const rest = await call(
        'GET',
        `/v1/segments/${segment.id}/members?cursor=${first.json().nextCursor}`,
        analyst,
      );
      expect(rest.json()).toEqual({ data: [{ memberId: 'm4' }], nextCursor: null });
      const csv = await call('GET', `/v1/segments/${segment.id}/export`, analyst);
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="${segment.id}.csv"`);
      expect(csv.body).toBe('member_id\nm1\nm2\nm3\nm4\n');
      const missing = await call('GET', '/v1/segments/seg_01JAAAAAAAAAAAAAAAAAAAAAAA/export', analyst);
      expect(missing.statusCode).toBe(404);
    });

    it('streams member ids page by page', async () => {
      const segment = await create({ field: 'member.registeredDays', op: 'gte', value: 0 });
      const pages: string[][] = [];
      for await (const page of await openSegmentMemberStream(ctx, segment.id, 3)) pages.push(page);
      expect(pages).toEqual([['m1', 'm2', 'm3'], ['m4']]);
    });

    it('filters the members list by segment', async () => {
      const segment = await create({ field: 'value.churnRisk', op: 'gte', value: 0.5 });
      const res = await call('GET', `/v1/members?segment=${segment.id}`, analyst);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data.map((m: { id: string }) => m.id)).toEqual(['m2']);
      const both = await call('GET', `/v1/members?segment=${segment.id}&region=Beijing`, analyst);
      expect(both.json().data).toEqual([]);
      const unknown = await call('GET', '/v1/members?segment=seg_01JAAAAAAAAAAAAAAAAAAAAAAA', analyst);
      expect(unknown.statusCode).toBe(404);
      const keyWithoutSegments = bearer(await apiKeyWithScopes(ctx, ['members:read']));
      expect((await call('GET', `/v1/members?segment=${segment.id}`, keyWithoutSegments)).statusCode).toBe(
        403,
      );
    });

    it('lists the segments a member is in, evaluated for that member alone', async () => {
      await addItem(ctx, 'p1', '手机数码 > 手机');
      await addEvent(ctx, 'm4', 'order_paid', { itemId: 'p1', amount: 100 });
      await addEvent(ctx, 'm4', 'order_paid', { itemId: 'p1', amount: 100, at: ctx.clock.now() - 30 * DAY });
      const phones = await create(
        { event: { type: 'order_paid', category: '手机', withinDays: 90 }, count: { op: 'gte', value: 2 } },
        analyst,
        'Phone buyers',
      );
      await create(buyers);
      const res = await call('GET', '/v1/members/m4/segments', analyst);
      expect(res.json()).toEqual({ data: [{ id: phones.id, name: 'Phone buyers' }] });
      expect((await listMemberSegments(ctx, 'm2')).map((s) => s.name)).toEqual(['Buyers']);
      expect((await call('GET', '/v1/members/nobody/segments', analyst)).statusCode).toBe(404);
    });
  });

  describe('access', () => {
    it('refuses an API key without the scope, and lets one with segments:read read', async () => {
      const without = bearer(await apiKeyWithScopes(ctx, ['members:read']));
      expect((await call('GET', '/v1/segments', without)).statusCode).toBe(403);
      expect(
        (await call('POST', '/v1/segments', without, { name: 'x', definition: buyers })).statusCode,
      ).toBe(403);
      const reader = bearer(await apiKeyWithScopes(ctx, ['segments:read']));
      expect((await call('GET', '/v1/segments/fields', reader)).statusCode).toBe(200);
      expect((await call('POST', '/v1/segments', reader, { name: 'x', definition: buyers })).statusCode).toBe(
        403,
      );
    });

    it('lets a member read their own segments but not list segments or read another member’s', async () => {
      await create(buyers);
      const member = bearer(await memberToken(ctx, 'm2'));
      expect((await call('GET', '/v1/segments', member)).statusCode).toBe(403);
      const own = await call('GET', '/v1/members/m2/segments', member);
      expect(own.statusCode).toBe(200);
      expect(own.json().data.map((s: { name: string }) => s.name)).toEqual(['Buyers']);
      expect((await call('GET', '/v1/members/m3/segments', member)).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/v1/segments' })).statusCode).toBe(401);
    });

    it('describes every field with its type, labels and operators', async () => {
      const res = await call('GET', '/v1/segments/fields', analyst);
      const fields = res.json().data as { field: string; values?: string[]; ops: string[]; label: object }[];
      const tier = fields.find((f) => f.field === 'tier');
      expect(tier?.values).toEqual(['member', 'silver', 'gold', 'platinum']);
      expect(fields.find((f) => f.field === 'member.region')?.ops).not.toContain('gt');
      expect(fields.find((f) => f.field === 'profile.recencyDays')).toMatchObject({
        type: 'number',
        unit: 'days',
        label: { en: 'Days since last order', zh: '距上次下单天数' },
      });
      expect(fields.some((f) => /email|phone|name|birthday|address/i.test(f.field))).toBe(false);
    });
  });
});
