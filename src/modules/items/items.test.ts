import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { upsertItems } from './index.ts';

const tea = {
  title: 'Longjing green tea 250 g',
  titleEn: 'Longjing tea',
  categoryPath: ['Food', 'Tea', 'Green tea'],
  brand: 'West Lake',
  price: { amount: 12999, currency: 'CNY' },
  attributes: { grade: 'AAA' },
};

function batchItem(id: string, amount = 100) {
  return { id, title: `Item ${id}`, categoryPath: ['Home'], price: { amount, currency: 'CNY' } };
}

describe.each(testDatabases())('items on %s', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let writer: { authorization: string };
  let reader: { authorization: string };

  beforeAll(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false });
    writer = bearer(await apiKeyWithScopes(ctx, ['items:write', 'items:read']));
    reader = bearer(await apiKeyWithScopes(ctx, ['items:read']));
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  describe('happy path', () => {
    it('creates an item with 201, replaces it with 200 and keeps createdAt', async () => {
      const created = await app.inject({
        method: 'PUT',
        url: '/v1/items/tea-1',
        headers: writer,
        payload: tea,
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({
        id: 'tea-1',
        category: 'Food',
        categoryPath: ['Food', 'Tea', 'Green tea'],
        price: { amount: 12999, currency: 'CNY' },
        inStock: true,
        attributes: { grade: 'AAA' },
      });
      ctx.clock.advance(60_000);
      const replaced = await app.inject({
        method: 'PUT',
        url: '/v1/items/tea-1',
        headers: writer,
        payload: { ...tea, price: { amount: 9999, currency: 'CNY' }, inStock: false, brand: undefined },
      });
      expect(replaced.statusCode).toBe(200);
      const body = replaced.json();
      expect(body).toMatchObject({ price: { amount: 9999 }, inStock: false, brand: null });
      expect(body.createdAt).toBe(created.json().createdAt);
      expect(body.updatedAt).not.toBe(body.createdAt);
    });

    it('reads an item back and answers 404 for an unknown one', async () => {
      const found = await app.inject({ method: 'GET', url: '/v1/items/tea-1', headers: reader });
      expect(found.statusCode).toBe(200);
      expect(found.json().title).toBe(tea.title);
      const missing = await app.inject({ method: 'GET', url: '/v1/items/nope', headers: reader });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('ITEM_NOT_FOUND');
    });

    it('upserts a batch and counts created and updated', async () => {
      const first = await app.inject({
        method: 'POST',
        url: '/v1/items/batch',
        headers: writer,
        payload: { items: [batchItem('b-1'), batchItem('b-2'), batchItem('b-3')] },
      });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({ created: 3, updated: 0 });
      const second = await app.inject({
        method: 'POST',
        url: '/v1/items/batch',
        headers: writer,
        payload: { items: [batchItem('b-3', 300), batchItem('b-4')] },
      });
      expect(second.json()).toEqual({ created: 1, updated: 1 });
      const b3 = await app.inject({ method: 'GET', url: '/v1/items/b-3', headers: reader });
      expect(b3.json().price.amount).toBe(300);
    });

    it('lists items by category, brand and stock with a cursor', async () => {
      await upsertItems(
        ctx,
        Array.from({ length: 5 }, (_, i) => ({
          ...batchItem(`list-${i}`),
          categoryPath: ['Garden', 'Tools'],
          brand: i % 2 ? 'Odd' : 'Even',
        })),
      );
      const page1 = await app.inject({
        method: 'GET',
        url: '/v1/items?category=Garden&limit=2',
        headers: reader,
      });
      expect(page1.json().data.map((i: { id: string }) => i.id)).toEqual(['list-0', 'list-1']);
      const cursor = page1.json().nextCursor as string;
      const page2 = await app.inject({
        method: 'GET',
        url: `/v1/items?category=Garden&limit=2&cursor=${cursor}`,
        headers: reader,
      });
      expect(page2.json().data.map((i: { id: string }) => i.id)).toEqual(['list-2', 'list-3']);
      const odd = await app.inject({
        method: 'GET',
        url: '/v1/items?category=Garden&brand=Odd',
        headers: reader,
      });
      expect(odd.json().data.map((i: { id: string }) => i.id)).toEqual(['list-1', 'list-3']);
      expect(odd.json().nextCursor).toBeNull();
      const outOfStock = await app.inject({ method: 'GET', url: '/v1/items?inStock=false', headers: reader });
      expect(outOfStock.json().data.map((i: { id: string }) => i.id)).toEqual(['tea-1']);
    });

    it('finds items by a part of the title or id in any case, with LIKE wildcards taken literally', async () => {
      await upsertItems(ctx, [
        { ...batchItem('find-1'), title: '真丝连衣裙', titleEn: 'Silk Dress' },
        { ...batchItem('find-2'), title: '棉T恤 100%', titleEn: 'Cotton Tee' },
        { ...batchItem('find_3'), title: '帆布鞋' },
      ]);
      const ids = async (q: string) => {
        const reply = await app.inject({
          method: 'GET',
          url: `/v1/items?q=${encodeURIComponent(q)}`,
          headers: reader,
        });
        return reply.json().data.map((i: { id: string }) => i.id);
      };
      expect(await ids('silk')).toEqual(['find-1']);
      expect(await ids('连衣')).toEqual(['find-1']);
      expect(await ids('100%')).toEqual(['find-2']);
      expect(await ids('d_3')).toEqual(['find_3']);
      expect(await ids('%')).toEqual(['find-2']);
    });

    it('counts items per top-level category, largest first', async () => {
      const reply = await app.inject({ method: 'GET', url: '/v1/items/categories', headers: reader });
      expect(reply.statusCode).toBe(200);
      const counts = reply.json().data as { category: string; items: number }[];
      const listed = await app.inject({ method: 'GET', url: '/v1/items?limit=500', headers: reader });
      const expected = new Map<string, number>();
      for (const item of listed.json().data as { categoryPath: string[] }[]) {
        const top = item.categoryPath[0] as string;
        expected.set(top, (expected.get(top) ?? 0) + 1);
      }
      expect(new Map(counts.map((c) => [c.category, c.items]))).toEqual(expected);
      const sizes = counts.map((c) => c.items);
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    });
  });

  describe('errors', () => {
    it('rejects negative, fractional and string money with 400 naming the field', async () => {
      for (const amount of [-1, 12.5, '100']) {
        const res = await app.inject({
          method: 'PUT',
          url: '/v1/items/bad-money',
          headers: writer,
          payload: { ...tea, price: { amount, currency: 'CNY' } },
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.details).toContainEqual(expect.objectContaining({ path: 'price.amount' }));
      }
      const currency = await app.inject({
        method: 'PUT',
        url: '/v1/items/bad-money',
        headers: writer,
        payload: { ...tea, price: { amount: 1, currency: 'yuan' } },
      });
      expect(currency.json().error.details).toContainEqual(
        expect.objectContaining({ path: 'price.currency' }),
      );
    });

    it('lists every bad field of a batch and writes nothing', async () => {
      const items = [
        batchItem('ok-1'),
        { ...batchItem('ok-2'), price: { amount: -5, currency: 'CNY' } },
        batchItem('ok-3'),
      ];
      (items[2] as Record<string, unknown>).categoryPath = [];
      (items[0] as Record<string, unknown>).colour = 'red';
      const res = await app.inject({
        method: 'POST',
        url: '/v1/items/batch',
        headers: writer,
        payload: { items },
      });
      expect(res.statusCode).toBe(400);
      const paths = res.json().error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(
        expect.arrayContaining(['items.0', 'items.1.price.amount', 'items.2.categoryPath']),
      );
      const none = await app.inject({ method: 'GET', url: '/v1/items/ok-1', headers: reader });
      expect(none.statusCode).toBe(404);
    });

    it('refuses a batch holding the same id twice', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/items/batch',
        headers: writer,
        payload: { items: [batchItem('dup'), batchItem('other'), batchItem('dup')] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details).toContainEqual(expect.objectContaining({ path: 'items.2.id' }));
      expect((await app.inject({ method: 'GET', url: '/v1/items/other', headers: reader })).statusCode).toBe(
        404,
      );
    });

    it('refuses bad ids, over-long titles and too-deep category paths', async () => {
      const badId = await app.inject({
        method: 'PUT',
        url: '/v1/items/has%20space',
        headers: writer,
        payload: tea,
      });
      expect(badId.statusCode).toBe(400);
      const res = await app.inject({
        method: 'PUT',
        url: '/v1/items/x',
        headers: writer,
        payload: { ...tea, title: 'x'.repeat(201), categoryPath: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] },
      });
      const paths = res.json().error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['title', 'categoryPath']));
    });

    it('needs items:write to write and items:read to read', async () => {
      const put = await app.inject({ method: 'PUT', url: '/v1/items/x', headers: reader, payload: tea });
      expect(put.statusCode).toBe(403);
      const anonymous = await app.inject({ method: 'GET', url: '/v1/items/tea-1' });
      expect(anonymous.statusCode).toBe(401);
    });

    it('upsertItems validates too and writes nothing when one item is bad', async () => {
      await expect(upsertItems(ctx, [batchItem('svc-1'), batchItem('svc-2', -1)])).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ path: 'items.1.price.amount' })],
      });
      expect((await app.inject({ method: 'GET', url: '/v1/items/svc-1', headers: reader })).statusCode).toBe(
        404,
      );
    });
  });
});
