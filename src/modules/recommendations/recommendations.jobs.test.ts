import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { createJob, type JobStep, runJob } from '../jobs/index.ts';
import { findModel, listModels, type StoredModel, saveModel } from '../models/index.ts';
import { createSegment } from '../segments/index.ts';
import { assignVariant } from './recommendations.ab.ts';
import { RECOMMEND_TRAIN, type RecommendJobResult, recommendTrainJob } from './recommendations.jobs.ts';
import type { ListItem } from './recommendations.lists.ts';
import { getServingModels, invalidateServingModels, RECHECK_MS } from './recommendations.model-cache.ts';
import { updateRecommendationSettings } from './recommendations.settings.ts';
import { DEFAULT_RECOMMENDATION_SETTINGS } from './recommendations.settings-types.ts';
import {
  DRESSES,
  dressMember,
  GROUP,
  PHONES,
  phoneMember,
  SNACK_CATEGORY,
  SNACKS,
  seedBehaviour,
  seedMembers,
  seedShop,
} from './recommendations.train-testing.ts';

const actor = { actorType: 'test', actorId: 't' };

describe.each(testDatabases())('recommend.train on $name', (database) => {
  let ctx: TestContext;

  beforeEach(async () => {
    ctx = await createTestContext(database);
  });
  afterEach(async () => {
    await ctx?.close();
  });

  async function train(params: object = { model: 'item-knn' }) {
    const job = await createJob(ctx, RECOMMEND_TRAIN, params, null);
    const ended = await runJob(ctx, job.id, { force: true });
    expect(ended?.status).toBe('succeeded');
    return ended?.result as RecommendJobResult;
  }

  async function listOf(
    memberId: string,
  ): Promise<{ modelId: string; items: ListItem[]; computedAt: number } | null> {
    const row = await ctx.db
      .selectFrom('recommendationLists')
      .selectAll()
      .where('memberId', '=', memberId)
      .executeTakeFirst();
    return row
      ? { modelId: row.modelId, items: JSON.parse(row.items), computedAt: Number(row.computedAt) }
      : null;
  }

  async function seenBy(memberId: string): Promise<Set<string>> {
    const rows = await ctx.db
      .selectFrom('events')
      .select('itemId')
      .where('memberId', '=', memberId)
      .execute();
    return new Set(rows.map((r) => r.itemId as string));
  }

  it('records a skip, saves no model and writes no list when the shop has too few members', async () => {
    await seedShop(ctx);
    const result = await train();
    expect(result.skipped).toMatch(/0 members and 0 items/);
    expect(result.run).toBeNull();
    expect((await listModels(ctx, { kind: 'recommend', limit: 5 })).data).toEqual([]);
    expect(await ctx.db.selectFrom('recommendationLists').selectAll().execute()).toEqual([]);
  });

  describe('with a shop of two taste groups', () => {
    beforeEach(async () => {
      await seedShop(ctx);
      await seedMembers(ctx);
      await seedBehaviour(ctx);
    });

    it('saves a model with its validation metrics, candidates and the run’s sizes', async () => {
      const result = await train();
      expect(result.skipped).toBeNull();
      const { data } = await listModels(ctx, { kind: 'recommend', limit: 5 });
      expect(data).toHaveLength(1);
      const model = data[0]!;
      expect(model.state).toBe('active');
      const params = model.params as Record<string, unknown>;
      expect(params).toMatchObject({
        model: 'item-knn',
        variant: null,
        behaviourWeights: DEFAULT_RECOMMENDATION_SETTINGS.behaviourWeights,
        halfLifeDays: 90,
        members: 2 * GROUP,
        items: PHONES.length + DRESSES.length + SNACKS.length,
      });
      const metrics = model.metrics as { validation: { ndcg: number; users: number }; candidates: unknown[] };
      expect(metrics.validation.users).toBeGreaterThan(0);
      expect(metrics.validation.ndcg).toBeGreaterThan(0);
      expect(metrics.candidates.length).toBeGreaterThan(0);
      expect(result.run?.models[0]?.id).toBe(model.id);
    });

    it('keeps the iterations of an ALS fit as the run’s training curve', async () => {
      await train({ model: 'als' });
      const [model] = (await listModels(ctx, { kind: 'recommend', limit: 1 })).data;
      if (!model) throw new Error('no model was saved');
      const metrics = model.metrics as { curve: { iteration: number; seconds: number }[] };
      expect((model.params as { model: string }).model).toBe('als');
      expect(metrics.curve.length).toBeGreaterThan(1);
      const iterations = metrics.curve.map((p) => p.iteration);
      expect(iterations).toEqual([...iterations].sort((a, b) => a - b));
      expect(new Set(iterations).size).toBe(iterations.length);
    });

    it('precomputes lists from the member’s own group without items they already touched', async () => {
      await train();
      for (const memberId of [phoneMember(1), dressMember(2)]) {
        const list = await listOf(memberId);
        const seen = await seenBy(memberId);
        expect(list?.items.length).toBeGreaterThan(0);
        for (const item of list?.items ?? []) expect(seen.has(item.itemId)).toBe(false);
        const group = memberId.startsWith('p') ? PHONES : DRESSES;
        expect(group).toContain(list?.items[0]?.itemId);
        expect(list?.items[0]?.reason.code).toMatch(/bought|viewed/);
        expect(list?.items[0]?.reason.itemId).toBeDefined();
      }
    });

    it('keeps bought items of a repeat-purchase category in the lists', async () => {
      await updateRecommendationSettings(
        ctx,
        {
          version: 0,
          settings: { ...DEFAULT_RECOMMENDATION_SETTINGS, repeatPurchaseCategories: [SNACK_CATEGORY] },
        },
        actor,
      );
      await train();
      const member = phoneMember(1);
      const bought = SNACKS[1 % SNACKS.length] as string;
      expect(await seenBy(member)).toContain(bought);
      const items = (await listOf(member))?.items.map((i) => i.itemId) ?? [];
      expect(items).toContain(bought);
      for (const id of items) if (!SNACKS.includes(id)) expect(await seenBy(member)).not.toContain(id);
    });

    it('writes popular lists for the shop, trending, each segment, city, age band and top-level category', async () => {
      const segment = await createSegment(ctx, actor, {
        name: 'Shanghai',
        definition: { field: 'member.region', op: 'eq', value: '上海' },
      });
      await train();
      const rows = await ctx.db
        .selectFrom('recommendationPopular')
        .select(['scope', 'key', 'items'])
        .execute();
      const keys = rows.map((r) => `${r.scope}/${r.key}`).sort();
      expect(keys).toEqual(
        [
          'age-band/25-34',
          'age-band/45-54',
          'all/all',
          'category/手机数码',
          'category/服饰',
          'category/食品',
          'city/上海',
          'city/北京',
          `segment/${segment.id}`,
          'trending/all',
        ].sort(),
      );
      const city = JSON.parse(rows.find((r) => r.key === '上海')?.items as string) as { itemId: string }[];
      // Shanghai members are the phone group: their city list holds phones and snacks, no dresses.
      expect(city.some((e) => PHONES.includes(e.itemId))).toBe(true);
      expect(city.some((e) => DRESSES.includes(e.itemId))).toBe(false);
    });

    it('changes nothing when a precompute step or the popular step runs again', async () => {
      const states: JobStep<RecommendJobResult>[] = [
        { cursor: null, done: 0, result: recommendTrainJob.initialResult },
      ];
      const params = { model: 'item-knn' as const, chunkSize: 7 };
      for (;;) {
        const next = await recommendTrainJob.step(ctx, params, states[states.length - 1]!);
        states.push(next);
        if (next.cursor === null) break;
      }
      const snapshot = async () => ({
        lists: await ctx.db.selectFrom('recommendationLists').selectAll().orderBy('memberId').execute(),
        popular: await ctx.db
          .selectFrom('recommendationPopular')
          .selectAll()
          .orderBy('scope')
          .orderBy('key')
          .execute(),
        models: (await listModels(ctx, { kind: 'recommend', limit: 10 })).data.map((m) => m.id),
      });
      const before = await snapshot();
      ctx.clock.advance(60_000);
      // Retry the second precompute step, the popular step, and the fit step itself.
      for (const state of [states[2]!, states[states.length - 2]!, states[0]!]) {
        await recommendTrainJob.step(ctx, params, state);
      }
      expect(await snapshot()).toEqual(before);
      expect(before.lists.length).toBe(2 * GROUP);
    });

    it('trains one model per experiment variant and precomputes each member’s list with their variant’s', async () => {
      const experiment = {
        name: 'knn-vs-pop',
        variants: [
          { name: 'knn', model: 'item-knn' as const, share: 50 },
          { name: 'pop', model: 'popularity' as const, share: 30 },
          { name: 'knn-too', model: 'item-knn' as const, share: 20 },
        ],
      };
      await updateRecommendationSettings(
        ctx,
        { version: 0, settings: { ...DEFAULT_RECOMMENDATION_SETTINGS, experiment } },
        actor,
      );
      const result = await train({});
      expect(result.run?.models.map((m) => [m.kind, m.variants])).toEqual([
        ['item-knn', ['knn', 'knn-too']],
        ['popularity', ['pop']],
      ]);
      const saved = (await listModels(ctx, { kind: 'recommend', limit: 5 })).data;
      expect(saved.map((m) => m.state)).toEqual(['active', 'active']);
      const models = await getServingModels(ctx);
      expect(models.primary?.kind).toBe('item-knn');
      expect(models.variants.get('knn')?.id).toBe(models.primary?.id);
      expect(models.variants.get('knn-too')?.id).toBe(models.primary?.id);
      expect(models.variants.get('pop')?.kind).toBe('popularity');
      const lists = await ctx.db.selectFrom('recommendationLists').select(['memberId', 'modelId']).execute();
      for (const { memberId, modelId } of lists) {
        const variant = assignVariant(experiment, memberId) as string;
        expect(modelId).toBe(models.variants.get(variant)?.id);
      }
      expect(new Set(lists.map((l) => l.modelId)).size).toBe(2);
    });

    it('serves a run’s new model at once in the process that trained it', async () => {
      await train({ model: 'popularity' });
      const first = await getServingModels(ctx);
      expect(first.primary?.kind).toBe('popularity');
      await ingestMore();
      await train({ model: 'item-knn' });
      const second = await getServingModels(ctx);
      expect(second.primary?.kind).toBe('item-knn');
      expect(second.primary?.id).not.toBe(first.primary?.id);
      expect(second.primary?.itemIndex.get('ph1')).toBe(second.primary?.itemIds.indexOf('ph1'));
    });

    it('picks up a model another process saved within 30 seconds, or at once when invalidated', async () => {
      await train({ model: 'popularity' });
      const first = await getServingModels(ctx);
      // Another process saves a new run: this process's cache does not know yet.
      const stored = await findModel(ctx.db, first.primary?.id as string);
      const params = { ...(stored?.params as object), runId: 'run-other' };
      const other = await saveModel(ctx, { ...(stored as StoredModel), params, dataThrough: 0 });
      ctx.clock.advance(RECHECK_MS - 1000);
      expect((await getServingModels(ctx)).primary?.id).toBe(first.primary?.id);
      ctx.clock.advance(2000);
      expect((await getServingModels(ctx)).primary?.id).toBe(other.id);
      const third = await saveModel(ctx, {
        ...(stored as StoredModel),
        params: { ...params, runId: 'run-3' },
        dataThrough: 0,
      });
      invalidateServingModels(ctx);
      expect((await getServingModels(ctx)).primary?.id).toBe(third.id);
    });
  });

  async function ingestMore() {
    const { ingestEvents } = await import('../events/index.ts');
    await ingestEvents(ctx, [
      {
        id: 'late-1',
        type: 'view',
        memberId: phoneMember(0),
        itemId: 'ph1',
        occurredAt: new Date(ctx.clock.now()).toISOString(),
      },
    ]);
  }
});
