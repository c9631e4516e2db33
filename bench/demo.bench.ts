// Demo shop generation: members/s and events/s writing a seeded shop into a fresh SQLite file,
// with peak RSS (memory must stay flat however many members), the database size, and the cost
// of one AES-256-GCM field encryption. `node bin/run-ts.mjs bench/demo.bench.ts [members]`
// (default 100,000; results in bench/results/demo.json, other sizes in demo-<members>.json).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { type AppContext, createContext } from '../src/context.ts';
import { generateDemoShop } from '../src/demo/index.ts';
import { report } from './lib/report.ts';

const MEMBERS = Number(process.argv[2] ?? process.env.BENCH_DEMO_MEMBERS ?? 100_000);
const SEED = 42;
const MONTHS = 12;
const MiB = 2 ** 20;

function encryptMicroseconds(ctx: AppContext): number {
  const runs = 20_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) ctx.crypto.pii.encrypt(`zhangwei${i}@example.com`, `members:m${i}:email`);
  return Number(process.hrtime.bigint() - started) / 1000 / runs;
}

function fileMiB(path: string): number {
  let bytes = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      bytes += statSync(`${path}${suffix}`).size;
    } catch {
      // The WAL and shared-memory files exist only while the database is open.
    }
  }
  return bytes / MiB;
}

const dir = mkdtempSync(join(tmpdir(), 'membrain-demo-bench-'));
const dbPath = join(dir, 'demo.db');
const config = loadConfig({
  env: {},
  overrides: {
    databaseUrl: `sqlite:${dbPath}`,
    dataDir: dir,
    masterKey: randomBytes(32).toString('hex'),
    logLevel: 'error',
    demo: { enabled: false },
  },
});
const ctx = await createContext(config);
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 250);
try {
  const encryptUs = encryptMicroseconds(ctx);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let nextReport = 0.1;
  const result = await generateDemoShop(ctx, {
    members: MEMBERS,
    seed: SEED,
    months: MONTHS,
    onProgress: (p) => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (p.membersDone / p.membersTotal < nextReport) return;
      nextReport += 0.1;
      const seconds = (performance.now() - started) / 1000;
      console.error(
        `${p.membersDone} members, ${p.eventsWritten} events, ${seconds.toFixed(0)} s, ` +
          `${(p.membersDone / seconds).toFixed(0)} members/s, rss ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB`,
      );
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const maxRssMiB = Math.max(peakRss / MiB, process.resourceUsage().maxRSS / 1024);
  report(
    MEMBERS === 100_000 ? 'demo' : `demo-${MEMBERS}`,
    [
      {
        members: result.members,
        items: result.items,
        events: result.events,
        eventsPerMember: Number((result.events / result.members).toFixed(1)),
        seconds: Number(seconds.toFixed(1)),
        membersPerSec: Math.round(result.members / seconds),
        eventsPerSec: Math.round(result.events / seconds),
        peakRssMiB: Math.round(maxRssMiB),
        dbFileMiB: Math.round(fileMiB(dbPath)),
      },
    ],
    {
      database: 'sqlite (file, WAL)',
      seed: SEED,
      months: MONTHS,
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
      encryptMicrosecondsPerField: Number(encryptUs.toFixed(2)),
      eventsByType: result.eventsByType,
      abuseLabels: result.abuseLabels,
    },
  );
} finally {
  clearInterval(sampler);
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
}
