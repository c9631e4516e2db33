import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTestContext,
  TEST_MASTER_KEY,
  type TestContext,
  testDatabases,
} from '../../testing/test-context.ts';
import { createJob, getJob, runJob } from '../jobs/index.ts';
import { verifyPointsAccounts } from './index.ts';

// Kills a real `membrain jobs resume` process in the middle of the expiry job, then lets the job
// continue from where it stopped, and checks every due lot expired exactly once.

const DAY = 86_400_000;
const MEMBERS = 2_000;
const LOTS_PER_MEMBER = 10;
const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Members with ten 10-point lots each, all past expiry, written in bulk (ledger and accounts agree). */
async function seedDueLots(ctx: TestContext, expiredAt: number): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    for (let m = 0; m < MEMBERS; m += 200) {
      const members = [];
      const accounts = [];
      const lots = [];
      const ledger = [];
      for (let i = m; i < m + 200; i++) {
        const id = `m${String(i).padStart(5, '0')}`;
        const at = expiredAt - 400 * DAY;
        members.push({
          id,
          status: 'active',
          registeredAt: at,
          createdAt: at,
          updatedAt: at,
          attributes: '{}',
          consents: '{}',
          version: 1,
        });
        accounts.push({
          memberId: id,
          available: 100,
          pending: 0,
          lifetimeEarned: 100,
          lifetimeRedeemed: 0,
          debt: 0,
          tierPoints: 0,
          version: 10,
          updatedAt: at,
        });
        for (let l = 0; l < LOTS_PER_MEMBER; l++) {
          const lotId = `lot_${id}_${l}`;
          const expiresAt = expiredAt - l * 1000;
          lots.push({
            id: lotId,
            memberId: id,
            points: 10,
            remaining: 10,
            expiresAt,
            createdAt: at,
            state: 'available' as const,
            pendingUntil: null,
            sourceType: 'test',
            sourceId: null,
            expired: 0,
            reversed: 0,
          });
          ledger.push({
            id: `led_${id}_${l}`,
            memberId: id,
            kind: 'earn',
            points: 10,
            pendingDelta: 0,
            debtDelta: 0,
            qualifying: 0,
            ruleId: null,
            ruleVersion: null,
            lotId,
            expiresAt,
            sourceType: 'test',
            sourceId: null,
            reason: 'seed',
            idempotencyKey: `seed-${l}`,
            requestHash: null,
            balanceAfter: (l + 1) * 10,
            createdAt: at,
          });
        }
      }
      await trx.insertInto('members').values(members).execute();
      await trx.insertInto('pointsAccounts').values(accounts).execute();
      for (let i = 0; i < lots.length; i += 500) {
        await trx
          .insertInto('pointsLots')
          .values(lots.slice(i, i + 500))
          .execute();
        await trx
          .insertInto('pointsLedger')
          .values(ledger.slice(i, i + 500))
          .execute();
      }
    }
  });
}

function startResume(ctx: TestContext, url: string, dataDir: string, jobId: string): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'bin', 'membrain.mjs'), 'jobs', 'resume', jobId], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: url,
      MEMBRAIN_DATABASE_SCHEMA: ctx.database.schema ?? '',
      MEMBRAIN_DATA_DIR: dataDir,
      MEMBRAIN_MASTER_KEY: TEST_MASTER_KEY,
      MEMBRAIN_LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
}

async function waitForProgress(ctx: TestContext, jobId: string, atLeast: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await getJob(ctx, jobId)).progress.done >= atLeast) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the job made no progress');
}

describe.each(testDatabases())('expiry job killed mid-run on %s', (database) => {
  let ctx: TestContext | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await ctx?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a rerun finishes the job; every lot expired exactly once, ledger and accounts agree', {
    timeout: 60_000,
  }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'membrain-crash-'));
    const url = database.name === 'sqlite' ? `sqlite:${join(dataDir, 'crash.db')}` : database.url;
    ctx = await createTestContext({ ...database, url }, { config: { dataDir } });
    const asOf = ctx.clock.now();
    await seedDueLots(ctx, asOf - DAY);
    const total = MEMBERS * LOTS_PER_MEMBER;
    const job = await createJob(ctx, 'points.expire', { asOf: new Date(asOf).toISOString() }, 'test');

    const child = startResume(ctx, url, dataDir, job.id);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await waitForProgress(ctx, job.id, 1_000);
    child.kill('SIGKILL');
    await exited;
    const interrupted = await getJob(ctx, job.id);
    expect(interrupted.status).toBe('running');
    expect(interrupted.progress.done).toBeLessThan(total);

    // `membrain jobs resume` takes the job over (force), as an operator would after a crash.
    const finished = await runJob(ctx, job.id, { force: true });
    expect(finished).toMatchObject({ status: 'succeeded', progress: { done: total } });
    const expired = await ctx.db
      .selectFrom('pointsLedger')
      .select((eb) => [eb.fn.countAll<number>().as('entries'), eb.fn.sum<number>('points').as('points')])
      .where('kind', '=', 'expire')
      .executeTakeFirstOrThrow();
    expect(Number(expired.entries)).toBe(total);
    expect(Number(expired.points)).toBe(-10 * total);
    const left = await ctx.db
      .selectFrom('pointsAccounts')
      .select((eb) => eb.fn.sum<number>('available').as('available'))
      .executeTakeFirstOrThrow();
    expect(Number(left.available)).toBe(0);
    expect(await verifyPointsAccounts(ctx)).toEqual([]);
  });
});
