import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { existingMemberIds, upsertMember } from '../members/index.ts';
import { ingestEvents } from './index.ts';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const at = (offsetSeconds: number) => new Date(NOW + offsetSeconds * 1000).toISOString();

let serial = 0;
function view(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    id: `ev-${serial}`,
    type: 'view',
    memberId: 'm-1',
    itemId: 'sku-1',
    occurredAt: at(-serial),
    ...overrides,
  };
}

function paid(overrides: Record<string, unknown> = {}) {
  return view({
    type: 'order_paid',
    itemId: undefined,
    orderId: 'o-1',
    amount: { amount: 25900, currency: 'CNY' },
    ...overrides,
  });
}

async function createMembers(ctx: TestContext, ids: string[]): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    for (const id of ids) await upsertMember(ctx, trx, { id }, { actorType: 'system', actorId: 'test' });
  });
}

async function countEvents(ctx: TestContext): Promise<number> {
  const row = await ctx.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function paths(body: { error: { details: { path: string }[] } }): string[] {
  return body.error.details.map((d) => d.path);
}

describe.each(testDatabases())('events on %s', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let writer: { authorization: string };
  let reader: { authorization: string };
  const post = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/events', headers: writer, payload: payload as object });

  beforeAll(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false });
    writer = bearer(await apiKeyWithScopes(ctx, ['events:write']));
    reader = bearer(await apiKeyWithScopes(ctx, ['events:read']));
    await createMembers(ctx, ['m-1', 'm-2', 'm-list']);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  describe('happy path', () => {
    it('accepts one event object', async () => {
      const res = await post(view({ context: { ip: '203.0.113.9', deviceId: 'dev-1', channel: 'app' } }));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ accepted: 1, duplicates: 0 });
    });

    it('accepts a batch of every kind of event', async () => {
      const events = [
        view(),
        view({ type: 'search', itemId: undefined, properties: { query: 'green tea' } }),
        view({ type: 'cart_add', quantity: 2, price: { amount: 12999, currency: 'CNY' } }),
        paid({ quantity: 2, price: { amount: 12950, currency: 'CNY' } }),
        view({ type: 'review', rating: 5, text: '很好喝' }),
        view({ type: 'login', itemId: undefined }),
      ];
      const res = await post({ events });
      expect(res.json()).toEqual({ accepted: 6, duplicates: 0 });
    });

    it('acknowledges a repeated batch without storing it twice', async () => {
      const events = [view(), paid({ orderId: 'o-rep' }), view({ memberId: 'm-2' })];
      expect((await post({ events })).json()).toEqual({ accepted: 3, duplicates: 0 });
      const before = await countEvents(ctx);
      // Same content written differently (key order, offset instead of Z) is still the same event.
      const again = events.map((e) => ({ ...e, occurredAt: e.occurredAt.replace('Z', '+00:00') }));
      const res = await post({ events: again });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ accepted: 0, duplicates: 3 });
      expect(await countEvents(ctx)).toBe(before);
    });

    it('accepts an occurredAt inside the allowed clock skew and any past date', async () => {
      const res = await post({
        events: [view({ occurredAt: at(240) }), view({ occurredAt: '2010-12-01T08:26:00Z' })],
      });
      expect(res.json()).toEqual({ accepted: 2, duplicates: 0 });
    });

    it('ingestEvents stores the same way when called directly', async () => {
      const result = await ingestEvents(ctx, [view(), view()]);
      expect(result).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    });

    it('lenient mode stores the good events and returns the bad ones by index', async () => {
      const bad = view({ memberId: 'ghost' });
      const result = await ingestEvents(ctx, [view(), bad, view({ quantity: 0 })], { mode: 'lenient' });
      expect(result.accepted).toBe(1);
      expect(result.rejected.map((r) => r.index)).toEqual([1, 2]);
      expect(result.rejected[0]?.message).toContain('ghost');
    });
  });

  describe('bad input', () => {
    it('answers malformed JSON with 400 REQUEST_MALFORMED_JSON', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { ...writer, 'content-type': 'application/json' },
        payload: '{"events": [',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('REQUEST_MALFORMED_JSON');
    });

    it('lists every bad field of every event with its index', async () => {
      const before = await countEvents(ctx);
      const events = [
        view(),
        view({ quantity: 'two', colour: 'red' }),
        view({ type: 'teleport', memberId: 'has space', text: 'x'.repeat(5001) }),
        paid({ orderId: undefined, amount: { amount: 12.5, currency: 'CNY' } }),
        { id: 'ev-missing' },
        view({ occurredAt: '2026-01-15 12:00:00', rating: 6, context: { ip: 'not-an-ip' } }),
        view({ type: 'review', itemId: undefined }),
        view({ type: 'search', itemId: undefined }),
        view({ id: 'x'.repeat(65), price: { amount: -1, currency: 'CNY' } }),
      ];
      const res = await post({ events });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(paths(res.json())).toEqual(
        expect.arrayContaining([
          'events.1.quantity',
          'events.1',
          'events.2.type',
          'events.2.memberId',
          'events.2.text',
          'events.3.orderId',
          'events.3.amount.amount',
          'events.4.type',
          'events.4.memberId',
          'events.4.occurredAt',
          'events.5.occurredAt',
          'events.5.rating',
          'events.5.context.ip',
          'events.6.rating',
          'events.7.properties.query',
          'events.8.id',
          'events.8.price.amount',
        ]),
      );
      expect(paths(res.json()).some((p) => p.startsWith('events.0'))).toBe(false);
      expect(await countEvents(ctx)).toBe(before);
    });

    it('names fields without a prefix for a single event', async () => {
      const res = await post(paid({ amount: undefined }));
      expect(res.statusCode).toBe(400);
      expect(paths(res.json())).toEqual(['amount']);
    });

    it('refuses a body that is neither an event nor a batch', async () => {
      for (const payload of [[view()], { events: 'many' }, { events: [view()], extra: 1 }]) {
        const res = await post(payload);
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('answers a 2 MB body with 413 REQUEST_BODY_TOO_LARGE', async () => {
      const res = await post(view({ properties: { blob: 'x'.repeat(2 * 1024 * 1024) } }));
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('REQUEST_BODY_TOO_LARGE');
    });

    it('answers a batch of 1,001 events with 413 EVENT_BATCH_TOO_LARGE', async () => {
      const events = Array.from({ length: 1001 }, (_, i) => ({
        id: `big-${i}`,
        type: 'login',
        memberId: 'm-1',
        occurredAt: at(-1),
      }));
      const res = await post({ events });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('EVENT_BATCH_TOO_LARGE');
    });

    it('refuses the same id twice in one batch and writes nothing', async () => {
      const before = await countEvents(ctx);
      const first = view();
      const res = await post({ events: [first, view(), { ...first }] });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('EVENT_DUPLICATE_ID');
      expect(paths(res.json())).toEqual(['events.2.id']);
      expect(await countEvents(ctx)).toBe(before);
    });

    it('refuses events dated beyond the allowed skew with 422 listing them', async () => {
      const before = await countEvents(ctx);
      const res = await post({
        events: [view(), view({ occurredAt: at(301) }), view({ occurredAt: at(86_400) })],
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('EVENT_IN_FUTURE');
      expect(res.json().error.details.map((d: { index: number }) => d.index)).toEqual([1, 2]);
      expect(await countEvents(ctx)).toBe(before);
    });

    it('refuses unknown members with 422 listing each and their events, writing nothing', async () => {
      const before = await countEvents(ctx);
      const events = [
        view(),
        view({ memberId: 'ghost-a' }),
        view({ memberId: 'ghost-b' }),
        view({ memberId: 'ghost-a' }),
      ];
      const res = await post({ events });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('EVENT_UNKNOWN_MEMBERS');
      expect(res.json().error.details).toEqual([
        expect.objectContaining({ memberId: 'ghost-a', indexes: [1, 3] }),
        expect.objectContaining({ memberId: 'ghost-b', indexes: [2] }),
      ]);
      expect(await countEvents(ctx)).toBe(before);
      expect((await existingMemberIds(ctx.db, ['ghost-a'])).size).toBe(0);
    });

    it('answers the same id with other content with 409 and writes nothing of the batch', async () => {
      const stored = view();
      await post(stored);
      const before = await countEvents(ctx);
      const res = await post({ events: [view(), { ...stored, itemId: 'sku-other' }] });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('EVENT_ID_CONFLICT');
      expect(paths(res.json())).toEqual(['events.1.id']);
      expect(await countEvents(ctx)).toBe(before);
    });

    it('needs events:write to post, and members may not post', async () => {
      expect(
        (await app.inject({ method: 'POST', url: '/v1/events', headers: reader, payload: view() }))
          .statusCode,
      ).toBe(403);
      const member = bearer(await memberToken(ctx, 'm-1'));
      expect(
        (await app.inject({ method: 'POST', url: '/v1/events', headers: member, payload: view() }))
          .statusCode,
      ).toBe(403);
    });
  });

  describe('with autoCreateMembers', () => {
    // The same database with the option switched on in config (a second PostgreSQL test schema
    // in one process would confuse Kysely's migrator, so the context is shared).
    const autoContext = () => ({
      ...ctx,
      config: { ...ctx.config, events: { ...ctx.config.events, autoCreateMembers: true } },
    });

    it('creates bare members for unknown ids in the same write', async () => {
      const result = await ingestEvents(autoContext(), [
        view({ memberId: 'new-1' }),
        view({ memberId: 'new-2' }),
      ]);
      expect(result).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
      expect([...(await existingMemberIds(ctx.db, ['new-1', 'new-2']))].sort()).toEqual(['new-1', 'new-2']);
    });

    it('creates nothing when another check fails the batch', async () => {
      await ingestEvents(ctx, [view({ id: 'fixed', memberId: 'm-1' })]);
      const conflicting = [
        view({ memberId: 'new-3' }),
        view({ id: 'fixed', memberId: 'm-1', itemId: 'other' }),
      ];
      await expect(ingestEvents(autoContext(), conflicting)).rejects.toMatchObject({
        code: 'EVENT_ID_CONFLICT',
      });
      expect((await existingMemberIds(ctx.db, ['new-3'])).size).toBe(0);
    });

    it('the per-call option overrides the configuration', async () => {
      await expect(
        ingestEvents(autoContext(), [view({ memberId: 'new-4' })], { autoCreateMembers: false }),
      ).rejects.toMatchObject({
        code: 'EVENT_UNKNOWN_MEMBERS',
      });
      expect(
        (await ingestEvents(ctx, [view({ memberId: 'new-5' })], { autoCreateMembers: true })).accepted,
      ).toBe(1);
    });
  });
});
