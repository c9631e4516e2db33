import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { registerJobHandler } from './jobs.registry.ts';
import { createJob, getJob, JOB_LEASE_MS, runJob } from './jobs.service.ts';
import type { JobDto, JobHandler } from './jobs.types.ts';
import { startJobWorker } from './jobs.worker.ts';

// A job that counts to `upTo` in steps of 10 and can be told to fail at one value.
const counted: number[] = [];
const countJob: JobHandler<{ upTo: number; failAt?: number | undefined }, { sum: number }> = {
  type: 'test.count',
  params: z.strictObject({ upTo: z.number().int().min(1), failAt: z.number().int().optional() }),
  initialResult: { sum: 0 },
  total: async (_ctx, params) => params.upTo,
  async step(_ctx, params, state) {
    const from = state.cursor === null ? 0 : Number(state.cursor);
    const to = Math.min(from + 10, params.upTo);
    if (params.failAt !== undefined && params.failAt >= from && params.failAt < to) {
      throw new Error(`stopped at ${params.failAt}`);
    }
    let sum = state.result.sum;
    for (let i = from; i < to; i++) {
      counted.push(i);
      sum += i;
    }
    return { cursor: to >= params.upTo ? null : String(to), done: to, result: { sum } };
  },
};

// A job whose one step outlasts the lease: the clock moves two leases on while it works, and
// meanwhile another runner tries to take the job over.
let takeOver: (() => Promise<JobDto | null>) | null = null;
let takenOver: JobDto | null | undefined;
const slowJob: JobHandler<Record<string, never>, null> = {
  type: 'test.slow',
  params: z.strictObject({}),
  initialResult: null,
  total: async () => 1,
  async step(ctx) {
    (ctx as TestContext).clock.advance(2 * JOB_LEASE_MS);
    await new Promise((resolve) => setTimeout(resolve, 80));
    takenOver = await takeOver?.();
    return { cursor: null, done: 1, result: null };
  },
};

beforeAll(() => {
  registerJobHandler(countJob);
  registerJobHandler(slowJob);
});

