// Operator overview: GET /v1/stats/overview through app.inject on a SQLite file holding
// 1,000,000 members (bare rows, registered over 18 months), member_activity for ~40% of them
// and 18 months of daily aggregates. Ranges of 7, 30, 90 and 365 days, median and p95 of 20
// calls each after a warm-up. Reference: a bare `select count(*) from members` in the same run.
// Aim: every call < 300 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/context.ts';
import { addDays, DAY_MS, daysFrom, utcDay } from '../src/modules/stats/stats.days.ts';
import { bearer, operatorToken } from '../src/testing/credentials.ts';
import { median, report } from './lib/report.ts';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const CALLS = 20;
const WARMUP = 3;
const RANGES = [7, 30, 90, 365];
const SPAN_DAYS = 548; // 18 months
const CATEGORIES = Array.from({ length: 24 }, (_, i) => `category-${String(i + 1).padStart(2, '0')}`);
// Events per member and day by type, roughly the demo shop's mix.
const EVENT_MIX: Record<string, number> = {
  view: 0.06,
  search: 0.006,
  cart_add: 0.008,
  cart_remove: 0.0015,
  favorite: 0.0025,
  order_paid: 0.005,
  order_refunded: 0.0002,
  review: 0.001,
  login: 0.006,
  signup: 0.0018,
  coupon_use: 0.0007,
  share: 0.0008,
};

/** Seeded xorshift so every run builds the same database. */
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

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

