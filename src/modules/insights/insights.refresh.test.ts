import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appError, Errors } from '../../errors.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { createJob, type JobHandler, registerJobHandler, runJob, startJobWorker } from '../jobs/index.ts';
import { createRefreshJob, INSIGHTS_REFRESH, type RefreshResult } from './insights.refresh.ts';

// Phases stand in for the real jobs: one counts to three in three steps, one cannot run for
// lack of data, one fails outright.
const calls: string[] = [];
const counting: JobHandler<Record<string, never>, { seen: number }> = {
  type: 'test.counting',
  params: z.strictObject({}),
  initialResult: { seen: 0 },
  total: async () => 3,
  async step(_ctx, _params, state) {
    const n = state.cursor === null ? 1 : Number(state.cursor) + 1;
    calls.push(`counting:${n}`);
    return { cursor: n < 3 ? String(n) : null, done: n, result: { seen: state.result.seen + 1 } };
  },
};
const starved: JobHandler<Record<string, never>, null> = {
  type: 'test.starved',
  params: z.strictObject({}),
  initialResult: null,
  total: async () => 1,
  async step() {
    calls.push('starved');
    throw appError(Errors.VALUE_NOT_ENOUGH_DATA, 'Only 3 members have repeat purchases');
  },
};
let failNext = true;
const flaky: JobHandler<Record<string, never>, { ok: boolean }> = {
  type: 'test.flaky',
  params: z.strictObject({}),
  initialResult: { ok: false },
  total: async () => 1,
  async step() {
    calls.push('flaky');
    if (failNext) {
      failNext = false;
      throw new Error('disk full');
    }
    return { cursor: null, done: 1, result: { ok: true } };
  },
};
registerJobHandler(counting);
registerJobHandler(starved);
registerJobHandler(flaky);
registerJobHandler(createRefreshJob('test.refresh', ['test.counting', 'test.starved', 'test.flaky']));

describe.each(testDatabases())('the refresh job on $name', (database) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(database);
    calls.length = 0;
    failNext = true;
  });
  afterEach(async () => {
    await ctx?.close();
  });

  it('runs each phase to its end in order, records a phase the data cannot support, and resumes a failed phase', async () => {
    const job = await createJob(ctx, 'test.refresh', {}, 'test');
    const failed = await runJob(ctx, job.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toContain('disk full');
    expect(calls).toEqual(['counting:1', 'counting:2', 'counting:3', 'starved', 'flaky']);

    await ctx.db.updateTable('jobs').set({ status: 'queued' }).where('id', '=', job.id).execute();
    const done = await runJob(ctx, job.id);
    expect(done?.status).toBe('succeeded');
    // The resumed job went straight back to the failed phase.
    expect(calls.slice(5)).toEqual(['flaky']);
    const result = done?.result as RefreshResult;
    expect(result.finished.map((p) => [p.type, p.skipped ?? null])).toEqual([
      ['test.counting', null],
      ['test.starved', 'Only 3 members have repeat purchases'],
      ['test.flaky', null],
    ]);
    expect(result.finished[0]?.result).toEqual({ seen: 3 });
    expect(done?.progress).toMatchObject({ done: 4, total: 5 });
  });

  it('skips the phases the caller names', async () => {
    const job = await createJob(ctx, 'test.refresh', { skip: ['test.starved', 'test.flaky'] }, 'test');
    const done = await runJob(ctx, job.id);
    expect(done?.status).toBe('succeeded');
    expect(calls).toEqual(['counting:1', 'counting:2', 'counting:3']);
    expect(done?.progress.total).toBe(3);
  });

  it('counts as a run of the daily jobs it covers, so the scheduler does not repeat them at once', async () => {
    // An empty shop: value and clusters are skipped for lack of data, the rest run.
    const refresh = await runJob(ctx, (await createJob(ctx, INSIGHTS_REFRESH, {}, 'test')).id);
    expect(
      (refresh?.result as RefreshResult | undefined)?.finished.map((p) => [p.type, Boolean(p.skipped)]),
    ).toEqual([
      ['profiles.rebuild', false],
      ['value.train', true],
      ['segments.count', false],
      ['clusters.run', true],
    ]);
    const worker = startJobWorker(ctx, { pollMs: 10, schedule: true });
    const queued = async () =>
      (await ctx.db.selectFrom('jobs').select('type').execute()).map((j) => j.type).sort();
    for (let i = 0; i < 200 && !(await queued()).includes('tiers.recalculate'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await worker.stop();
    // Other daily work was queued; value.train and segments.count were not.
    expect(await queued()).toContain('tiers.recalculate');
    expect(await queued()).not.toContain('value.train');
    expect(await queued()).not.toContain('segments.count');
  });

  it('refuses a phase it does not know', async () => {
    await expect(createJob(ctx, 'test.refresh', { skip: ['nope'] }, 'test')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
