import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { latestActiveModel } from '../models/index.ts';
import { getMemberValue, valueTrainJob } from './index.ts';
import { buildShop, DAY, insertOrders, trainValue } from './value.testing.ts';
import { scoreChunk } from './value.train.ts';

type Reason = { feature: string; contribution: number; label: { en: string; zh: string } };
type Calib = { brier: number; predictedMovers: { members: number; meanProbability: number | null } };

describe.each(testDatabases())('value.train on $name', (database) => {
  let ctx: TestContext;
  let job: Awaited<ReturnType<typeof trainValue>>;

  beforeAll(async () => {
    ctx = await createTestContext(database);
    await buildShop(ctx);
    job = await trainValue(ctx, { chunkSize: 100 });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const scores = () => ctx.db.selectFrom('memberScores').selectAll().orderBy('memberId').execute();

  describe('happy path', () => {
    it('succeeds and reports a held-out churn AUC well above chance, beside the BG/NBD baselines', () => {
      expect(job.status, job.error ?? '').toBe('succeeded');
      const result = job.result as {
        metrics: { churn: Record<string, number> };
        scored: number;
        members: number;
      };
      expect(result.metrics.churn.auc).toBeGreaterThan(0.7);
      expect(result.metrics.churn.pAliveAuc).toBeGreaterThanOrEqual(0);
      expect(result.metrics.churn.expectedPurchasesAuc).toBeGreaterThanOrEqual(0);
      expect(result.scored).toBe(result.members);
    });

    it('stores a score for every member with a paid order in the programme currency, and no one else', async () => {
      const rows = await scores();
      const ids = rows.map((r) => r.memberId);
      expect(ids).toContain('active-000');
      expect(ids).toContain('one-000');
      expect(ids).not.toContain('cny0');
      expect(rows.length).toBe(120 * 2 + 40 + 2);
      const model = await latestActiveModel(ctx.db, 'value');
      expect(rows.every((r) => r.modelId === model?.id)).toBe(true);
    });

    it('gives lapsed members a higher churn risk than active ones', async () => {
      const rows = await scores();
      const mean = (prefix: string) => {
        const group = rows.filter((r) => r.memberId.startsWith(prefix));
        return group.reduce((a, r) => a + Number(r.churnRisk), 0) / group.length;
      };
      expect(mean('lapsed-')).toBeGreaterThan(mean('active-') + 0.3);
    });

    it('explains a high churn risk with up to three labelled reasons that push towards churn', async () => {
      const rows = (await scores()).filter(
        (r) => r.memberId.startsWith('lapsed-') && Number(r.churnRisk) > 0.5,
      );
      expect(rows.length).toBeGreaterThan(10);
      for (const row of rows) {
        const reasons = JSON.parse(row.churnReasons) as Reason[];
        expect(reasons.length).toBeGreaterThan(0);
        expect(reasons.length).toBeLessThanOrEqual(3);
        expect(reasons.reduce((a, r) => a + r.contribution, 0)).toBeGreaterThan(0);
        expect(reasons.every((r) => r.label.en.length > 0 && r.label.zh.length > 0)).toBe(true);
        const sorted = [...reasons].sort((a, b) => b.contribution - a.contribution);
        expect(reasons).toEqual(sorted);
      }
    });

    it('forecasts a climb for a member heading past Silver and a fall for one whose orders leave the window', async () => {
      const up = await getMemberValue(ctx, 'up1');
      const down = await getMemberValue(ctx, 'down1');
      expect(up).toMatchObject({
        status: 'scored',
        currentTier: 'member',
        predictedTier: 'silver',
        tierMove: 1,
      });
      expect(down).toMatchObject({
        status: 'scored',
        currentTier: 'silver',
        predictedTier: 'member',
        tierMove: -1,
      });
      for (const v of [up, down]) {
        if (v.status !== 'scored') throw new Error('not scored');
        expect(v.tierMoveProbability).toBeGreaterThanOrEqual(0.5);
        expect(v.tierMoveProbability).toBeLessThanOrEqual(1);
      }
    });

    it('stores a move probability in [0, 1] for every member, at least 0.5 exactly where a move is predicted', async () => {
      const rows = await scores();
      for (const r of rows) {
        const p = Number(r.tierMoveProbability);
        expect(r.tierMoveProbability, r.memberId).not.toBeNull();
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        if (Number(r.tierMove) !== 0) expect(p, r.memberId).toBeGreaterThanOrEqual(0.5);
      }
    });

    it('stores the tier-forecast backtest and CLV settings with the model', async () => {
      const model = await latestActiveModel(ctx.db, 'value');
      const metrics = model?.metrics as {
        tierForecast: { accuracy: number; members: number; up: object; down: object };
      };
      expect(metrics.tierForecast.members).toBeGreaterThan(100);
      expect(metrics.tierForecast.accuracy).toBeGreaterThan(0.5);
      expect(metrics.tierForecast.up).toHaveProperty('precision');
      expect(metrics.tierForecast).toHaveProperty('noChangeAccuracy');
      expect(metrics.tierForecast).toHaveProperty('pointForecast.accuracy');
      expect(metrics.tierForecast).toHaveProperty('countOnly.accuracy');
      expect(metrics.tierForecast).toHaveProperty('countOnly.calibration.up.brier');
      const calibration = (metrics.tierForecast as unknown as { calibration: Record<string, Calib> })
        .calibration;
      for (const side of [calibration.up, calibration.down]) {
        expect(side?.brier).toBeGreaterThanOrEqual(0);
        expect(side?.brier).toBeLessThanOrEqual(1);
        const movers = side?.predictedMovers;
        if (movers && movers.members > 0) expect(movers.meanProbability).toBeGreaterThanOrEqual(0.5);
      }
      expect(model?.params).toMatchObject({
        settings: { horizonDays: 90, clvMonths: 12, margin: 0.3, currency: 'CNY' },
      });
      expect(model?.artifact).toContain('membrain-gbdt');
    });

    it('keeps P(alive) from rising between purchases in the member’s history', async () => {
      const value = await getMemberValue(ctx, 'lapsed-001');
      if (value.status !== 'scored') throw new Error('not scored');
      const history = value.pAliveHistory;
      expect(history.length).toBeGreaterThan(6);
      const orders = await ctx.db
        .selectFrom('events')
        .select('occurredAt')
        .where('memberId', '=', 'lapsed-001')
        .execute();
      const days = orders.map((o) => Math.floor(Number(o.occurredAt) / DAY));
      for (let k = 1; k < history.length; k++) {
        const from = Math.floor(Date.parse((history[k - 1] as { at: string }).at) / DAY);
        const to = Math.floor(Date.parse((history[k] as { at: string }).at) / DAY);
        const bought = days.some((d) => d > from && d <= to);
        if (!bought)
          expect((history[k] as { pAlive: number }).pAlive).toBeLessThanOrEqual(
            (history[k - 1] as { pAlive: number }).pAlive + 1e-12,
          );
      }
      expect(history.at(-1)?.pAlive).toBeCloseTo(value.pAlive, 10);
    });
  });

  describe('edges', () => {
    it('writes the same rows when a scoring step runs twice', async () => {
      const model = await latestActiveModel(ctx.db, 'value');
      const before = await scores();
      const first = await scoreChunk(ctx, model?.id as string, null, 50);
      const second = await scoreChunk(ctx, model?.id as string, null, 50);
      expect(second).toEqual(first);
      expect(await scores()).toEqual(before);
    });

    it('scores on read a member who bought after the run, and answers no_purchases for one who never did', async () => {
      await insertOrders(ctx, [{ memberId: 'late1', at: ctx.clock.now() - 5 * DAY, amount: 3_000 }]);
      expect(await getMemberValue(ctx, 'late1')).toMatchObject({ status: 'scored', pAlive: 1 });
      expect(await getMemberValue(ctx, 'nobody')).toEqual({ status: 'not_scored', reason: 'no_purchases' });
    });

    it('keeps the job resumable: the first step fits and hands over a scoring cursor', async () => {
      const state = await valueTrainJob.step(
        ctx,
        { horizonDays: 90, clvMonths: 12, discountRate: 0.01, margin: 0.3, chunkSize: 1000 },
        {
          cursor: null,
          done: 0,
          result: valueTrainJob.initialResult,
        },
      );
      expect(state.cursor).toMatch(/^score:mdl_/);
      const models = await ctx.db
        .selectFrom('models')
        .select(['state'])
        .where('kind', '=', 'value')
        .execute();
      expect(models.filter((m) => m.state === 'active')).toHaveLength(1);
    });
  });
});

describe.each(testDatabases())('value.train without enough data on $name', (database) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(database);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('fails with a clear message when fewer than 20 members bought twice', async () => {
    const now = ctx.clock.now();
    const orders = [];
    for (let i = 0; i < 10; i++) {
      orders.push({ memberId: `m${i}`, at: now - 50 * DAY, amount: 1_000 });
      orders.push({ memberId: `m${i}`, at: now - 20 * DAY, amount: 1_000 });
    }
    await insertOrders(ctx, orders);
    const job = await trainValue(ctx);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/10 members with repeat purchases.*at least 20/);
    expect(await latestActiveModel(ctx.db, 'value')).toBeNull();
  });

  it('answers no_model before any training', async () => {
    expect(await getMemberValue(ctx, 'm1')).toEqual({ status: 'not_scored', reason: 'no_model' });
  });
});
