import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { upsertMember } from '../members/index.ts';
import { commentOnCase, resolveCase } from './risk.cases.ts';
import { purgeDecisionChunk } from './risk.purge.ts';
import { checkRisk } from './risk.service.ts';

const DAY = 86_400_000;
const actor = { actorType: 'system', actorId: 'test' };

describe.each(testDatabases())('purging old risk decisions on $name', (database) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(database, { config: { risk: { decisionRetentionDays: 30 } } });
    for (const id of ['pg-1', 'pg-2', 'pg-3'])
      await ctx.db.transaction().execute((trx) => upsertMember(ctx, trx, { id }, actor));
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('deletes decisions past retention with their resolved cases and comments, keeping open cases', async () => {
    const order = (memberId: string) =>
      checkRisk(ctx, { action: 'order', memberId, amount: { amount: 1000, currency: 'CNY' }, context: {} });
    // Brand-new members ordering at once: both go to review and open cases.
    const open = await order('pg-1');
    const closed = await order('pg-2');
    expect([open.decision, closed.decision]).toEqual(['review', 'review']);
    await commentOnCase(ctx, closed.caseId as string, { text: 'checked' }, actor);
    await resolveCase(ctx, closed.caseId as string, { label: 'legit' }, actor);
    ctx.clock.advance(20 * DAY);
    const recent = await checkRisk(ctx, { action: 'login', memberId: 'pg-3', context: {} });
    ctx.clock.advance(15 * DAY); // the first two are 35 days old now, the login 15
    expect(await purgeDecisionChunk(ctx, ctx.clock.now() - 30 * DAY)).toBe(1);
    const left = await ctx.db.selectFrom('riskDecisions').select('id').orderBy('createdAt').execute();
    expect(left.map((d) => d.id)).toEqual([open.decisionId, recent.decisionId]);
    expect(await ctx.db.selectFrom('riskCases').select('id').execute()).toEqual([{ id: open.caseId }]);
    expect(await ctx.db.selectFrom('riskCaseComments').select('id').execute()).toEqual([]);
    expect(await purgeDecisionChunk(ctx, ctx.clock.now() - 30 * DAY)).toBe(0);
  });
});
