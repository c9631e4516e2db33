// Segment counts at scale, on the million-shop (bench/lib/million-shop.ts: 1,000,000 members,
// ~6 events each over two years, SQLite). Its own copy of the shop file, because this bench fills
// member_profiles (the profiles.rebuild job), member_scores (pseudo-random by SQL, a stand-in for
// the value job) and member_tiers (from revenue, by SQL).
// Counts, each the median of 3, through countSegmentDefinition (validate, inline references,
// compile, one count query): profile thresholds; "bought in category 数码 at least twice in the
// last 90 days"; a nested any/not over scores, tiers and the favourite category; a segment that
// refers to a saved one. References in the same run: `select count(*) from members`, and the
// thresholds and the category condition written by hand in SQL (the counts must agree). Also the in-memory
// evaluation of every saved segment for 200 members (GET /v1/members/{id}/segments).
// BENCH_MEMBERS (default 1,000,000); BENCH_SHOP the database file (default
// data/bench/segments-shop-<members>.db, built on the first run and reused after);
// BENCH_PROFILES_FROM a shop file of the same stamp whose member_profiles to copy instead of
// running the profiles.rebuild job.
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { type AppContext, createContext } from '../src/context.ts';
import { createJob, runJob } from '../src/modules/jobs/index.ts';
import { countSegmentDefinition, createSegment, listMemberSegments } from '../src/modules/segments/index.ts';
import { ensureDefaultTiers } from '../src/modules/tiers/index.ts';
import { ensureMillionShop, memberIdOf } from './lib/million-shop.ts';
import { median, report } from './lib/report.ts';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const SHOP =
  process.env.BENCH_SHOP ?? join(import.meta.dirname, '..', 'data', 'bench', `segments-shop-${MEMBERS}.db`);
const RUNS = 3;
const DAY = 86_400_000;
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function openShop(now: number): Promise<AppContext> {
  const config = loadConfig({
    env: {},
    overrides: {
      databaseUrl: `sqlite:${SHOP}`,
      masterKey: '5a'.repeat(32),
      logLevel: 'warn',
      demo: { enabled: false },
    },
  });
  return createContext(config, { clock: { now: () => now } });
}

/**
 * member_profiles by the real `profiles.rebuild` job (or, with BENCH_PROFILES_FROM=<shop file of
 * the same generator stamp>, copied from a shop where that job already ran), then member_scores
 * (pseudo-random, a stand-in for the value job) and member_tiers (from revenue) by direct SQL.
 * Each step only when its table is empty.
 */