describe.each(testDatabases())('jobs on %s', (database) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(database);
    counted.length = 0;
  });
  afterEach(async () => ctx.close());

  it('runs a job step by step and records progress and result', async () => {
    const job = await createJob(ctx, 'test.count', { upTo: 35 }, 'test');
    expect(job).toMatchObject({ status: 'queued', progress: { done: 0, total: null } });
    const seen: number[] = [];
    const done = await runJob(ctx, job.id, { onProgress: (j) => seen.push(j.progress.done) });
    expect(seen).toEqual([10, 20, 30, 35]);
    expect(done).toMatchObject({
      status: 'succeeded',
      result: { sum: 595 },
      progress: { done: 35, total: 35, fraction: 1 },
    });
    expect(done?.finishedAt).not.toBeNull();
  });

  it('checks params with the job type’s schema and rejects unknown types', async () => {
    await expect(createJob(ctx, 'test.count', { upTo: 0, extra: 1 }, 'test')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [
        { path: 'params.upTo', message: expect.any(String) },
        { path: 'params', message: expect.stringContaining('extra') },
      ],
    });
    await expect(createJob(ctx, 'no.such', {}, 'test')).rejects.toMatchObject({ code: 'JOB_TYPE_UNKNOWN' });
  });

  it('a failed job keeps its cursor; resumed, it continues without redoing finished steps', async () => {
    const job = await createJob(ctx, 'test.count', { upTo: 40, failAt: 25 }, 'test');
    expect(await runJob(ctx, job.id)).toMatchObject({
      status: 'failed',
      error: 'stopped at 25',
      progress: { done: 20 },
    });
    // Mend the cause (here: the params) and resume: steps 0–19 are not run again.
    await ctx.db
      .updateTable('jobs')
      .set({ params: JSON.stringify({ upTo: 40 }) })
      .where('id', '=', job.id)
      .execute();
    counted.length = 0;
    const app = await buildApp(ctx, { docs: false, webDist: false });
    const key = await apiKeyWithScopes(ctx, ['jobs:read', 'jobs:manage']);
    const resumed = await app.inject({
      method: 'POST',
      url: `/v1/jobs/${job.id}/resume`,
      headers: bearer(key),
    });
    expect(resumed.json()).toMatchObject({ status: 'queued' });
    expect(await runJob(ctx, job.id)).toMatchObject({ status: 'succeeded', result: { sum: 780 } });
    expect(counted[0]).toBe(20);
    await app.close();
  });

  it('a runner that died loses its job once the lease lapses; a live lease is respected', async () => {
    const job = await createJob(ctx, 'test.count', { upTo: 20 }, 'test');
    // Simulate a runner that claimed the job and died.
    const now = ctx.clock.now();
    await ctx.db
      .updateTable('jobs')
      .set({
        status: 'running',
        leaseOwner: 'dead',
        leaseUntil: now + JOB_LEASE_MS,
        cursor: '10',
        done: 10,
        result: JSON.stringify({ sum: 45 }),
      })
      .where('id', '=', job.id)
      .execute();
    expect(await runJob(ctx, job.id)).toBeNull();
    ctx.clock.advance(JOB_LEASE_MS + 1);
    expect(await runJob(ctx, job.id)).toMatchObject({
      status: 'succeeded',
      result: { sum: 190 },
      attempts: 1,
    });
    expect(counted).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('keeps the lease of a step that runs longer than the lease, so no other runner takes the job', async () => {
    const job = await createJob(ctx, 'test.slow', {}, 'test');
    takeOver = () => runJob(ctx, job.id, { owner: 'another worker' });
    const done = await runJob(ctx, job.id, { heartbeatMs: 10 });
    expect(takenOver).toBeNull();
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('GET /v1/jobs/{id} and the list need jobs:read; cancel needs jobs:manage', async () => {
    const app = await buildApp(ctx, { docs: false, webDist: false });
    const job = await createJob(ctx, 'test.count', { upTo: 5 }, 'test');
    const reader = await apiKeyWithScopes(ctx, ['jobs:read']);
    const one = await app.inject({ method: 'GET', url: `/v1/jobs/${job.id}`, headers: bearer(reader) });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      id: job.id,
      type: 'test.count',
      status: 'queued',
      params: { upTo: 5 },
    });
    const list = await app.inject({
      method: 'GET',
      url: '/v1/jobs?type=test.count',
      headers: bearer(reader),
    });
    expect(list.json().data.map((j: { id: string }) => j.id)).toEqual([job.id]);
    const denied = await app.inject({
      method: 'POST',
      url: `/v1/jobs/${job.id}/cancel`,
      headers: bearer(reader),
    });
    expect(denied.statusCode).toBe(403);
    const manager = await apiKeyWithScopes(ctx, ['jobs:read', 'jobs:manage']);
    const cancelled = await app.inject({
      method: 'POST',
      url: `/v1/jobs/${job.id}/cancel`,
      headers: bearer(manager),
    });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    const again = await app.inject({
      method: 'POST',
      url: `/v1/jobs/${job.id}/cancel`,
      headers: bearer(manager),
    });
    expect(again.json()).toMatchObject({ error: { code: 'JOB_NOT_ACTIVE' } });
    expect(await runJob(ctx, job.id)).toBeNull();
    expect((await getJob(ctx, job.id)).status).toBe('cancelled');
    const missing = await app.inject({ method: 'GET', url: '/v1/jobs/job_nope', headers: bearer(reader) });
    expect(missing.json()).toMatchObject({ error: { code: 'JOB_NOT_FOUND' } });
    await app.close();
  });

  it('the worker queues scheduled maintenance when due — once across restarts — and runs it', async () => {
    const jobsOf = async () =>
      (await ctx.db.selectFrom('jobs').select(['type', 'status']).orderBy('createdAt').execute()).filter(
        (j) => ['points.release', 'points.expire'].includes(j.type),
      );
    const settled = async (count: number) => {
      for (let i = 0; i < 200; i++) {
        const jobs = await jobsOf();
        if (jobs.length >= count && jobs.every((j) => j.status === 'succeeded')) return jobs;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`jobs did not settle: ${JSON.stringify(await jobsOf())}`);
    };
    let worker = startJobWorker(ctx, { pollMs: 10, schedule: true });
    expect((await settled(2)).map((j) => j.type).sort()).toEqual(['points.expire', 'points.release']);
    await worker.stop();
    // A restart soon after queues nothing new.
    worker = startJobWorker(ctx, { pollMs: 10, schedule: true });
    await new Promise((r) => setTimeout(r, 150));
    expect(await jobsOf()).toHaveLength(2);
    // Ten minutes on, the release is due again; the hourly expiry is not.
    ctx.clock.advance(10 * 60_000);
    const after = await settled(3);
    expect(after.filter((j) => j.type === 'points.release')).toHaveLength(2);
    expect(after.filter((j) => j.type === 'points.expire')).toHaveLength(1);
    await worker.stop();
  });
});
