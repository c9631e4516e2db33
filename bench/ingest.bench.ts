// Event ingest: events/s through POST /v1/events (batches of 1,000, one client) and through the
// service call ingestEvents(), each as a ratio to raw better-sqlite3 prepared inserts of the same
// rows in one transaction, all in the same run on SQLite files. Aim: HTTP ratio >= 0.25.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { ingestEvents } from '../src/modules/events/index.ts';
import { ensureDefaultProgramme } from '../src/modules/loyalty/index.ts';
import { ensureDefaultTiers } from '../src/modules/tiers/index.ts';
import { BATCH, type BenchEvent, MEMBERS, makeBatch } from './lib/event-batches.ts';
import { median, report } from './lib/report.ts';
import { BENCH_API_KEY, startBenchServer } from './lib/server.ts';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/**
 * The reference: the same rows as plain prepared INSERTs, in one transaction (as specified) or,
 * to show what per-request commits cost on their own, one transaction per batch.
 */
function rawInsert(path: string, batches: BenchEvent[][], transactionPerBatch = false): number {
  const db = new SQLite(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(
    `insert into events (id, type, member_id, item_id, order_id, occurred_at, received_at, quantity, amount, currency,
       ip, device_id, channel, content_hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertBatch = (batch: BenchEvent[]) => {
    for (const e of batch) {
      const context = e.context as { ip: string; deviceId: string; channel: string };
      const amount = e.amount as { amount: number; currency: string } | undefined;
      insert.run(
        e.id,
        e.type,
        e.memberId,
        e.itemId,
        e.orderId ?? null,
        Date.parse(e.occurredAt),
        Date.now(),
        e.quantity ?? null,
        amount?.amount ?? null,
        amount?.currency ?? null,
        context.ip,
        context.deviceId,
        context.channel,
        createHash('sha256').update(JSON.stringify(e)).digest('hex'),
      );
    }
  };
  const started = performance.now();
  if (transactionPerBatch) for (const batch of batches) db.transaction(insertBatch)(batch);
  else db.transaction(() => batches.forEach(insertBatch))();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return (batches.length * BATCH) / seconds;
}

/** The HTTP client runs in its own process (the other core), as a store's backend would. */
function postFromClientProcess(url: string, tag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        join(import.meta.dirname, '..', 'bin', 'run-ts.mjs'),
        join(import.meta.dirname, 'lib', 'post-batches.ts'),
        url,
        BENCH_API_KEY,
        tag,
        String(BATCHES),
      ],
      (error, stdout) =>
        error ? reject(error) : resolve(JSON.parse(stdout.trim().split('\n').pop() as string).eventsPerSec),
    );
  });
}

const server = await startBenchServer();
// Every phase starts from an empty events table and an empty write-ahead log: inserts get
// slower as the indexes grow, and no phase should pay for another's rows or pages.
const resetEvents = () => {
  server.ctx.database.sqlite?.exec('delete from events');
  server.ctx.database.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
};
const auth = { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' };
for (let i = 0; i < MEMBERS; i += 500) {
  const chunk = Array.from({ length: 500 }, (_, j) => ({ id: `m-${i + j}`, region: '上海' }));
  await Promise.all(
    chunk.map((m) =>
      fetch(`${server.url}/v1/members`, { method: 'POST', headers: auth, body: JSON.stringify(m) }),
    ),
  );
}

const raw: number[] = [];
const rawPerBatch: number[] = [];
const service: number[] = [];
const http: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  resetEvents();
  const rawBatches = Array.from({ length: BATCHES }, (_, b) => makeBatch(`raw${round}`, b));
  raw.push(rawInsert(join(server.dir, 'bench.db'), rawBatches));
  resetEvents();
  const perBatch = Array.from({ length: BATCHES }, (_, b) => makeBatch(`rawb${round}`, b));
  rawPerBatch.push(rawInsert(join(server.dir, 'bench.db'), perBatch, true));

  resetEvents();
  const serviceBatches = Array.from({ length: BATCHES }, (_, b) => makeBatch(`svc${round}`, b));
  const started = performance.now();
  for (const batch of serviceBatches) await ingestEvents(server.ctx, batch);
  service.push((BATCHES * BATCH) / ((performance.now() - started) / 1000));

  resetEvents();
  http.push(await postFromClientProcess(server.url, `http${round}`));
}

// The same HTTP load with the default loyalty programme installed (what `npm start` runs): one
// event in six is an order, which earns pending points and may upgrade a tier in the ingest
// transaction.
await ensureDefaultProgramme(server.ctx);
await ensureDefaultTiers(server.ctx);
const httpLoyalty: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  resetEvents();
  for (const table of [
    'points_ledger',
    'points_lots',
    'points_accounts',
    'points_orders',
    'member_tiers',
    'tier_history',
  ])
    server.ctx.database.sqlite?.exec(`delete from ${table}`);
  httpLoyalty.push(await postFromClientProcess(server.url, `loyalty${round}`));
}

const rawRate = median(raw);
report(
  'ingest',
  [
    { path: 'raw better-sqlite3 inserts (reference)', eventsPerSec: Math.round(rawRate), ratio: 1 },
    {
      path: 'raw inserts, one transaction per 1,000',
      eventsPerSec: Math.round(median(rawPerBatch)),
      ratio: Number((median(rawPerBatch) / rawRate).toFixed(3)),
    },
    {
      path: 'ingestEvents() service call',
      eventsPerSec: Math.round(median(service)),
      ratio: Number((median(service) / rawRate).toFixed(3)),
    },
    {
      path: 'POST /v1/events, 1,000 per batch, 2 in flight',
      eventsPerSec: Math.round(median(http)),
      ratio: Number((median(http) / rawRate).toFixed(3)),
    },
    {
      path: 'the same with the default loyalty programme',
      eventsPerSec: Math.round(median(httpLoyalty)),
      ratio: Number((median(httpLoyalty) / rawRate).toFixed(3)),
    },
  ],
  {
    batches: BATCHES,
    batchSize: BATCH,
    rounds: ROUNDS,
    database: 'SQLite file (WAL)',
    eachPhaseStartsEmpty: true,
  },
);
await server.stop();
