// Member intelligence at scale: the `insights.refresh` job (profiles rebuilt from events, value
// models fitted and every member scored, segment sizes, clusters) over the large synthetic shop
// of bench/lib/million-shop.ts, as one job with progress, the way the worker runs it. Reference
// in the same run: one grouped SQL pass over the same events (events and order spend per member)
// — the least any job that reads every member's behaviour has to do. Peak RSS is sampled at
// each step and read from the process at the end, to show memory stays bounded.
// BENCH_MEMBERS (default 1,000,000) sets the size; the shop file is kept under the temp folder
// and reused by later runs (BENCH_SHOP names another path).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/context.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { INSIGHTS_REFRESH, type RefreshResult } from '../src/modules/insights/index.ts';
import { createJob, runJob } from '../src/modules/jobs/index.ts';
import { ensureDefaultProgramme } from '../src/modules/loyalty/index.ts';
import { ensureDefaultTiers } from '../src/modules/tiers/index.ts';
import { ensureMillionShop } from './lib/million-shop.ts';
import { report } from './lib/report.ts';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const PATH = process.env.BENCH_SHOP ?? join(tmpdir(), 'membrain-bench', `shop-${MEMBERS}.db`);
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

mkdirSync(dirname(PATH), { recursive: true });
const shop = await ensureMillionShop({ path: PATH, members: MEMBERS });
console.log(
  `shop: ${shop.members.toLocaleString('en')} members, ${shop.events.toLocaleString('en')} events (${shop.reused ? 'reused' : `built in ${shop.buildSeconds} s`})`,
);

const config = loadConfig({
  env: {},
  overrides: {
    databaseUrl: `sqlite:${PATH}`,
    masterKey: '5a'.repeat(32),
    logLevel: 'warn',
    demo: { enabled: false },
  },
});
// The shop's data ends at `shop.now`; the jobs see a clock an hour later.
const ctx = await createContext(config, { clock: new ManualClock(shop.now + 3_600_000) });
await ensureDefaultProgramme(ctx);
await ensureDefaultTiers(ctx);

// Reference: one grouped pass over every event.
const sqlite = ctx.database.sqlite;
if (!sqlite) throw new Error('this bench runs on SQLite');
let started = performance.now();
const grouped = sqlite
  .prepare(
    `select member_id, count(*) as events, sum(case when type = 'order_paid' then amount else 0 end) as spend
       from events group by member_id`,
  )
  .all().length;
const referenceSeconds = (performance.now() - started) / 1000;
console.log(`reference: ${grouped.toLocaleString('en')} members grouped in ${referenceSeconds.toFixed(1)} s`);

const rssBefore = mib(process.memoryUsage().rss);
let peak = process.memoryUsage().rss;
let nextLog = 0.1;
const job = await createJob(ctx, INSIGHTS_REFRESH, {}, 'bench');
started = performance.now();
const done = await runJob(ctx, job.id, {
  onProgress: (current) => {
    peak = Math.max(peak, process.memoryUsage().rss);
    const fraction = current.progress.fraction ?? 0;
    if (fraction >= nextLog) {
      console.log(
        `  ${Math.round(fraction * 100)}% after ${((performance.now() - started) / 1000).toFixed(0)} s, RSS ${mib(peak)} MiB`,
      );
      nextLog += 0.1;
    }
  },
});
const seconds = (performance.now() - started) / 1000;
if (done?.status !== 'succeeded') throw new Error(`refresh ended ${done?.status}: ${done?.error}`);
const result = done.result as RefreshResult;
const maxRss = Math.round(process.resourceUsage().maxRSS / 1024);

const rows = [
  ...result.finished.map((phase) => ({
    what: phase.type,
    seconds: Number((phase.ms / 1000).toFixed(1)),
    units: phase.done,
    note: phase.skipped ?? '',
  })),
  {
    what: `${INSIGHTS_REFRESH} (one job)`,
    seconds: Number(seconds.toFixed(1)),
    units: done.progress.done,
    note: '',
  },
  {
    what: 'reference: one grouped pass over events',
    seconds: Number(referenceSeconds.toFixed(1)),
    units: grouped,
    note: '',
  },
];
report('intelligence', rows, {
  members: shop.members,
  events: shop.events,
  ratioToReference: Number((seconds / referenceSeconds).toFixed(1)),
  rssBeforeMiB: rssBefore,
  peakRssSampledMiB: mib(peak),
  maxRssMiB: maxRss,
  phases: result.finished,
});
console.log(`peak RSS ${maxRss} MiB (sampled ${mib(peak)} MiB, ${rssBefore} MiB before the job)`);
await ctx.close();
