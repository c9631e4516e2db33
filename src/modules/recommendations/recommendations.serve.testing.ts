import { buildInteractions, type Interaction } from '../../ml/recommend/interactions.ts';
import { ItemKnnRecommender } from '../../ml/recommend/item-knn.ts';
import { encodeSavedRecommender, type History } from '../../ml/recommend/serving.ts';
import type { TestContext } from '../../testing/test-context.ts';
import { upsertItems } from '../items/index.ts';
import { upsertMember } from '../members/index.ts';
import { saveModel } from '../models/index.ts';
import type { MemberHistory, ServeSources, ServingModel } from './recommendations.serve.ts';
import {
  DEFAULT_RECOMMENDATION_SETTINGS,
  type RecommendationSettings,
} from './recommendations.settings-types.ts';

// A small shop for the serving suites: phones and accessories, clothes, snacks (a repeat-purchase
// category), an item-kNN model fitted on clear co-purchase groups, and a model item that the
// catalogue no longer has.

export const PHONES = ['ph1', 'ph2', 'ph3', 'ph4', 'ph5'];
export const ACCESSORIES = ['ac1', 'ac2', 'ac3', 'ac4'];
export const CLOTHES = ['cl1', 'cl2', 'cl3', 'cl4', 'cl5'];
export const SNACKS = ['fd1', 'fd2', 'fd3', 'fd4', 'fd5'];
/** In the model's training data, gone from the catalogue. */
export const GONE = 'gone-1';

const cny = (amount: number) => ({ amount, currency: 'CNY' });

export async function seedCatalogue(ctx: TestContext): Promise<void> {
  await upsertItems(ctx, [
    ...PHONES.map((id, k) => ({
      id,
      title: `手机 ${k + 1}`,
      titleEn: `Phone ${k + 1}`,
      categoryPath: ['手机数码', '手机'],
      price: cny(199_900 + k * 100_000),
      inStock: id !== 'ph5',
    })),
    ...ACCESSORIES.map((id, k) => ({
      id,
      title: `配件 ${k + 1}`,
      categoryPath: ['手机数码', '配件'],
      price: cny(9_900 + k * 1_000),
    })),
    ...CLOTHES.map((id, k) => ({
      id,
      title: `连衣裙 ${k + 1}`,
      categoryPath: ['服饰', '女装'],
      price: cny(29_900 + k * 1_000),
    })),
    ...SNACKS.map((id, k) => ({
      id,
      title: `零食 ${k + 1}`,
      categoryPath: ['食品', '零食'],
      price: cny(1_500 + k * 100),
    })),
  ]);
}

/** Members: a phone buyer, a snack buyer, a newcomer in Shanghai aged 30, and others. */
export async function seedMembers(ctx: TestContext, ids: readonly string[]): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    for (const id of ids) {
      await upsertMember(
        ctx,
        trx,
        { id, region: '上海', birthday: '1995-06-01' },
        { actorType: 'system', actorId: 'test' },
      );
    }
  });
}

/** Co-purchase groups: phone people also buy accessories (and the gone item), snack people snacks. */
export function trainingInteractions(): Interaction[] {
  const out: Interaction[] = [];
  const group = (prefix: string, items: string[], users: number) => {
    for (let u = 0; u < users; u++) {
      items.forEach((item, j) => {
        if ((u + j) % 3 !== 0) out.push({ user: `${prefix}${u}`, item });
      });
    }
  };
  group('p', [...PHONES, ...ACCESSORIES, GONE], 12);
  group('c', CLOTHES, 10);
  group('f', SNACKS, 10);
  return out;
}

export function fitTestModel(id = 'mdl_test', variant: string | null = null): ServingModel {
  const data = buildInteractions(trainingInteractions());
  const recommender = new ItemKnnRecommender({ k: 20 });
  recommender.fit(data);
  const itemIds = [...data.itemIds];
  return {
    id,
    variant,
    kind: 'item-knn',
    dataThrough: 0,
    createdAt: 0,
    itemIds,
    itemIndex: new Map(itemIds.map((x, i) => [x, i])),
    recommender,
  };
}

/** A history over model item ids (weight 1 each). */
export function historyOf(model: ServingModel, itemIds: string[], bought: string[] = []): MemberHistory {
  const items = itemIds.map((id) => model.itemIndex.get(id) as number);
  const history: History = { items: Int32Array.from(items), weights: new Float32Array(items.length).fill(1) };
  return { history, itemIds, boughtItemIds: new Set(bought) };
}

export function testSources(
  model: ServingModel | null,
  histories: Record<string, MemberHistory> = {},
  settings: Partial<RecommendationSettings> = {},
  variants: ServingModel[] = [],
): ServeSources {
  return {
    settings: { ...DEFAULT_RECOMMENDATION_SETTINGS, ...settings },
    models: { primary: model, variants: new Map(variants.map((v) => [v.variant as string, v])) },
    memberHistory: async (memberId, m) => {
      const h = histories[memberId];
      if (!h)
        return {
          history: { items: new Int32Array(0), weights: new Float32Array(0) },
          itemIds: [],
          boughtItemIds: new Set(),
        };
      return m === model ? h : historyOf(m, h.itemIds as string[], [...h.boughtItemIds]);
    },
  };
}

/** A popular list row as the training job writes it. */
export async function insertPopular(
  ctx: TestContext,
  scope: string,
  key: string,
  itemIds: string[],
  modelId = 'mdl_test',
): Promise<void> {
  await ctx.db
    .insertInto('recommendationPopular')
    .values({
      scope,
      key,
      modelId,
      items: JSON.stringify(itemIds.map((itemId, k) => ({ itemId, score: itemIds.length - k }))),
      computedAt: ctx.clock.now(),
    })
    .onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet({ items: (eb) => eb.ref('excluded.items') }))
    .execute();
}

/** Saves the test model as the active `recommend` model, as the training job would (contract §2). */
export async function saveTestModel(ctx: TestContext, variant: string | null = null): Promise<string> {
  const fitted = fitTestModel();
  const stored = await saveModel(ctx, {
    kind: 'recommend',
    dataThrough: ctx.clock.now(),
    params: {
      model: 'item-knn',
      hyper: { k: 20 },
      variant,
      variants: [variant],
      runId: `run-${ctx.clock.now()}`,
    },
    metrics: {},
    artifact: JSON.stringify({
      itemIds: fitted.itemIds,
      recommender: encodeSavedRecommender(fitted.recommender.save()),
    }),
  });
  return stored.id;
}