/** Bare member rows (no personal data) and the matching daily_new_members; ~1% deleted. */
function insertMembers(sqlite: BetterSqlite3.Database, now: number, random: () => number): void {
  const insert = sqlite.prepare(
    `insert into members (id, attributes, consents, status, registered_at, created_at, updated_at, deleted_at, version)
     values (?, '{}', '{}', ?, ?, ?, ?, ?, 1)`,
  );
  const perDay = new Map<string, number>();
  sqlite.transaction(() => {
    for (let i = 0; i < MEMBERS; i++) {
      // Growth: later days register more members than earlier ones.
      const at = now - Math.floor((1 - Math.sqrt(random())) * SPAN_DAYS * DAY_MS);
      const deleted = random() < 0.01;
      insert.run(`m-${i}`, deleted ? 'deleted' : 'active', at, at, at, deleted ? at + DAY_MS : null);
      const day = utcDay(at);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const daily = sqlite.prepare('insert into daily_new_members (day, members) values (?, ?)');
    for (const [day, n] of perDay) daily.run(day, n);
  })();
}

/** Last active day for ~40% of members, most of them recent. */
function insertActivity(sqlite: BetterSqlite3.Database, today: string, random: () => number): void {
  const insert = sqlite.prepare('insert into member_activity (member_id, last_active_day) values (?, ?)');
  sqlite.transaction(() => {
    for (let i = 0; i < MEMBERS; i++) {
      if (random() >= 0.4) continue;
      const daysAgo = Math.min(SPAN_DAYS - 1, Math.floor(-Math.log(1 - random()) * 60));
      insert.run(`m-${i}`, addDays(today, -daysAgo));
    }
  })();
}

/** 18 months of daily event counts, orders (CNY and some USD) and category sales. */
function insertAggregates(sqlite: BetterSqlite3.Database, today: string, random: () => number): void {
  const events = sqlite.prepare('insert into daily_event_counts (day, type, events) values (?, ?, ?)');
  const orders = sqlite.prepare(
    'insert into daily_orders (day, currency, orders, gmv, refunds, refund_amount) values (?, ?, ?, ?, ?, ?)',
  );
  const sales = sqlite.prepare(
    'insert into daily_category_sales (day, category, currency, orders, revenue) values (?, ?, ?, ?, ?)',
  );
  sqlite.transaction(() => {
    for (const [index, day] of daysFrom(addDays(today, 1 - SPAN_DAYS), today).entries()) {
      const members = (MEMBERS * (index + 1)) / SPAN_DAYS;
      const swing = 0.8 + 0.4 * random();
      for (const [type, rate] of Object.entries(EVENT_MIX))
        events.run(day, type, Math.round(members * rate * swing));
      const paid = Math.round(members * EVENT_MIX.order_paid! * swing);
      const refunds = Math.round(paid * 0.04);
      orders.run(day, 'CNY', paid, paid * 18_900, refunds, refunds * 15_000);
      orders.run(day, 'USD', Math.round(paid / 50), Math.round(paid / 50) * 2_900, 0, 0);
      let left = paid;
      for (const category of CATEGORIES) {
        const n = Math.min(left, Math.round(paid * random() * 0.12));
        left -= n;
        if (n > 0) sales.run(day, category, 'CNY', n, n * Math.round(8_000 + random() * 30_000));
      }
    }
  })();
}

const dir = mkdtempSync(join(tmpdir(), 'membrain-overview-'));
const config = loadConfig({
  env: {},
  overrides: {
    databaseUrl: `sqlite:${join(dir, 'bench.db')}`,
    dataDir: dir,
    logLevel: 'warn',
    demo: { enabled: false },
  },
});
const ctx = await createContext(config);
const sqlite = ctx.database.sqlite as BetterSqlite3.Database;
const now = ctx.clock.now();
const today = utcDay(now);
const random = rng(20260101);

let started = performance.now();
insertMembers(sqlite, now, random);
insertActivity(sqlite, today, random);
insertAggregates(sqlite, today, random);
const buildSeconds = (performance.now() - started) / 1000;
const counts = sqlite
  .prepare(
    `select (select count(*) from member_activity) activity, (select count(*) from daily_event_counts) eventRows,
       (select count(*) from daily_category_sales) categoryRows`,
  )
  .get() as Record<string, number>;
console.log(`built ${MEMBERS.toLocaleString('en')} members in ${buildSeconds.toFixed(1)} s`, counts);

const app = await buildApp(ctx, { docs: false });
const headers = bearer((await operatorToken(ctx, 'operator')).token);

async function timeOverview(days: number): Promise<number> {
  const url = `/v1/stats/overview?from=${addDays(today, 1 - days)}&to=${today}`;
  started = performance.now();
  const res = await app.inject({ method: 'GET', url, headers });
  const ms = performance.now() - started;
  if (res.statusCode !== 200) throw new Error(`overview answered ${res.statusCode}: ${res.body}`);
  return ms;
}

const countStatement = sqlite.prepare('select count(*) n from members');
const reference: number[] = [];
for (let i = 0; i < WARMUP + CALLS; i++) {
  started = performance.now();
  countStatement.get();
  if (i >= WARMUP) reference.push(performance.now() - started);
}

const rows: Record<string, string | number>[] = [];
for (const days of RANGES) {
  for (let i = 0; i < WARMUP; i++) await timeOverview(days);
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) times.push(await timeOverview(days));
  rows.push({
    call: `GET /v1/stats/overview, ${days} days`,
    medianMs: Number(median(times).toFixed(1)),
    p95Ms: Number(percentile(times, 0.95).toFixed(1)),
    maxMs: Number(Math.max(...times).toFixed(1)),
  });
}
rows.push({
  call: 'select count(*) from members (reference)',
  medianMs: Number(median(reference).toFixed(1)),
  p95Ms: Number(percentile(reference, 0.95).toFixed(1)),
  maxMs: Number(Math.max(...reference).toFixed(1)),
});

report('overview', rows, {
  members: MEMBERS,
  memberActivityRows: counts.activity,
  dailyEventCountRows: counts.eventRows,
  dailyCategorySalesRows: counts.categoryRows,
  days: SPAN_DAYS,
  callsPerRange: CALLS,
  warmupCalls: WARMUP,
  buildSeconds: Number(buildSeconds.toFixed(1)),
  database: 'SQLite file (WAL), bare member rows',
  target: 'every call < 300 ms',
});
await app.close();
await ctx.close();
rmSync(dir, { recursive: true, force: true });
