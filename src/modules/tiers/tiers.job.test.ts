import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { cancelJob, createJob, resumeJob, runJob } from '../jobs/index.ts';
import { deleteMember } from '../members/index.ts';
import { sumQualifyingPoints } from '../points/index.ts';
import { ensureDefaultTiers, getMemberTier, setTierOverride, TIERS_RECALCULATE } from './index.ts';
import { shiftYears } from './tiers.metric.ts';
import { addMember, DAY, historyOf, order, setTierSettings, upgrade } from './tiers.testing.ts';

const CNY = 100;
const T0 = Date.UTC(2026, 0, 15, 12);
const T = T0 + 300 * DAY;
const system = { actorType: 'system', actorId: 'test' };

/**
 * Seven members, six live, each in a different situation for the recalculation at T:
 * m01 gold and m07 platinum never upgraded at ingest, m02 loses silver (grace starts), m03 ends
 * a grace with a downgrade to silver, m04's override expired, m05 has no activity, m06 is deleted.
 */
async function seed(ctx: TestContext): Promise<void> {
  ctx.clock.set(T0);
  await ensureDefaultTiers(ctx);
  for (const id of ['m01', 'm02', 'm03', 'm04', 'm05', 'm06', 'm07']) await addMember(ctx, id);
  await order(ctx, 'm02', 1_200 * CNY, { at: T0 - 200 * DAY });
  await order(ctx, 'm03', 4_200 * CNY, { at: T0 - 100 * DAY });
  await order(ctx, 'm03', 900 * CNY);
  await order(ctx, 'm04', 1_000 * CNY);
  await order(ctx, 'm06', 6_000 * CNY);
  await upgrade(ctx, 'm02', 'm03', 'm04', 'm06');
  await setTierOverride(
    ctx,
    'm04',
    { tierId: 'platinum', until: new Date(T0 + 10 * DAY).toISOString(), reason: 'trial' },
    { actorType: 'operator', actorId: 'op' },
  );
  await deleteMember(ctx, 'm06', system);
  ctx.clock.set(T);
  await ctx.db
    .updateTable('memberTiers')
    .set({ belowRetainSince: T - 40 * DAY })
    .where('memberId', '=', 'm03')
    .execute();
  await order(ctx, 'm01', 6_000 * CNY, { at: T - DAY });
  await order(ctx, 'm07', 25_000 * CNY, { at: T - DAY });
}

/** Everything the recalculation decides, without generated ids. */
async function snapshot(ctx: TestContext) {
  const rows = await ctx.db.selectFrom('memberTiers').selectAll().orderBy('memberId').execute();
  const history = await ctx.db
    .selectFrom('tierHistory')
    .selectAll()
    .orderBy('memberId')
    .orderBy('at')
    .execute();
  return {
    rows: rows.map(({ evaluatedAt: _e, version: _v, ...row }) => ({
      ...row,
      since: Number(row.since),
      validUntil: row.validUntil === null ? null : Number(row.validUntil),
      metricValue: Number(row.metricValue),
      belowRetainSince: row.belowRetainSince === null ? null : Number(row.belowRetainSince),
    })),
    history: history
      .map(
        (h) =>
          `${h.memberId} ${h.change} ${h.fromTier}→${h.toTier} @${Number(h.at)} ${Number(h.metricValue)}`,
      )
      .sort(),
  };
}