async function fillIntelligence(ctx: AppContext, sqlite: BetterSqlite3.Database, now: number): Promise<void> {
  const empty = (table: string) =>
    (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n === 0;
  const started = performance.now();
  const from = process.env.BENCH_PROFILES_FROM;
  if (empty('member_profiles') && from) {
    sqlite.prepare('attach database ? as other').run(from);
    sqlite.exec('insert into member_profiles select * from other.member_profiles; detach database other;');
    console.log(`profiles copied from ${from}`);
  } else if (empty('member_profiles')) {
    const job = await createJob(ctx, 'profiles.rebuild', {}, 'bench');
    const done = await runJob(ctx, job.id);
    if (done?.status !== 'succeeded')
      throw new Error(`profiles.rebuild ended ${done?.status}: ${done?.error}`);
    console.log(`profiles rebuilt by the job in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  if (empty('member_scores'))
    sqlite.exec(`insert into member_scores (member_id, model_id, scored_at, currency, frequency, recency_days, age_days,
        p_alive, expected_purchases, expected_spend, clv, churn_risk, churn_reasons, tier_move)
      select id, 'mdl_bench', ${now}, 'CNY', 0, 0, 0, ((rowid * 7919) % 1000) / 1000.0, 0,
        (rowid * 104729) % 50000, (rowid * 15485863) % 200000, ((rowid * 3571) % 1000) / 1000.0, '[]', (rowid % 3) - 1
      from members where rowid % 5 <> 0`);
  if (empty('member_tiers'))
    sqlite.exec(`insert into member_tiers (member_id, tier_id, since, metric_value, evaluated_at, version)
      select member_id, case when revenue >= 2000000 then 'platinum' when revenue >= 500000 then 'gold'
        when revenue >= 100000 then 'silver' else 'member' end, ${now}, revenue, ${now}, 1
      from member_profiles where revenue >= 100000`);
  sqlite.exec('analyze');
  console.log(`intelligence tables ready after ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function timed<T>(run: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const runs: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    value = await run();
    runs.push(performance.now() - started);
  }
  return { value: value as T, ms: median(runs) };
}

/** The category condition by hand: one grouped scan of the window's paid orders. */
function handWrittenCategory(sqlite: BetterSqlite3.Database, now: number): number {
  const row = sqlite
    .prepare(
      `select count(*) as n from (select e.member_id from events e join items i on i.id = e.item_id
        join members m on m.id = e.member_id and m.deleted_at is null
        where e.type = 'order_paid' and e.occurred_at >= ? and e.occurred_at <= ? and i.category = '数码'
        group by e.member_id having count(*) >= 2)`,
    )
    .get(now - 90 * DAY, now) as { n: number };
  return row.n;
}

const THRESHOLDS = {
  all: [
    { field: 'profile.orders', op: 'gte', value: 3 },
    { field: 'profile.recencyDays', op: 'lte', value: 90 },
    { field: 'profile.averageOrderValue', op: 'gte', value: 10_000 },
  ],
};

/** The saved segment the last definition refers to (created on the first run). */
async function savedThresholds(ctx: AppContext): Promise<{ id: string }> {
  const found = await ctx.db
    .selectFrom('segments')
    .select('id')
    .where('name', '=', 'bench thresholds')
    .executeTakeFirst();
  return (
    found ??
    createSegment(
      ctx,
      { actorType: 'system', actorId: 'bench' },
      { name: 'bench thresholds', definition: THRESHOLDS },
    )
  );
}

/** The profile thresholds by hand: members joined to profiles, the same three tests. */
function handWrittenThresholds(sqlite: BetterSqlite3.Database, now: number): number {
  const row = sqlite
    .prepare(
      `select count(*) as n from members m join member_profiles p on p.member_id = m.id
        where m.deleted_at is null and p.orders >= 3 and (? - p.last_order_at) / 86400000 <= 90
        and p.revenue / p.orders >= 10000`,
    )
    .get(BigInt(now)) as { n: number };
  return row.n;
}

function definitions(base: { id: string }) {
  return {
    'profile thresholds (orders ≥ 3, recency ≤ 90 d, AOV ≥ 100 CNY)': THRESHOLDS,
    'bought in category 数码 ≥ 2 times in the last 90 days': {
      event: { type: 'order_paid', category: '数码', withinDays: 90 },
      count: { op: 'gte', value: 2 },
    },
    'nested any/not (churning gold, or no favourite category and not in 上海)': {
      any: [
        {
          all: [
            { field: 'value.churnRisk', op: 'gte', value: 0.7 },
            { field: 'tier', op: 'in', value: ['gold', 'platinum'] },
          ],
        },
        {
          not: {
            any: [
              { field: 'profile.topCategory', op: 'exists' },
              { field: 'member.region', op: 'eq', value: '上海' },
            ],
          },
        },
      ],
    },
    'refers to a saved segment (thresholds) and region 北京': {
      all: [{ segment: base.id }, { field: 'member.region', op: 'eq', value: '北京' }],
    },
  };
}

async function main(): Promise<void> {
  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
  mkdirSync(dirname(SHOP), { recursive: true });
  const shop = await ensureMillionShop({ path: SHOP, members: MEMBERS });
  console.log(
    `shop ${shop.reused ? 'reused' : `built in ${shop.buildSeconds} s`}: ${shop.members.toLocaleString('en')} members, ${shop.events.toLocaleString('en')} events (${SHOP})`,
  );
  const ctx = await openShop(shop.now);
  const sqlite = ctx.database.sqlite as BetterSqlite3.Database;
  await ensureDefaultTiers(ctx);
  await fillIntelligence(ctx, sqlite, shop.now);
  const rssBefore = peakRssMiB();
  const rows: Record<string, string | number>[] = [];
  const all = await timed(
    () => (sqlite.prepare('select count(*) as n from members').get() as { n: number }).n,
  );
  rows.push({
    count: 'select count(*) from members (reference)',
    members: all.value,
    ms: Math.round(all.ms),
  });
  const byHand = await timed(() => handWrittenThresholds(sqlite, shop.now));
  rows.push({
    count: 'profile thresholds by hand in SQL (reference)',
    members: byHand.value,
    ms: Math.round(byHand.ms),
  });
  const hand = await timed(() => handWrittenCategory(sqlite, shop.now));
  rows.push({
    count: 'category condition by hand in SQL (reference)',
    members: hand.value,
    ms: Math.round(hand.ms),
  });

  const saved = await savedThresholds(ctx);
  for (const [name, definition] of Object.entries(definitions(saved))) {
    const result = await timed(() => countSegmentDefinition(ctx, definition));
    rows.push({ count: name, members: result.value, ms: Math.round(result.ms) });
    console.log(`${name}: ${result.value} members, ${Math.round(result.ms)} ms`);
  }
  const check =
    rows[1]?.members === rows[3]?.members && rows[2]?.members === rows[4]?.members ? 'agree' : 'DIFFER';
  console.log(`segments and hand-written SQL ${check}`);

  const ids = Array.from({ length: 200 }, (_, i) => memberIdOf(Math.floor((i * MEMBERS) / 200)));
  const started = performance.now();
  for (const id of ids) await listMemberSegments(ctx, id);
  const perMember = (performance.now() - started) / ids.length;
  rows.push({
    count: 'in memory: every saved segment for one member (mean of 200)',
    members: 1,
    ms: Number(perMember.toFixed(2)),
  });
  await ctx.close();

  report(`segments-sqlite-${MEMBERS}`, rows, {
    members: MEMBERS,
    events: shop.events,
    peakRssMiB: peakRssMiB(),
    peakRssBeforeCountsMiB: rssBefore,
    rssNowMiB: mib(process.memoryUsage().rss),
    agreesWithHandWrittenSql: check === 'agree',
    loadBefore,
  });
}

await main();
