import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvents } from '../modules/events/index.ts';
import { invalidateServingModels } from '../modules/recommendations/recommendations.model-cache.ts';
import { buildReport } from '../modules/recommendations/recommendations.report.ts';
import {
  CLOTHES,
  PHONES,
  saveTestModel,
  seedCatalogue,
  seedMembers,
} from '../modules/recommendations/recommendations.serve.testing.ts';
import { createTestContext, type TestContext, testDatabases } from '../testing/test-context.ts';
import { runDemoRecommendations } from './demo-recommendations.ts';

describe.each(testDatabases())('demo recommendation feedback on $name', (database) => {
  let ctx: TestContext;
  const members = Array.from({ length: 12 }, (_, k) => `d-${k}`);

  beforeAll(async () => {
    ctx = await createTestContext(database);
    await seedCatalogue(ctx);
    await seedMembers(ctx, members);
    const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
    await ingestEvents(
      ctx,
      members.flatMap((memberId, k) =>
        (k % 2 === 0 ? PHONES.slice(0, 3) : CLOTHES.slice(0, 3)).map((itemId) => ({
          id: `d-ev-${memberId}-${itemId}`,
          type: 'view',
          memberId,
          itemId,
          occurredAt: at,
        })),
      ),
    );
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('does nothing before a model is trained', async () => {
    expect(await runDemoRecommendations(ctx)).toMatchObject({ skipped: 'no_model', lists: 0 });
  });

  it('serves lists over past days and ingests simulated clicks and orders that the report counts', async () => {
    await saveTestModel(ctx);
    invalidateServingModels(ctx);
    const result = await runDemoRecommendations(ctx, { members: 12, listsPerMember: 6, days: 5, seed: 7 });
    expect(result).toMatchObject({ skipped: null, lists: 72 });
    expect(result.clicks).toBeGreaterThan(0);
    const report = await buildReport(ctx.db, { from: '2026-01-01', to: '2026-01-15' });
    const [variant] = report.variants;
    expect(variant).toMatchObject({ lists: 72, members: 12, clicks: result.clicks });
    expect(new Set(report.daily.map((d) => d.day)).size).toBeGreaterThan(1);
    const feedback = await ctx.db.selectFrom('recommendationFeedback').select('type').execute();
    expect(feedback.filter((f) => f.type === 'order_paid')).toHaveLength(result.orders);
  });
});