describe.each(testDatabases())('tier recalculation job on $name', (database) => {
  const contexts: TestContext[] = [];
  const open = async () => {
    const ctx = await createTestContext(database);
    contexts.push(ctx);
    return ctx;
  };
  afterEach(async () => {
    for (const ctx of contexts.splice(0)) await ctx.close();
  });

  it('evaluates every live member in chunks and counts what it did', async () => {
    const ctx = await open();
    await seed(ctx);
    const job = await createJob(ctx, TIERS_RECALCULATE, { chunkSize: 2 }, 'test');
    const done = await runJob(ctx, job.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      progress: { done: 6, total: 6 },
      result: { evaluated: 6, upgraded: 2, downgraded: 1, unchanged: 3, overridesEnded: 1 },
    });
    const tiers = await Promise.all(
      ['m01', 'm02', 'm03', 'm04', 'm05', 'm07'].map(async (id) => (await getMemberTier(ctx, id)).tier.id),
    );
    expect(tiers).toEqual(['gold', 'silver', 'silver', 'silver', 'member', 'platinum']);
    expect(
      (
        await ctx.db
          .selectFrom('memberTiers')
          .select('belowRetainSince')
          .where('memberId', '=', 'm02')
          .executeTakeFirst()
      )?.belowRetainSince,
    ).toBe(T);
    expect(await historyOf(ctx, 'm06')).toEqual(['upgrade member→gold']);
    expect(await historyOf(ctx, 'm04')).toEqual([
      'upgrade member→silver',
      'override silver→platinum',
      'override_end platinum→silver',
    ]);

    // A second run at the same instant changes nothing.
    const before = await snapshot(ctx);
    const again = await runJob(ctx, (await createJob(ctx, TIERS_RECALCULATE, {}, 'test')).id);
    expect(again?.result).toEqual({
      evaluated: 6,
      upgraded: 0,
      downgraded: 0,
      unchanged: 6,
      overridesEnded: 0,
    });
    expect(await snapshot(ctx)).toEqual(before);
  });

  it('stopped after a step and resumed (rerunning a committed chunk) ends as a straight run', async () => {
    const straight = await open();
    await seed(straight);
    await runJob(straight, (await createJob(straight, TIERS_RECALCULATE, { chunkSize: 2 }, 'test')).id);

    const interrupted = await open();
    await seed(interrupted);
    const job = await createJob(interrupted, TIERS_RECALCULATE, { chunkSize: 2 }, 'test');
    // Cancelling after the first saved step: the runner still commits the second chunk, then
    // cannot save its cursor — exactly a crash between a chunk's commit and the cursor save.
    let cancelled = false;
    const stopped = await runJob(interrupted, job.id, {
      onProgress: (current) => {
        if (!cancelled && current.progress.done === 2) {
          cancelled = true;
          void cancelJob(interrupted, job.id);
        }
      },
    });
    expect(stopped?.status).toBe('cancelled');
    await resumeJob(interrupted, job.id);
    const resumed = await runJob(interrupted, job.id);
    expect(resumed).toMatchObject({ status: 'succeeded', progress: { done: 6 }, result: { evaluated: 6 } });
    expect(await snapshot(interrupted)).toEqual(await snapshot(straight));
  });

  it('follows qualifying points from the ledger when the metric says so', async () => {
    const ctx = await open();
    await setTierSettings(ctx, { metric: 'qualifying_points' });
    await ensureDefaultTiers(ctx);
    await addMember(ctx, 'm1');
    const entry = (id: string, qualifying: number, createdAt: number) =>
      ctx.db
        .insertInto('pointsLedger')
        .values({
          id,
          memberId: 'm1',
          kind: 'earn',
          points: Math.max(qualifying, 0),
          pendingDelta: 0,
          debtDelta: 0,
          qualifying,
          ruleId: null,
          ruleVersion: null,
          lotId: null,
          expiresAt: null,
          sourceType: 'test',
          sourceId: null,
          reason: 'test',
          idempotencyKey: id,
          requestHash: null,
          balanceAfter: 0,
          createdAt,
        })
        .execute();
    const now = ctx.clock.now();
    await entry('l1', 90_000, now - 400 * DAY);
    await entry('l2', 120_000, now - 10 * DAY);
    await entry('l3', -15_000, now - DAY);
    await order(ctx, 'm1', 900_000 * CNY);
    await upgrade(ctx, 'm1');
    const tier = await getMemberTier(ctx, 'm1');
    const expected = await sumQualifyingPoints(ctx.db, 'm1', shiftYears(now, -1), now + 1);
    expect([tier.tier.id, tier.progress.metric, tier.progress.current]).toEqual([
      'silver',
      'qualifying_points',
      expected,
    ]);
    expect(expected).toBe(105_000);
  });
});
