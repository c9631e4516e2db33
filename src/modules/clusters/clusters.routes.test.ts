import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, memberToken, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { runJob } from '../jobs/index.ts';
import { insertMembers, insertProfiles, insertThreeGroups } from './clusters.testing.ts';

type Headers = { authorization: string };

describe.each(testDatabases())('cluster routes on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let admin: Headers;
  let analyst: Headers;

  beforeEach(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false, webDist: false });
    admin = bearer((await operatorToken(ctx, 'admin')).token);
    analyst = bearer((await operatorToken(ctx, 'analyst')).token);
  });
  afterEach(async () => {
    await app?.close();
    await ctx?.close();
  });

  const call = (method: 'GET' | 'POST', url: string, headers?: Headers, payload?: object) =>
    app.inject({ method, url, ...(headers ? { headers } : {}), ...(payload ? { payload } : {}) });

  /** Queues a run over the API and runs it here; returns the finished run's id. */
  async function finishedRun(body: object = {}): Promise<string> {
    const res = await call('POST', '/v1/clusters/run', admin, body);
    expect(res.statusCode, res.body).toBe(202);
    const job = await runJob(ctx, res.json().jobId);
    expect(job?.status, job?.error ?? '').toBe('succeeded');
    return (await call('GET', '/v1/clusters/latest', analyst)).json().id;
  }

  describe('happy path', () => {
    it('runs, lists and shows a run with described clusters', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 15);
      const runId = await finishedRun({ seed: 3 });
      const list = await call('GET', '/v1/clusters', analyst);
      expect(list.statusCode).toBe(200);
      expect(list.json()).toMatchObject({ data: [{ id: runId, k: 3, members: 45 }], nextCursor: null });
      const run = await call('GET', `/v1/clusters/${runId}`, analyst);
      expect(run.statusCode, run.body).toBe(200);
      const body = run.json();
      expect(body).toMatchObject({ id: runId, k: 3, members: 45, sampleSize: 45 });
      expect(body.features[0]).toMatchObject({ name: 'recencyDays', label: { en: 'Days since last order' } });
      expect(body.clusters).toHaveLength(3);
      expect(body.clusters[0]).toMatchObject({ index: 0, size: 15, share: 1 / 3 });
      expect(typeof body.clusters[0].description.zh).toBe('string');
      expect(Object.keys(body.clusters[0].centroid)).toEqual(
        body.features.map((f: { name: string }) => f.name),
      );
    });

    it('lists runs newest first, one page at a time, and /latest is the newest', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 5);
      const older = await finishedRun({ k: 2 });
      ctx.clock.advance(60_000);
      const newer = await finishedRun({ k: 3 });
      const first = await call('GET', '/v1/clusters?limit=1', analyst);
      expect(first.json().data.map((r: { id: string }) => r.id)).toEqual([newer]);
      const second = await call('GET', `/v1/clusters?limit=1&cursor=${first.json().nextCursor}`, analyst);
      expect(second.json()).toMatchObject({ data: [{ id: older, k: 2 }], nextCursor: null });
      expect((await call('GET', '/v1/clusters/latest', analyst)).json().id).toBe(newer);
    });

    it('pages through the members of one cluster', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 10);
      const runId = await finishedRun({ k: 3 });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/v1/clusters/${runId}/clusters/1/members?limit=4${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await call('GET', url, analyst);
        expect(res.statusCode, res.body).toBe(200);
        seen.push(...res.json().data.map((m: { memberId: string }) => m.memberId));
        cursor = res.json().nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(10);
      expect([...seen].sort()).toEqual(seen);
    });

    it('lets a store key with models:manage start a run', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 5);
      const key = bearer(await apiKeyWithScopes(ctx, ['models:manage']));
      const res = await call('POST', '/v1/clusters/run', key, { k: 2 });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json().jobId).toMatch(/^job_/);
    });
  });

  describe('saving a cluster as a segment', () => {
    it('creates a segment named after the cluster that holds exactly its members', async () => {
      const truth = await insertThreeGroups(ctx.db, ctx.clock.now(), 8);
      await insertMembers(ctx.db, ctx.clock.now(), [...truth.keys()]);
      const runId = await finishedRun({ k: 3 });
      const run = (await call('GET', `/v1/clusters/${runId}`, analyst)).json();
      const res = await call('POST', `/v1/clusters/${runId}/clusters/1/segment`, analyst, {});
      expect(res.statusCode, res.body).toBe(201);
      const segment = res.json();
      expect(segment.id).toMatch(/^seg_/);
      expect(segment.name.startsWith(run.clusters[1].description.en)).toBe(true);
      expect(segment.definition).toEqual({ cluster: { runId, index: 1 } });
      const clusterMembers = (
        await call('GET', `/v1/clusters/${runId}/clusters/1/members?limit=500`, analyst)
      ).json();
      const segmentMembers = await call('GET', `/v1/segments/${segment.id}/members?limit=500`, analyst);
      expect(segmentMembers.statusCode, segmentMembers.body).toBe(200);
      expect(segmentMembers.json().data).toEqual(clusterMembers.data);
    });

    it('takes the name it is given', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 4);
      const runId = await finishedRun({ k: 2 });
      const res = await call('POST', `/v1/clusters/${runId}/clusters/0/segment`, admin, { name: 'Our best' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().name).toBe('Our best');
    });

    it('needs segments:write and an existing cluster', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 4);
      const runId = await finishedRun({ k: 2 });
      const reader = bearer(await apiKeyWithScopes(ctx, ['profiles:read', 'segments:read']));
      expect((await call('POST', `/v1/clusters/${runId}/clusters/0/segment`, reader, {})).statusCode).toBe(
        403,
      );
      const missing = await call('POST', `/v1/clusters/${runId}/clusters/5/segment`, admin, {});
      expect(missing.json().error.code).toBe('CLUSTER_NOT_FOUND');
      const noRun = await call('POST', '/v1/clusters/clu_x/clusters/0/segment', admin, {});
      expect(noRun.json().error.code).toBe('CLUSTER_RUN_NOT_FOUND');
    });
  });

  describe('errors', () => {
    it('refuses callers without a token or without the scope', async () => {
      expect((await call('GET', '/v1/clusters')).statusCode).toBe(401);
      expect((await call('POST', '/v1/clusters/run', analyst, {})).statusCode).toBe(403);
      const member = bearer(await memberToken(ctx, 'm0001'));
      expect((await call('GET', '/v1/clusters/latest', member)).statusCode).toBe(403);
      const reader = bearer(await apiKeyWithScopes(ctx, ['members:read']));
      expect((await call('GET', '/v1/clusters', reader)).statusCode).toBe(403);
    });

    it('answers CLUSTER_RUN_NOT_FOUND for an unknown run and before any run finished', async () => {
      const latest = await call('GET', '/v1/clusters/latest', analyst);
      expect(latest.statusCode).toBe(404);
      expect(latest.json().error.code).toBe('CLUSTER_RUN_NOT_FOUND');
      const unknown = await call('GET', '/v1/clusters/clu_nope', analyst);
      expect(unknown.json().error.code).toBe('CLUSTER_RUN_NOT_FOUND');
      const members = await call('GET', '/v1/clusters/clu_nope/clusters/0/members', analyst);
      expect(members.json().error.code).toBe('CLUSTER_RUN_NOT_FOUND');
    });

    it('answers CLUSTER_NOT_FOUND for a cluster index the run does not have', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 5);
      const runId = await finishedRun({ k: 2 });
      const res = await call('GET', `/v1/clusters/${runId}/clusters/2/members`, analyst);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('CLUSTER_NOT_FOUND');
    });

    it('answers CLUSTER_NOT_ENOUGH_MEMBERS with fewer than three members per cluster', async () => {
      await insertProfiles(
        ctx.db,
        ctx.clock.now(),
        Array.from({ length: 8 }, (_, i) => ({ memberId: `m${i}`, events: i + 1, views: i })),
      );
      const res = await call('POST', '/v1/clusters/run', admin, { k: 3 });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('CLUSTER_NOT_ENOUGH_MEMBERS');
      expect((await call('POST', '/v1/clusters/run', admin, { k: 2 })).statusCode).toBe(202);
    });

    it('lists every bad field of the run parameters', async () => {
      const res = await call('POST', '/v1/clusters/run', admin, { k: 13, sampleSize: 50_000 });
      expect(res.statusCode).toBe(400);
      const paths = res.json().error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(
        expect.arrayContaining([expect.stringContaining('k'), expect.stringContaining('sampleSize')]),
      );
    });
  });
});
