import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { assignVariant } from './recommendations.ab.ts';
import { FLUSH_MS, flushExposures } from './recommendations.exposure-log.ts';
import {
  CLOTHES,
  fitTestModel,
  GONE,
  historyOf,
  insertPopular,
  PHONES,
  SNACKS,
  seedCatalogue,
  seedMembers,
  testSources,
} from './recommendations.serve.testing.ts';
import { type ServingModel, serveMemberList } from './recommendations.serve.ts';
import { serveSession } from './recommendations.session.ts';
import { serveSimilar } from './recommendations.similar.ts';
import type { ListOptions, MemberList } from './recommendations.types.ts';

const options = (extra: Partial<ListOptions> = {}): ListOptions => ({
  limit: 5,
  exclude: [],
  diversity: 'none',
  ...extra,
});
const ids = (list: { items: { itemId: string }[] }) => list.items.map((i) => i.itemId);
const ALL = [...CLOTHES, ...SNACKS, ...PHONES, 'ac1', 'ac2', 'ac3', 'ac4'];

describe.each(testDatabases())('serving recommendations on $name', (database) => {
  let ctx: TestContext;
  let model: ServingModel;

  beforeAll(async () => {
    ctx = await createTestContext(database);
    await seedCatalogue(ctx);
    await seedMembers(ctx, ['m-phone', 'm-snack', 'm-new', 'm-keen', 'm-pre', 'm-buyer', 'm-a']);
    model = fitTestModel();
    await insertPopular(ctx, 'all', 'all', ALL);
    await insertPopular(ctx, 'trending', 'all', ['cl3', 'cl4']);
    await insertPopular(ctx, 'city', '上海', ['fd3', 'fd4']);
    await insertPopular(ctx, 'age-band', '25-34', ['cl5']);
    await insertPopular(ctx, 'category', '服饰', CLOTHES);
    await insertPopular(ctx, 'category', '手机数码', ['ph2', 'ac3']);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const phoneHistory = () => ({ 'm-phone': historyOf(model, ['ph1', 'ac1'], ['ph1']) });

  describe('strategies', () => {
    it('scores a member with history online, leaving out what they interacted with', async () => {
      const list = await serveMemberList(ctx, testSources(model, phoneHistory()), 'm-phone', options());
      expect(list.strategy).toBe('online');
      expect(list.model).toEqual({ id: 'mdl_test', kind: 'item-knn', variant: null });
      expect(list.items).toHaveLength(5);
      expect(ids(list)).not.toContain('ph1');
      expect(ids(list)).not.toContain('ac1');
      for (const item of list.items) expect(item.category).toBe('手机数码');
      expect(list.items[0]).toMatchObject({
        title: expect.any(String),
        price: { amount: expect.any(Number), currency: 'CNY' },
        inStock: expect.any(Boolean),
      });
      for (let k = 1; k < list.items.length; k++) {
        expect(list.items[k - 1]?.score).toBeGreaterThanOrEqual(list.items[k]?.score as number);
      }
    });

    it('serves the precomputed list when the serving model made it, keeping its reasons', async () => {
      const reason = {
        code: 'viewed',
        text: 'Because you viewed Phone 2',
        textZh: '因为您浏览了 手机 2',
        itemId: 'ph2',
      };
      await ctx.db
        .insertInto('recommendationLists')
        .values({
          memberId: 'm-pre',
          modelId: 'mdl_test',
          items: JSON.stringify(
            ['ac2', GONE, 'ph3', 'ac4'].map((itemId, k) => ({ itemId, score: 4 - k, reason })),
          ),
          computedAt: ctx.clock.now(),
        })
        .execute();
      const list = await serveMemberList(ctx, testSources(model), 'm-pre', options());
      expect(list.strategy).toBe('precomputed');
      expect(ids(list).slice(0, 3)).toEqual(['ac2', 'ph3', 'ac4']);
      expect(list.items[0]?.reason).toEqual(reason);
    });

    it('ignores a precomputed list made by another model', async () => {
      const other = fitTestModel('mdl_newer');
      const list = await serveMemberList(ctx, testSources(other), 'm-pre', options());
      expect(list.strategy).toBe('cold-start');
    });

    it('welcomes a new member with popular items in their city, then their age band, then trending', async () => {
      const list = await serveMemberList(ctx, testSources(model), 'm-new', options());
      expect(list.strategy).toBe('cold-start');
      expect(ids(list)).toEqual(['fd3', 'fd4', 'cl5', 'cl3', 'cl4']);
      expect(list.items[0]?.reason).toEqual({
        code: 'popular-city',
        text: 'Popular in 上海',
        textZh: '在上海很受欢迎',
        city: '上海',
      });
      expect(list.items[2]?.reason).toMatchObject({
        code: 'popular-age-band',
        text: 'Popular with members aged 25–34',
        ageBand: '25-34',
      });
      expect(list.items[3]?.reason).toMatchObject({
        code: 'trending',
        text: 'Trending now',
        textZh: '近期热门',
      });
    });

    it('puts the categories a member chose when joining first', async () => {
      await ctx.db
        .insertInto('memberPreferences')
        .values({
          memberId: 'm-keen',
          categories: '["手机数码","服饰"]',
          brands: '[]',
          updatedAt: ctx.clock.now(),
        })
        .execute();
      const list = await serveMemberList(ctx, testSources(model), 'm-keen', options({ limit: 3 }));
      expect(ids(list)).toEqual(['ph2', 'cl1', 'ac3']);
      expect(list.items[0]?.reason).toEqual({
        code: 'onboarding',
        text: 'Matches your interests: 手机数码',
        textZh: '符合您的兴趣：手机数码',
        category: '手机数码',
      });
    });

    it('falls back to cold start without any model, and says so', async () => {
      const list = await serveMemberList(ctx, testSources(null, phoneHistory()), 'm-phone', options());
      expect(list.strategy).toBe('cold-start');
      expect(list.model).toBeNull();
      expect(list.items.length).toBe(5);
    });

    it('answers MEMBER_NOT_FOUND for an unknown member', async () => {
      await expect(serveMemberList(ctx, testSources(model), 'nobody', options())).rejects.toMatchObject({
        code: 'MEMBER_NOT_FOUND',
      });
    });

    it('logs every list served with its id, model, strategy and items, written behind the reply', async () => {
      const list = await serveMemberList(ctx, testSources(model, phoneHistory()), 'm-phone', options());
      expect(list.recommendationId).toMatch(/^rec_/);
      // No flush here: the queue writes itself within FLUSH_MS.
      const row = await vi.waitFor(
        () =>
          ctx.db
            .selectFrom('recommendationsServed')
            .selectAll()
            .where('id', '=', list.recommendationId)
            .executeTakeFirstOrThrow(),
        { timeout: 20 * FLUSH_MS },
      );
      expect(row).toMatchObject({
        memberId: 'm-phone',
        surface: 'member',
        modelId: 'mdl_test',
        strategy: 'online',
      });
      expect(JSON.parse(row.items)).toEqual(ids(list));
      expect(Number(row.itemCount)).toBe(5);
    });
  });

  describe('filters', () => {
    const serve = (extra: Partial<ListOptions>, member = 'm-phone') =>
      serveMemberList(ctx, testSources(model, phoneHistory()), member, options(extra));

    it('never lists an item missing from the catalogue', async () => {
      const list = await serve({ limit: 20 });
      expect(ids(list)).not.toContain(GONE);
    });

    it('keeps one category (top-level or a path prefix), padding from its best sellers', async () => {
      for (const item of (await serve({ category: '服饰' })).items) expect(item.category).toBe('服饰');
      const accessories = await serve({ category: '手机数码 > 配件' });
      expect(ids(accessories).every((id) => id.startsWith('ac'))).toBe(true);
    });

    it('keeps a price range', async () => {
      const list = await serve({ minPrice: 9_900, maxPrice: 12_900, limit: 10 });
      expect(list.items.length).toBeGreaterThan(0);
      for (const item of list.items) {
        expect(item.price.amount).toBeGreaterThanOrEqual(9_900);
        expect(item.price.amount).toBeLessThanOrEqual(12_900);
      }
    });

    it('keeps items in stock, or out of stock', async () => {
      expect(ids(await serve({ limit: 20, inStock: true }))).not.toContain('ph5');
      const out = await serve({ limit: 20, inStock: false });
      expect(ids(out)).toEqual(['ph5']);
    });

    it('leaves out the ids the caller excludes', async () => {
      const before = ids(await serve({}));
      const after = ids(await serve({ exclude: before.slice(0, 2) }));
      expect(after).not.toContain(before[0]);
      expect(after).not.toContain(before[1]);
      expect(after).toHaveLength(5);
    });

    it('leaves out what a member bought, unless its category is repeat-purchase', async () => {
      const histories = { 'm-snack': historyOf(model, ['fd1', 'fd2'], ['fd1']) };
      const plain = await serveMemberList(ctx, testSources(model, histories), 'm-snack', options());
      expect(ids(plain)).not.toContain('fd1');
      const repeat = testSources(model, histories, { repeatPurchaseCategories: ['食品'] });
      const again = await serveMemberList(ctx, repeat, 'm-snack', options());
      expect(ids(again)).toContain('fd1');
    });

    it('leaves out what a cold-start member bought', async () => {
      await ctx.db
        .insertInto('events')
        .values({
          id: 'ev-buy-cl3',
          type: 'order_paid',
          memberId: 'm-buyer',
          itemId: 'cl3',
          occurredAt: ctx.clock.now() - 1000,
          receivedAt: ctx.clock.now(),
          contentHash: 'test',
        })
        .execute();
      const list = await serveMemberList(ctx, testSources(null), 'm-buyer', options());
      expect(list.strategy).toBe('cold-start');
      expect(ids(list)).not.toContain('cl3');
      expect(ids(list)).toContain('cl4');
    });

    it('pads a list that filters left short with popular items', async () => {
      const list = await serve({ category: '食品' });
      expect(list.items).toHaveLength(5);
      expect(list.items.every((i) => i.reason.code === 'popular')).toBe(true);
    });
  });

  describe('diversity', () => {
    it('caps items per category, from the settings by default', async () => {
      const sources = testSources(model, phoneHistory(), { diversity: { categoryCap: 2, mmrLambda: null } });
      const list = await serveMemberList(ctx, sources, 'm-phone', { limit: 6, exclude: [] });
      expect(list.items).toHaveLength(6);
      const perCategory = new Map<string, number>();
      for (const item of list.items)
        perCategory.set(item.category, (perCategory.get(item.category) ?? 0) + 1);
      for (const n of perCategory.values()) expect(n).toBeLessThanOrEqual(2);
      const capped = await serveMemberList(ctx, testSources(model, phoneHistory()), 'm-phone', {
        limit: 6,
        exclude: [],
        diversity: 'cap',
        categoryCap: 1,
      });
      expect(new Set(capped.items.map((i) => i.category)).size).toBe(3);
    });

    it('re-ranks by maximal marginal relevance with the model’s similarity', async () => {
      const plain = await serveMemberList(
        ctx,
        testSources(model, phoneHistory()),
        'm-phone',
        options({ limit: 8 }),
      );
      const sources = testSources(model, phoneHistory(), {
        diversity: { categoryCap: null, mmrLambda: 0.2 },
      });
      const mmr = await serveMemberList(ctx, sources, 'm-phone', { limit: 8, exclude: [] });
      expect(mmr.items).toHaveLength(8);
      expect(new Set(ids(mmr)).size).toBe(8);
      expect(ids(mmr)[0]).toBe(ids(plain)[0]);
      expect(ids(mmr)).not.toEqual(ids(plain));
    });
  });

  describe('reasons', () => {
    it('names the history item behind a score, in English and Chinese', async () => {
      const list = await serveMemberList(
        ctx,
        testSources(model, phoneHistory()),
        'm-phone',
        options({ limit: 8 }),
      );
      const bought = list.items.find((i) => i.reason.code === 'bought');
      expect(bought?.reason).toEqual({
        code: 'bought',
        text: 'Because you bought Phone 1',
        textZh: '因为您购买了 手机 1',
        itemId: 'ph1',
        itemTitle: '手机 1',
      });
      const viewed = list.items.find((i) => i.reason.code === 'viewed');
      expect(viewed?.reason).toMatchObject({
        text: 'Because you viewed 配件 1',
        textZh: '因为您浏览了 配件 1',
      });
    });
  });

  describe('similar items and sessions', () => {
    it('lists items similar to an item, never the item itself', async () => {
      const list = await serveSimilar(ctx, testSources(model), 'ph1', options());
      expect(list.itemId).toBe('ph1');
      expect(ids(list)).not.toContain('ph1');
      expect(list.items[0]?.reason).toMatchObject({
        code: 'similar',
        text: 'Similar to Phone 1',
        itemId: 'ph1',
      });
      expect(list.items.every((i) => i.category === '手机数码')).toBe(true);
    });

    it('stands in the category’s best sellers for an item the model does not know', async () => {
      await ctx.db
        .deleteFrom('recommendationPopular')
        .where('scope', '=', 'category')
        .where('key', '=', '食品')
        .execute();
      const list = await serveSimilar(ctx, testSources(fitTestModel()), 'cl1', options({ limit: 3 }));
      expect(list.items.length).toBe(3);
      const loner = await serveSimilar(ctx, testSources(null), 'cl2', options({ limit: 3 }));
      expect(ids(loner)).toEqual(['cl1', 'cl3', 'cl4']);
      expect(loner.items[0]?.reason).toMatchObject({ code: 'popular', category: '服饰' });
    });

    it('answers ITEM_NOT_FOUND for an item the catalogue lacks', async () => {
      await expect(serveSimilar(ctx, testSources(model), GONE, options())).rejects.toMatchObject({
        code: 'ITEM_NOT_FOUND',
      });
    });

    it('recommends for an anonymous session, ignoring item ids the model does not know', async () => {
      const body = { items: ['nope-1', 'ph1', 'nope-2'], limit: 4 } as const;
      const list = await serveSession(ctx, testSources(model), { ...body, items: [...body.items] });
      expect(list).toMatchObject({ strategy: 'session', memberId: null, model: { id: 'mdl_test' } });
      expect(list.items).toHaveLength(4);
      expect(ids(list)).not.toContain('ph1');
      expect(list.items[0]?.reason).toMatchObject({ code: 'session', text: 'Because you looked at Phone 1' });
      const unknown = await serveSession(ctx, testSources(model), { items: ['nope-3'], limit: 3 });
      expect(unknown.items).toHaveLength(3);
      expect(unknown.items[0]?.reason.code).toBe('popular');
    });
  });

  describe('A/B variants', () => {
    it('serves each member the model of their variant and logs the variant', async () => {
      const a = fitTestModel('mdl_a', 'a');
      const b = fitTestModel('mdl_b', 'b');
      const experiment = {
        name: 'ab-test',
        variants: [
          { name: 'a', model: 'item-knn' as const, share: 50 },
          { name: 'b', model: 'popularity' as const, share: 50 },
        ],
      };
      const sources = testSources(a, phoneHistory(), { experiment }, [a, b]);
      const list: MemberList = await serveMemberList(ctx, sources, 'm-phone', options());
      const variant = assignVariant(experiment, 'm-phone');
      expect(list.model).toEqual({ id: variant === 'a' ? 'mdl_a' : 'mdl_b', kind: 'item-knn', variant });
      await flushExposures(ctx.db);
      const row = await ctx.db
        .selectFrom('recommendationsServed')
        .select('variant')
        .where('id', '=', list.recommendationId)
        .executeTakeFirstOrThrow();
      expect(row.variant).toBe(variant);
    });

    it('counts a list for the assigned variant when one model serves two (an A/A test)', async () => {
      const experiment = {
        name: 'a-a',
        variants: [
          { name: 'left', model: 'item-knn' as const, share: 50 },
          { name: 'right', model: 'item-knn' as const, share: 50 },
        ],
      };
      const shared = fitTestModel('mdl_shared', 'left');
      const sources = testSources(shared, {}, { experiment });
      sources.models = {
        primary: shared,
        variants: new Map([
          ['left', shared],
          ['right', shared],
        ]),
      };
      const seen = new Set<string>();
      for (const member of ['m-phone', 'm-snack', 'm-new', 'm-keen', 'm-pre', 'm-buyer', 'm-a']) {
        const list = await serveMemberList(ctx, sources, member, options());
        expect(list.model?.variant).toBe(assignVariant(experiment, member));
        seen.add(list.model?.variant as string);
      }
      expect(seen).toEqual(new Set(['left', 'right']));
    });

    it('counts for no variant while the experiment’s models are not trained yet', async () => {
      const experiment = { name: 'pending', variants: [{ name: 'x', model: 'als' as const, share: 100 }] };
      const list = await serveMemberList(ctx, testSources(model, {}, { experiment }), 'm-new', options());
      expect(list.model).toEqual({ id: 'mdl_test', kind: 'item-knn', variant: null });
    });
  });
});
