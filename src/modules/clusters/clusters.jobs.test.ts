import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { createJob, type JobStep, runJob } from '../jobs/index.ts';
import { createSegment } from '../segments/index.ts';
import { sampleMemberIds } from './clusters.fit.ts';
import { CLUSTERS_RUN, type ClusterJobResult, clustersRunJob, KEEP_RUNS } from './clusters.jobs.ts';
import { getLatestClusterRun } from './clusters.service.ts';
import { insertProfiles, insertThreeGroups } from './clusters.testing.ts';

describe.each(testDatabases())('clusters.run job on $name', (database) => {
  let ctx: TestContext;

  beforeEach(async () => {
    ctx = await createTestContext(database);
  });
  afterEach(async () => {
    await ctx?.close();
  });

  const assignments = async () =>
    (
      await ctx.db
        .selectFrom('memberClusters')
        .select(['runId', 'memberId', 'cluster'])
        .orderBy('memberId')
        .execute()
    ).map((r) => ({ ...r, cluster: Number(r.cluster) }));

  async function run(params: object) {
    const job = await createJob(ctx, CLUSTERS_RUN, params, null);
    return runJob(ctx, job.id);
  }

  /** Drives the handler by hand, returning every state it passed through. */
  async function stepThrough(params: { chunkSize?: number; seed?: number }) {
    const states: JobStep<ClusterJobResult>[] = [
      { cursor: null, done: 0, result: clustersRunJob.initialResult },
    ];
    for (;;) {
      const next = await clustersRunJob.step(
        ctx,
        params,
        states[states.length - 1] as JobStep<ClusterJobResult>,
      );
      states.push(next);
      if (next.cursor === null) return states;
    }
  }

  describe('retention', () => {
    it('keeps the newest runs and any run a live segment uses, and drops the rest with their rows', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 10);
      const runIds: string[] = [];
      for (let i = 0; i < KEEP_RUNS + 2; i++) {
        ctx.clock.advance(1000);
        const job = await run({ k: 3, seed: i + 1 });
        runIds.push((job?.result as ClusterJobResult | undefined)?.runId as string);
        if (i === 0) {
          // The first run is saved as a segment, so it must survive.
          await createSegment(
            ctx,
            { actorType: 'test', actorId: 't' },
            {
              name: 'first run, cluster 0',
              definition: { cluster: { runId: runIds[0] as string, index: 0 } },
            },
          );
        }
      }
      const runs = (await ctx.db.selectFrom('clusterRuns').select('id').execute()).map((r) => r.id).sort();
      const expected = [runIds[0], ...runIds.slice(-KEEP_RUNS)].sort();
      expect(runs).toEqual(expected);
      const withRows = (await ctx.db.selectFrom('memberClusters').select('runId').distinct().execute())
        .map((r) => r.runId)
        .sort();
      expect(withRows).toEqual(expected);
    });
  });

  describe('happy path', () => {
    it('finds three clusters in three obvious groups and names their traits', async () => {
      const truth = await insertThreeGroups(ctx.db, ctx.clock.now(), 40);
      const job = await run({ chunkSize: 35 });
      expect(job?.status, job?.error ?? '').toBe('succeeded');
      const latest = await getLatestClusterRun(ctx);
      expect(latest.k).toBe(3);
      expect(Object.keys(latest.silhouettes).map(Number)).toEqual([2, 3, 4, 5, 6, 7, 8]);
      expect(latest.silhouettes['3']).toBeGreaterThan(latest.silhouettes['2'] as number);
      expect(latest.jobId).toBe(job?.id);
      const rows = await assignments();
      const byCluster = new Map<number, Set<string>>();
      for (const r of rows)
        byCluster.set(
          r.cluster,
          (byCluster.get(r.cluster) ?? new Set()).add(truth.get(r.memberId) as string),
        );
      // Each cluster holds exactly one true group.
      expect([...byCluster.values()].map((s) => s.size)).toEqual([1, 1, 1]);
      const describe = (group: string) => {
        const index = rows.find((r) => truth.get(r.memberId) === group)?.cluster;
        return latest.clusters.find((c) => c.index === index)?.description as { en: string; zh: string };
      };
      expect(describe('spender').en).toMatch(/High spend|Frequent buyers|High lifetime value/);
      expect(describe('spender').zh).toMatch(/高消费|高频购买|高终身价值/);
      expect(describe('lapsed').en).toMatch(/Lapsed|Likely gone|Churn risk/);
      expect(describe('browser').en).toMatch(/Window shoppers/);
      expect(describe('browser').zh).toMatch(/只逛不买/);
    });

    it('assigns every member with events exactly once and leaves members without events out', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 20);
      await insertProfiles(ctx.db, ctx.clock.now(), [{ memberId: 'quiet', events: 0 }]);
      const job = await run({ chunkSize: 7, k: 3 });
      expect(job?.status, job?.error ?? '').toBe('succeeded');
      const rows = await assignments();
      expect(rows).toHaveLength(60);
      expect(new Set(rows.map((r) => r.memberId)).size).toBe(60);
      expect(rows.some((r) => r.memberId === 'quiet')).toBe(false);
      const latest = await getLatestClusterRun(ctx);
      expect(latest.members).toBe(60);
      expect(latest.clusters.reduce((s, c) => s + c.size, 0)).toBe(60);
      expect(latest.clusters.map((c) => c.share).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      expect(job?.progress).toMatchObject({ done: 60, total: 60 });
    });

    it('uses the k it is given and records no silhouettes', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 20);
      await run({ k: 4 });
      const latest = await getLatestClusterRun(ctx);
      expect(latest.k).toBe(4);
      expect(latest.clusters.map((c) => c.index)).toEqual([0, 1, 2, 3]);
      expect(latest.silhouettes).toEqual({});
    });

    it('gives the same clusters for the same seed', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 30, 5);
      const a = await stepThrough({ seed: 9, chunkSize: 40 });
      const b = await stepThrough({ seed: 9, chunkSize: 40 });
      const ra = a[a.length - 1]?.result as ClusterJobResult;
      const rb = b[b.length - 1]?.result as ClusterJobResult;
      expect(rb.centroids).toEqual(ra.centroids);
      expect(rb.sizes).toEqual(ra.sizes);
      expect(rb.clusters).toEqual(ra.clusters);
    });

    it('uses scores when present and treats unscored members as the mean', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 20);
      await run({ k: 3 });
      const latest = await getLatestClusterRun(ctx);
      expect(latest.features.map((f) => f.name)).toContain('clv');
      // Window shoppers have no scores: their raw clv mean is null, their centroid near z = 0 there.
      const browsers = latest.clusters.find((c) => c.means.clv === null);
      expect(browsers).toBeDefined();
      expect(Math.abs(browsers?.centroid.clv as number)).toBeLessThan(1e-9);
    });
  });

  describe('the sample', () => {
    it('fits on a seeded sample of the asked size and still assigns everyone', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 30);
      const first = await sampleMemberIds(ctx.db, 25, 4);
      expect(first).toHaveLength(25);
      expect(new Set(first).size).toBe(25);
      expect(await sampleMemberIds(ctx.db, 25, 4)).toEqual(first);
      expect(await sampleMemberIds(ctx.db, 25, 5)).not.toEqual(first);
      const job = await run({ k: 3, sampleSize: 25, seed: 4 });
      expect(job?.status, job?.error ?? '').toBe('succeeded');
      const latest = await getLatestClusterRun(ctx);
      expect(latest).toMatchObject({ sampleSize: 25, members: 90 });
      expect(await assignments()).toHaveLength(90);
    });
  });

  describe('resuming and visibility', () => {
    it('writes the same rows when an assignment step runs twice', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 20);
      const states = await stepThrough({ chunkSize: 8 });
      const before = await assignments();
      // Re-run the third step (an assignment chunk) from the state saved before it, as after a crash.
      const again = await clustersRunJob.step(ctx, { chunkSize: 8 }, states[2] as JobStep<ClusterJobResult>);
      expect(again).toEqual(states[3]);
      expect(await assignments()).toEqual(before);
      // And the final step, twice: still one run row.
      await clustersRunJob.step(
        ctx,
        { chunkSize: 8 },
        states[states.length - 2] as JobStep<ClusterJobResult>,
      );
      expect(await ctx.db.selectFrom('clusterRuns').select('id').execute()).toHaveLength(1);
    });

    it('keeps a run invisible until its last step has written it', async () => {
      await insertThreeGroups(ctx.db, ctx.clock.now(), 10);
      let state: JobStep<ClusterJobResult> = { cursor: null, done: 0, result: clustersRunJob.initialResult };
      while (state.cursor !== 'finish') state = await clustersRunJob.step(ctx, { chunkSize: 10 }, state);
      expect((await assignments()).length).toBe(30);
      await expect(getLatestClusterRun(ctx)).rejects.toMatchObject({ code: 'CLUSTER_RUN_NOT_FOUND' });
      await clustersRunJob.step(ctx, { chunkSize: 10 }, state);
      expect((await getLatestClusterRun(ctx)).id).toBe(state.result.runId);
    });
  });

  describe('exit conditions', () => {
    it('fails with CLUSTER_NOT_ENOUGH_MEMBERS when too few members have events', async () => {
      await insertProfiles(ctx.db, ctx.clock.now(), [
        { memberId: 'a', events: 3, views: 1 },
        { memberId: 'b', events: 5, views: 5 },
      ]);
      const job = await run({});
      expect(job?.status).toBe('failed');
      expect(job?.error).toMatch(/need at least 6/);
    });

    it('drops a feature that does not vary and says so', async () => {
      const now = ctx.clock.now();
      await insertProfiles(
        ctx.db,
        now,
        Array.from({ length: 12 }, (_, i) => ({
          memberId: `x${i}`,
          events: 10 + (i % 2) * 90,
          views: 5,
          reviews: 0,
        })),
      );
      await run({ k: 2 });
      const latest = await getLatestClusterRun(ctx);
      expect(latest.droppedFeatures).toContain('reviews');
      expect(latest.features.map((f) => f.name)).not.toContain('reviews');
      expect(latest.features.map((f) => f.name)).toContain('viewShare');
    });
  });
});
