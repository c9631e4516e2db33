import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { loadCatalogue } from './items.catalogue.ts';
import { upsertItems } from './items.service.ts';

describe.each(testDatabases())('catalogue facts for lists on $name', (database) => {
  let ctx: TestContext;
  const item = (id: string, amount: number, inStock = true) => ({
    id,
    title: `Tea ${id}`,
    categoryPath: ['Food', 'Tea'],
    price: { amount, currency: 'CNY' },
    inStock,
  });
  beforeAll(async () => {
    ctx = await createTestContext(database);
    await upsertItems(ctx, [item('cat-1', 1000), item('cat-2', 2000, false)]);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('reads the facts of known ids and leaves unknown ones out', async () => {
    const facts = await loadCatalogue(ctx.db, ['cat-1', 'cat-2', 'cat-missing', 'cat-1']);
    expect([...facts.keys()].sort()).toEqual(['cat-1', 'cat-2']);
    expect(facts.get('cat-2')).toMatchObject({
      title: 'Tea cat-2',
      category: 'Food',
      price: { amount: 2000, currency: 'CNY' },
      inStock: false,
    });
  });

  it('serves cached facts until the item is written through this process', async () => {
    await loadCatalogue(ctx.db, ['cat-1']);
    // A change behind the cache's back (as another replica's write) is not seen yet…
    await ctx.db.updateTable('items').set({ priceAmount: 1111 }).where('id', '=', 'cat-1').execute();
    expect((await loadCatalogue(ctx.db, ['cat-1'])).get('cat-1')?.price.amount).toBe(1000);
    // …a write through the service is seen at once.
    await upsertItems(ctx, [item('cat-1', 1500)]);
    expect((await loadCatalogue(ctx.db, ['cat-1'])).get('cat-1')?.price.amount).toBe(1500);
  });

  it('does not cache an unknown id: an item sent later shows at once', async () => {
    expect((await loadCatalogue(ctx.db, ['cat-3'])).has('cat-3')).toBe(false);
    await ctx.db
      .insertInto('items')
      .values({
        id: 'cat-3',
        title: 'Tea cat-3',
        titleEn: null,
        categoryPath: 'Food',
        category: 'Food',
        brand: null,
        priceAmount: 300,
        currency: 'CNY',
        attributes: '{}',
        inStock: 1,
        createdAt: 0,
        updatedAt: 0,
      })
      .execute();
    expect((await loadCatalogue(ctx.db, ['cat-3'])).get('cat-3')?.price.amount).toBe(300);
  });
});
