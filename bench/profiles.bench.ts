// Profile rebuild at scale: the `profiles.rebuild` job (createJob + runJob, as the worker and
// `membrain profiles rebuild` run it) over the million-shop (bench/lib/million-shop.ts: 1,000,000
// members, ~6 events each over two years, SQLite). The job runs in a child process so its peak
// RSS is its own. Reference, in the same run over the same events: one plain grouped SQL
// aggregate (`group by member_id`: events, orders, revenue, first and last event) with the rows
// streamed out. Checks: one profile per member with events, and the profiles' event counts add
// up to the events table.
// BENCH_MEMBERS (default 1,000,000) sets the size; BENCH_SHOP the database file (default
// data/bench/million-shop-<members>.db, built on the first run and reused after).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/context.ts';
import { createJob, runJob } from '../src/modules/jobs/index.ts';
import { ensureMillionShop } from './lib/million-shop.ts';
import { median, report } from './lib/report.ts';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const SHOP =
  process.env.BENCH_SHOP ?? join(import.meta.dirname, '..', 'data', 'bench', `million-shop-${MEMBERS}.db`);
const REFERENCE_RUNS = 2;
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

async function openShop() {
  return createContext(
    loadConfig({
      env: {},
      overrides: {
        databaseUrl: `sqlite:${SHOP}`,
        masterKey: '5a'.repeat(32),
        logLevel: 'warn',
        demo: { enabled: false },
      },
    }),
  );
}

/** Child mode: run the job to its end and print its timing and this process's peak RSS. */
async function runChild(): Promise<void> {
  const ctx = await openShop();
  const job = await createJob(ctx, 'profiles.rebuild', {}, 'bench');
  const started = performance.now();
  let next = 0.25;
  const done = await runJob(ctx, job.id, {
    onProgress: (p) => {
      const fraction = p.progress.fraction ?? 0;
      if (fraction < next) return;
      next += 0.25;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.error(
        `  rebuild ${Math.round(fraction * 100)}% after ${seconds} s, RSS ${mib(process.memoryUsage().rss)} MiB`,
      );
    },
  });
  const seconds = (performance.now() - started) / 1000;
  await ctx.close();
  if (done?.status !== 'succeeded') throw new Error(`rebuild ended ${done?.status}: ${done?.error}`);
  console.log(
    JSON.stringify({
      seconds,
      result: done.result,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

const REFERENCE_SQL = `select member_id, count(*) as events,
    sum(case when type = 'order_paid' then 1 else 0 end) as orders,
    sum(case when type = 'order_paid' and currency = 'CNY' then amount else 0 end) as revenue,
    min(occurred_at) as first_at, max(occurred_at) as last_at
  from events group by member_id`;

function reference(sqlite: BetterSqlite3.Database): { seconds: number; members: number; events: number } {
  const statement = sqlite.prepare(REFERENCE_SQL).raw(true);
  const started = performance.now();
  let members = 0;
  let events = 0;
  for (const row of statement.iterate() as Iterable<unknown[]>) {
    members += 1;
    events += Number(row[1]);
  }
  return { seconds: (performance.now() - started) / 1000, members, events };
}

async function main(): Promise<void> {
  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
  mkdirSync(dirname(SHOP), { recursive: true });
  const shop = await ensureMillionShop({ path: SHOP, members: MEMBERS });
  console.log(
    `shop ${shop.reused ? 'reused' : `built in ${shop.buildSeconds} s`}: ${shop.members.toLocaleString('en')} members, ${shop.events.toLocaleString('en')} events (${SHOP})`,
  );
  const ctx = await openShop();
  const sqlite = ctx.database.sqlite as BetterSqlite3.Database;
  const runs = Array.from({ length: REFERENCE_RUNS }, () => reference(sqlite));
  const ref = runs[0] as ReturnType<typeof reference>;
  const referenceSeconds = median(runs.map((r) => r.seconds));
  console.log(
    `reference aggregate: ${runs.map((r) => r.seconds.toFixed(2)).join(' / ')} s, ${ref.members} members`,
  );
  await ctx.close();

  const out = execFileSync(
    process.execPath,
    [join(import.meta.dirname, '..', 'bin', 'run-ts.mjs'), import.meta.filename, '--child'],
    { env: { ...process.env, BENCH_SHOP: SHOP }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  const child = JSON.parse(out.toString().trim().split('\n').pop() as string) as {
    seconds: number;
    result: { members: number; profiles: number; events: number };
    peakRssMiB: number;
  };
  console.log(`rebuild: ${child.seconds.toFixed(1)} s`, child.result);

  const check = await openShop();
  const stored = await check.db
    .selectFrom('memberProfiles')
    .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.sum<number>('events').as('events')])
    .executeTakeFirstOrThrow();
  await check.close();
  const agree = Number(stored.rows) === ref.members && Number(stored.events) === ref.events;
  console.log(agree ? 'profiles agree with the aggregate' : 'PROFILES DIFFER FROM THE AGGREGATE', stored);

  const row = (what: string, seconds: number, peakRssMiB: number | string) => ({
    what,
    seconds: Number(seconds.toFixed(2)),
    membersPerSec: Math.round(MEMBERS / seconds),
    eventsPerSec: Math.round(ref.events / seconds),
    peakRssMiB,
    ratioToAggregate: Number((seconds / referenceSeconds).toFixed(1)),
  });
  report(
    `profiles-sqlite-${MEMBERS}`,
    [
      row('one grouped SQL aggregate (reference)', referenceSeconds, '-'),
      row('profiles.rebuild job (child process)', child.seconds, child.peakRssMiB),
    ],
    {
      members: MEMBERS,
      events: ref.events,
      membersWithEvents: ref.members,
      shop: { ...shop, path: undefined },
      referenceRunsSeconds: runs.map((r) => Number(r.seconds.toFixed(3))),
      rebuildResult: child.result,
      profilesAgree: agree,
      database: 'SQLite file (WAL), million-shop',
      loadAverage: { before: loadBefore, after: loadavg().map((l) => Number(l.toFixed(2))) },
    },
  );
  if (!agree) process.exitCode = 1;
}

if (process.argv.includes('--child')) await runChild();
else await main();
