// Tier recalculation: the `tiers.recalculate` job (createJob + runJob, as the worker and the CLI
// run it) over 1,000,000 bare members with ~3,100,000 synthetic order_paid / order_refunded
// events spread over 18 months. Reference, in the same run over the same events: one grouped SQL
// aggregate of the same metric (spend over the last 12 months), each member's sum mapped to a
// tier as the rows stream out. The job runs twice: first over members without a tier row (every
// qualifying member moves up: rows and history written), then as the next day's scheduled run
// (every tiered member re-read, validity recomputed, nearly nothing moves). The first run's tiers
// must equal the aggregate's. SQLite by default; BENCH_BACKEND=postgres uses DATABASE_URL
// (a fresh schema, dropped afterwards).
// BENCH_MEMBERS (default 1,000,000) sets the size, three orders per member on average;
// BENCH_KEEP=1 keeps the database for a closer look (EXPLAIN, profiling).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { type AppContext, createContext } from '../src/context.ts';
import { createJob, type JobDto, runJob } from '../src/modules/jobs/index.ts';
import { DEFAULT_TIERS, TIERS_RECALCULATE } from '../src/modules/tiers/index.ts';
import { shiftYears } from '../src/modules/tiers/tiers.metric.ts';
import { median, report } from './lib/report.ts';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const ORDERS = Math.round(MEMBERS * 3);
const BACKEND = process.env.BENCH_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
const REFUND_SHARE = 0.04;
const SPAN_DAYS = 548; // 18 months
const DAY_MS = 86_400_000;
const REFERENCE_RUNS = 3;
const KEEP = process.env.BENCH_KEEP === '1';

/** Seeded xorshift so every run builds the same data. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const memberId = (i: number) => `m-${String(i).padStart(7, '0')}`;

/** The default ladder's tier for a spend (a negative sum counts as zero, as the job does). */
function tierOf(spend: number): string {
  let tier = DEFAULT_TIERS[0]?.id as string;
  for (const t of DEFAULT_TIERS) if (Math.max(0, spend) >= t.entryThreshold) tier = t.id;
  return tier;
}

interface EventRow {
  id: string;
  type: string;
  member: string;
  order: string;
  at: number;
  amount: number;
}

/** Raw writes and the reference query, per database. */
interface Store {
  insertMembers(rows: { id: string; at: number }[]): Promise<void>;
  insertEvents(rows: EventRow[]): Promise<void>;
  /** After the build: checkpoint and statistics, as a maintained database has. */
  finish(): Promise<void>;
  /** The reference: one grouped aggregate, each member's sum mapped to a tier as rows arrive. */
  aggregate(from: number): Promise<{ members: number; tiers: Map<string, number> }>;
  sizeMiB(): Promise<number>;
  dispose(): Promise<void>;
}

const AGGREGATE_SQL = `select member_id, sum(case when type = 'order_paid' then amount else -amount end) as spend
  from events
  where type in ('order_paid', 'order_refunded') and amount is not null and currency = 'CNY' and occurred_at >= $from
  group by member_id`;

function countTiers(rows: Iterable<unknown[]>): { members: number; tiers: Map<string, number> } {
  const tiers = new Map<string, number>();
  let members = 0;
  for (const row of rows) {
    const tier = tierOf(Number(row[1]));
    tiers.set(tier, (tiers.get(tier) ?? 0) + 1);
    members += 1;
  }
  return { members, tiers };
}

function sqliteStore(ctx: AppContext, dir: string): Store {
  const sqlite = ctx.database.sqlite as BetterSqlite3.Database;
  const member = sqlite.prepare(
    `insert into members (id, attributes, consents, status, registered_at, created_at, updated_at, deleted_at, version)
     values (?, '{}', '{}', 'active', ?, ?, ?, null, 1)`,
  );
  const event = sqlite.prepare(
    `insert into events (id, type, member_id, order_id, occurred_at, received_at, quantity, amount, currency, content_hash)
     values (?, ?, ?, ?, ?, ?, 1, ?, 'CNY', 'bench')`,
  );
  const aggregate = sqlite.prepare(AGGREGATE_SQL.replace('$from', '?')).raw(true);
  return {
    async insertMembers(rows) {
      sqlite.transaction(() => {
        for (const r of rows) member.run(r.id, r.at, r.at, r.at);
      })();
    },
    async insertEvents(rows) {
      sqlite.transaction(() => {
        for (const r of rows) event.run(r.id, r.type, r.member, r.order, r.at, r.at, r.amount);
      })();
    },
    async finish() {
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      sqlite.exec('analyze');
    },
    async aggregate(from) {
      return countTiers(aggregate.iterate(from) as Iterable<unknown[]>);
    },
    async sizeMiB() {
      return mib(statSync(join(dir, 'bench.db')).size);
    },
    async dispose() {},
  };
}

