import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  seedBehaviour,
  seedMembers,
  seedShop,
} from '../modules/recommendations/recommendations.train-testing.ts';
import { createTestContext, type TestContext, testDatabases } from '../testing/test-context.ts';
import { runRecommendTrain } from './recommend.command.ts';

describe.each(testDatabases())('membrain recommend train on $name', (database) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(database);
  });
  afterEach(async () => {
    await ctx?.close();
  });

  it('trains the chosen kind and prints the model with its validation NDCG and the lists written', async () => {
    await seedShop(ctx);
    await seedMembers(ctx);
    await seedBehaviour(ctx);
    const out: string[] = [];
    const progress: string[] = [];
    expect(
      await runRecommendTrain(
        ctx,
        'item-knn',
        (l) => out.push(l),
        (l) => progress.push(l),
      ),
    ).toBe(true);
    expect(progress[0]).toMatch(/^job job_\S+ \(recommend\.train\)$/);
    expect(progress.some((l) => /succeeded/.test(l))).toBe(true);
    expect(out[0]).toMatch(/30 members, 15 items/);
    expect(out[1]).toMatch(/^ {2}model mdl_\S+: item-knn, validation NDCG@10 0\.\d{4}$/);
    expect(out[2]).toMatch(/^lists precomputed for 30 of 30 active members; \d+ popular lists$/);
  });

  it('says why nothing was trained on a shop without behaviour', async () => {
    await seedShop(ctx);
    const out: string[] = [];
    expect(
      await runRecommendTrain(
        ctx,
        undefined,
        (l) => out.push(l),
        () => {},
      ),
    ).toBe(true);
    expect(out).toEqual([expect.stringMatching(/^skipped: Too few members with item events/)]);
  });
});
