import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { getRecommendationSettings } from './recommendations.settings.ts';
import {
  DEFAULT_RECOMMENDATION_SETTINGS,
  recommendationSettingsSchema,
} from './recommendations.settings-types.ts';
import { seedMembers, seedShop } from './recommendations.train-testing.ts';

const paths = (body: { error: { details: { path: string }[] } }) =>
  body.error.details.map((d) => d.path).sort();

describe('recommendation settings validation', () => {
  it('accepts the defaults', () => {
    expect(recommendationSettingsSchema.safeParse(DEFAULT_RECOMMENDATION_SETTINGS).success).toBe(true);
  });

  it('lists every bad field at once, experiment sums and duplicate names included', () => {
    const parsed = recommendationSettingsSchema.safeParse({
      ...DEFAULT_RECOMMENDATION_SETTINGS,
      behaviourWeights: { ...DEFAULT_RECOMMENDATION_SETTINGS.behaviourWeights, view: -1 },
      halfLifeDays: 0,
      listSize: 3,
      model: 'deep-magic',
      experiment: {
        name: 'knn vs ease',
        variants: [
          { name: 'a', model: 'item-knn', share: 50 },
          { name: 'a', model: 'ease', share: 40 },
        ],
      },
    });
    expect(parsed.success).toBe(false);
    const issues = (parsed.error?.issues ?? []).map((i) => i.path.join('.')).sort();
    expect(issues).toEqual(
      [
        'behaviourWeights.view',
        'experiment.variants',
        'experiment.variants.1.name',
        'halfLifeDays',
        'listSize',
        'model',
      ].sort(),
    );
  });
});

describe.each(testDatabases())('recommendation settings and preferences API on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let manager: string;
  let reader: string;

  beforeEach(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false, webDist: false });
    manager = await apiKeyWithScopes(ctx, ['models:read', 'models:manage']);
    reader = await apiKeyWithScopes(ctx, ['models:read']);
  });
  afterEach(async () => {
    await app.close();
    await ctx.close();
  });

  const call = (method: 'GET' | 'PUT', url: string, token: string, payload?: unknown) =>
    app.inject({ method, url: `/v1${url}`, headers: bearer(token), payload: payload as object });

  it('serves the defaults at version 0 until the first save', async () => {
    const res = await call('GET', '/recommendations/settings', reader);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: 0, settings: DEFAULT_RECOMMENDATION_SETTINGS });
  });

  it('saves over the current version, audits what changed, and refuses a stale version with 409', async () => {
    const settings = {
      ...DEFAULT_RECOMMENDATION_SETTINGS,
      halfLifeDays: 30,
      repeatPurchaseCategories: ['食品'],
    };
    const saved = await call('PUT', '/recommendations/settings', manager, { version: 0, settings });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ version: 1, settings });
    expect((await getRecommendationSettings(ctx)).settings.halfLifeDays).toBe(30);

    const again = await call('PUT', '/recommendations/settings', manager, {
      version: 1,
      settings: { ...settings, listSize: 50 },
    });
    expect(again.json().version).toBe(2);
    const stale = await call('PUT', '/recommendations/settings', manager, { version: 1, settings });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('RECOMMEND_SETTINGS_CONFLICT');

    const audit = await ctx.db
      .selectFrom('auditLog')
      .select(['action', 'details'])
      .where('targetType', '=', 'recommendation_settings')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['recommend.settings.update', 'recommend.settings.update']);
    expect(JSON.parse(audit[0]?.details as string)).toEqual({
      version: 1,
      changed: ['halfLifeDays', 'repeatPurchaseCategories'],
    });
    expect(JSON.parse(audit[1]?.details as string).changed).toEqual(['listSize']);
  });

  it('answers 400 naming every bad field of a PUT', async () => {
    const res = await call('PUT', '/recommendations/settings', manager, {
      version: 0,
      settings: {
        ...DEFAULT_RECOMMENDATION_SETTINGS,
        easeMaxItems: 10,
        experiment: {
          name: 'x',
          variants: [
            { name: 'a', model: 'als', share: 30 },
            { name: 'b', model: 'ease', share: 30 },
          ],
        },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(paths(res.json())).toEqual(['settings.easeMaxItems', 'settings.experiment.variants']);
  });

  it('needs models:read to read and models:manage to change the settings', async () => {
    const none = await apiKeyWithScopes(ctx, ['members:read']);
    expect((await call('GET', '/recommendations/settings', none)).statusCode).toBe(403);
    const put = await call('PUT', '/recommendations/settings', reader, {
      version: 0,
      settings: DEFAULT_RECOMMENDATION_SETTINGS,
    });
    expect(put.statusCode).toBe(403);
    const analyst = await operatorToken(ctx, 'analyst');
    expect((await call('GET', '/recommendations/settings', analyst.token)).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/recommendations/settings' })).statusCode).toBe(401);
  });

  describe('onboarding preferences', () => {
    beforeEach(async () => {
      await seedShop(ctx);
      await seedMembers(ctx);
    });

    it('lets a member set and read their own choices of known categories', async () => {
      const token = await memberToken(ctx, 'p00');
      const empty = await call('GET', '/me/preferences', token);
      expect(empty.json()).toEqual({ categories: [], brands: [], updatedAt: null });
      const put = await call('PUT', '/me/preferences', token, {
        categories: ['食品', '服饰'],
        brands: ['acme'],
      });
      expect(put.statusCode).toBe(200);
      const read = await call('GET', '/me/preferences', token);
      expect(read.json()).toMatchObject({ categories: ['食品', '服饰'], brands: ['acme'] });
      // Another member's token cannot read them.
      const other = await memberToken(ctx, 'd00');
      expect((await call('GET', '/members/p00/preferences', other)).statusCode).toBe(404);
      expect((await call('GET', '/members/p00/preferences', token)).statusCode).toBe(200);
    });

    it('refuses categories the catalogue does not have and more than 20 brands, naming each', async () => {
      const writer = await apiKeyWithScopes(ctx, ['members:write', 'members:read']);
      const unknown = await call('PUT', '/members/p01/preferences', writer, {
        categories: ['食品', '家具', '手机'],
        brands: [],
      });
      expect(unknown.statusCode).toBe(400);
      expect(paths(unknown.json())).toEqual(['categories.1', 'categories.2']);
      const brands = await call('PUT', '/members/p01/preferences', writer, {
        categories: [],
        brands: Array.from({ length: 21 }, (_, i) => `b${i}`),
      });
      expect(brands.statusCode).toBe(400);
      expect(paths(brands.json())).toEqual(['brands']);
      const ok = await call('PUT', '/members/p01/preferences', writer, {
        categories: ['手机数码'],
        brands: ['acme'],
      });
      expect(ok.statusCode).toBe(200);
      expect((await call('GET', '/members/p01/preferences', writer)).json().categories).toEqual(['手机数码']);
    });

    it('needs members:write to change and members:read to read another member’s choices', async () => {
      const readOnly = await apiKeyWithScopes(ctx, ['members:read']);
      const body = { categories: [], brands: [] };
      expect((await call('PUT', '/members/p01/preferences', readOnly, body)).statusCode).toBe(403);
      expect((await call('GET', '/members/p01/preferences', readOnly)).statusCode).toBe(200);
      const writer = await apiKeyWithScopes(ctx, ['members:write']);
      expect((await call('PUT', '/members/nobody/preferences', writer, body)).statusCode).toBe(404);
    });
  });
});