async function postgresStore(url: string, schema: string): Promise<Store> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path="${schema}"` });
  await client.connect();
  return {
    async insertMembers(rows) {
      for (let i = 0; i < rows.length; i += 20_000) {
        const part = rows.slice(i, i + 20_000);
        await client.query(
          `insert into members (id, attributes, consents, status, registered_at, created_at, updated_at, version)
           select id, '{}', '{}', 'active', at, at, at, 1 from unnest($1::text[], $2::bigint[]) as t(id, at)`,
          [part.map((r) => r.id), part.map((r) => r.at)],
        );
      }
    },
    async insertEvents(rows) {
      await client.query(
        `insert into events (id, type, member_id, order_id, occurred_at, received_at, quantity, amount, currency, content_hash)
         select id, type, member_id, order_id, at, at, 1, amount, 'CNY', 'bench'
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
           as t(id, type, member_id, order_id, at, amount)`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.type),
          rows.map((r) => r.member),
          rows.map((r) => r.order),
          rows.map((r) => r.at),
          rows.map((r) => r.amount),
        ],
      );
    },
    async finish() {
      await client.query('vacuum analyze');
    },
    async aggregate(from) {
      const result = await client.query({
        text: AGGREGATE_SQL.replace('$from', '$1'),
        values: [from],
        rowMode: 'array',
      });
      return countTiers(result.rows as unknown[][]);
    },
    async sizeMiB() {
      const { rows } = await client.query(
        `select sum(pg_total_relation_size(c.oid))::bigint as bytes from pg_class c
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'r'`,
        [schema],
      );
      return mib(Number(rows[0]?.bytes ?? 0));
    },
    async dispose() {
      if (!KEEP) await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}

/**
 * Orders and refunds in time order, as ingestion would have stored them (a member's events are
 * scattered over the table). Orders per day grow over the span; who orders is skewed (a few
 * members order often) and spread over the ids; amounts are log-normal around 150 CNY. 4% of
 * orders are refunded 1–30 days later, 70% of them in full.
 */
async function insertEvents(store: Store, now: number, random: () => number): Promise<number> {
  const start = now - SPAN_DAYS * DAY_MS;
  const weightSum = (SPAN_DAYS * (SPAN_DAYS + 1)) / 2;
  const refunds: Omit<EventRow, 'id' | 'type'>[][] = Array.from({ length: SPAN_DAYS }, () => []);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let n = 0;
  let orderNo = 0;
  for (let day = 0; day < SPAN_DAYS; day++) {
    const orders = Math.round((ORDERS * (day + 1)) / weightSum);
    const rows: Omit<EventRow, 'id'>[] = [];
    for (let k = 0; k < orders; k++) {
      const at = start + day * DAY_MS + Math.floor(random() * DAY_MS);
      // Skewed over members, then spread over the id space by a bijection (7919 is prime).
      const index = Math.floor(MEMBERS * random() ** 1.8);
      const member = memberId((index * 7919 + 13) % MEMBERS);
      const amount = Math.min(
        5_000_000,
        Math.max(100, Math.round(Math.exp(Math.log(15_000) + 0.8 * normal()))),
      );
      const order = `o-${orderNo++}`;
      rows.push({ at, type: 'order_paid', member, order, amount });
      if (random() < REFUND_SHARE) {
        const refundAt = at + Math.floor((1 + random() * 29) * DAY_MS);
        const refund = random() < 0.7 ? amount : Math.round(amount * (0.3 + 0.6 * random()));
        const refundDay = Math.floor((refundAt - start) / DAY_MS);
        if (refundAt < now && refundDay < SPAN_DAYS)
          refunds[refundDay]?.push({ at: refundAt, member, order, amount: refund });
      }
    }
    for (const refund of refunds[day] ?? []) rows.push({ ...refund, type: 'order_refunded' });
    refunds[day] = [];
    rows.sort((a, b) => a.at - b.at);
    await store.insertEvents(rows.map((row) => ({ ...row, id: `e-${String(n++).padStart(9, '0')}` })));
  }
  return n;
}

const dir = mkdtempSync(join(tmpdir(), 'membrain-tiers-'));
const pgUrl = process.env.DATABASE_URL;
if (BACKEND === 'postgres' && !pgUrl?.startsWith('postgres'))
  throw new Error('BENCH_BACKEND=postgres needs DATABASE_URL');
const schema = BACKEND === 'postgres' ? `bench_tiers_${process.pid}` : undefined;
const config = loadConfig({
  env: {},
  overrides: {
    databaseUrl: BACKEND === 'postgres' ? (pgUrl as string) : `sqlite:${join(dir, 'bench.db')}`,
    databaseSchema: schema,
    dataDir: dir,
    masterKey: '5a'.repeat(32),
    logLevel: 'warn',
    demo: { enabled: false },
  },
});
const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
const ctx = await createContext(config);
const store = schema ? await postgresStore(pgUrl as string, schema) : sqliteStore(ctx, dir);
const now = ctx.clock.now();
const random = rng(20261130);

let started = performance.now();
const memberRows = Array.from({ length: MEMBERS }, (_, i) => ({
  id: memberId(i),
  at: now - SPAN_DAYS * DAY_MS + Math.floor(random() * DAY_MS * 30),
}));
await store.insertMembers(memberRows);
memberRows.length = 0;
const events = await insertEvents(store, now, random);
await store.finish();
const buildSeconds = (performance.now() - started) / 1000;
const dbMiB = await store.sizeMiB();
console.log(
  `[${BACKEND}] built ${MEMBERS.toLocaleString('en')} members and ${events.toLocaleString('en')} events in ${buildSeconds.toFixed(1)} s (${dbMiB} MiB)`,
);

const from = shiftYears(now, -1);
const referenceTimes: number[] = [];
let reference = { members: 0, tiers: new Map<string, number>() };
for (let i = 0; i < REFERENCE_RUNS; i++) {
  started = performance.now();
  reference = await store.aggregate(from);
  referenceTimes.push((performance.now() - started) / 1000);
}
const referenceSeconds = median(referenceTimes);
console.log(
  `reference aggregate: ${reference.members.toLocaleString('en')} members with orders in the window, ${referenceTimes.map((t) => t.toFixed(2)).join(' / ')} s`,
);

/** Runs the job to its end, sampling RSS after every step (the steps never yield to timers). */
async function timeJob(
  label: string,
  asOf: number,
): Promise<{ job: JobDto; seconds: number; peakRssMiB: number }> {
  const job = await createJob(ctx, TIERS_RECALCULATE, { asOf: new Date(asOf).toISOString() }, 'bench');
  let peak = process.memoryUsage().rss;
  let nextLog = 0.25;
  started = performance.now();
  const done = await runJob(ctx, job.id, {
    onProgress: (progress) => {
      peak = Math.max(peak, process.memoryUsage().rss);
      const fraction = progress.progress.fraction ?? 0;
      if (fraction >= nextLog) {
        console.log(
          `  ${label}: ${Math.round(fraction * 100)}% after ${((performance.now() - started) / 1000).toFixed(1)} s, RSS ${mib(peak)} MiB`,
        );
        nextLog += 0.25;
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  if (done?.status !== 'succeeded') throw new Error(`${label} ended ${done?.status}: ${done?.error}`);
  console.log(`${label}: ${seconds.toFixed(1)} s`, done.result);
  return { job: done, seconds, peakRssMiB: mib(peak) };
}

const rssBeforeJobs = mib(process.memoryUsage().rss);
const first = await timeJob('first run', now);

// The first run's tiers must be the aggregate's, tier by tier.
const stored = new Map(
  (
    await ctx.db
      .selectFrom('memberTiers')
      .select((eb) => ['tierId', eb.fn.countAll<number>().as('n')])
      .groupBy('tierId')
      .execute()
  ).map((r) => [r.tierId, Number(r.n)]),
);
const tierCheck = DEFAULT_TIERS.slice(1).map((t) => ({
  tier: t.id,
  job: stored.get(t.id) ?? 0,
  aggregate: reference.tiers.get(t.id) ?? 0,
}));
const agree = tierCheck.every((t) => t.job === t.aggregate);
console.log(agree ? 'tiers agree with the aggregate' : 'TIERS DIFFER FROM THE AGGREGATE', tierCheck);

const nextDay = await timeJob("next day's run", now + DAY_MS);

const row = (what: string, seconds: number, peakRssMiB: number | string) => ({
  backend: BACKEND,
  what,
  seconds: Number(seconds.toFixed(2)),
  membersPerSec: Math.round(MEMBERS / seconds),
  peakRssMiB,
  ratioToAggregate: Number((seconds / referenceSeconds).toFixed(1)),
});
report(
  `tiers-${BACKEND}-${MEMBERS}`,
  [
    row('one grouped SQL aggregate (reference)', referenceSeconds, '-'),
    row('tiers.recalculate, first run (moves written)', first.seconds, first.peakRssMiB),
    row("tiers.recalculate, next day's run", nextDay.seconds, nextDay.peakRssMiB),
  ],
  {
    members: MEMBERS,
    events,
    membersWithOrdersInWindow: reference.members,
    spanDays: SPAN_DAYS,
    buildSeconds: Number(buildSeconds.toFixed(1)),
    databaseMiB: dbMiB,
    referenceRunsSeconds: referenceTimes.map((t) => Number(t.toFixed(3))),
    rssBeforeJobsMiB: rssBeforeJobs,
    processPeakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    firstRun: first.job.result,
    nextDayRun: nextDay.job.result,
    tierCheck,
    tiersAgree: agree,
    database: `${BACKEND}, bare member rows, order events only`,
    // Other work on the machine moves absolute figures; the ratios are what to compare.
    loadAverage: { before: loadBefore, after: loadavg().map((l) => Number(l.toFixed(2))) },
  },
);
await store.dispose();
await ctx.close();
if (KEEP) console.log(`kept ${schema ? `schema ${schema}` : join(dir, 'bench.db')}`);
else rmSync(dir, { recursive: true, force: true });
if (!agree) process.exitCode = 1;
