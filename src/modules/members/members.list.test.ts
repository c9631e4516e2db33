import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { existingMemberIds, findMemberIdByEmail, findMemberIdByPhone } from './index.ts';

const DAY = 86_400_000;
const BASE = Date.UTC(2024, 0, 1);

describe.each(testDatabases())('member lists and lookups on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let store: { authorization: string };

  beforeAll(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false });
    store = bearer(await apiKeyWithScopes(ctx, ['members:read', 'members:write']));
    // 120 members on 7 registration days, so many share a registeredAt and the id breaks ties.
    for (let i = 0; i < 120; i += 1) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/members',
        headers: store,
        payload: {
          id: `m-${String((i * 37) % 120).padStart(3, '0')}`,
          email: `member${i}@example.com`,
          phone: `1390000${String(i).padStart(4, '0')}`,
          region: i % 2 === 0 ? 'north' : 'south',
          registeredAt: new Date(BASE + (i % 7) * DAY).toISOString(),
        },
      });
      expect(res.statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const list = (query: string) => app.inject({ method: 'GET', url: `/v1/members?${query}`, headers: store });

  it('pages through all 120 members in (registeredAt, id) order with no duplicates and no gaps', async () => {
    const seen: { id: string; registeredAt: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`limit=25${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().data);
      cursor = res.json().nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(120);
    expect(new Set(seen.map((m) => m.id)).size).toBe(120);
    const sorted = [...seen].sort(
      (a, b) => a.registeredAt.localeCompare(b.registeredAt) || a.id.localeCompare(b.id),
    );
    expect(seen.map((m) => m.id)).toEqual(sorted.map((m) => m.id));
  });

  it('finds a member by exact email or phone whatever the case and spacing', async () => {
    const byEmail = await list(`email=${encodeURIComponent('  MEMBER7@Example.COM ')}`);
    expect(byEmail.json().data.map((m: { id: string }) => m.id)).toEqual(['m-019']);
    const byPhone = await list(`phone=${encodeURIComponent('139 0000-0007')}`);
    expect(byPhone.json().data.map((m: { email: string }) => m.email)).toEqual(['member7@example.com']);
    expect((await list('email=nobody@example.com')).json()).toEqual({ data: [], nextCursor: null });
    expect(await findMemberIdByEmail(ctx, ' Member7@example.com')).toBe('m-019');
    expect(await findMemberIdByPhone(ctx, '(139) 0000 0007')).toBe('m-019');
    expect(await findMemberIdByPhone(ctx, '13900009999')).toBeNull();
  });

  it('filters by region and registration time', async () => {
    const res = await list(
      `region=north&registeredFrom=${new Date(BASE + DAY).toISOString()}&registeredTo=${new Date(BASE + 2 * DAY).toISOString()}&limit=500`,
    );
    const data = res.json().data as { region: string; registeredAt: string }[];
    expect(data.length).toBeGreaterThan(0);
    for (const m of data) {
      expect(m.region).toBe('north');
      expect(m.registeredAt).toBe(new Date(BASE + DAY).toISOString());
    }
    // i % 7 === 1 and i even: i = 8, 22, 36, …, 106 → 8 members.
    expect(data).toHaveLength(8);
  });

  it('leaves deleted members out of lists and of the bulk existence check', async () => {
    await app.inject({ method: 'DELETE', url: '/v1/members/m-119', headers: store });
    const all = await list('limit=500');
    expect(all.json().data.map((m: { id: string }) => m.id)).not.toContain('m-119');
    expect(await existingMemberIds(ctx.db, ['m-000', 'm-119', 'nope', 'm-000'])).toEqual(new Set(['m-000']));
  });

  it('rejects a forged cursor and an out-of-range limit', async () => {
    expect((await list('cursor=not-a-cursor')).json().error.code).toBe('REQUEST_CURSOR_INVALID');
    const res = await list('limit=501');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('query.limit');
  });
});
