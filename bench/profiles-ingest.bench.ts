// What the incremental profile update costs on ingest, in one process under one load: for each
// batch of the ingest bench's mix (1,000 events for 1,000 members), the time of ingestEvents()
// (which includes the profile update) and, for a twin batch, of updateProfilesForEvents() alone
// in its own transaction. The share is the second over the first. SQLite file, median of rounds.
import { eventToRow, ingestEvents, type NormalisedEvent } from '../src/modules/events/index.ts';
import { updateProfilesForEvents } from '../src/modules/profiles/index.ts';
import { MEMBERS, makeBatch } from './lib/event-batches.ts';
import { median, report } from './lib/report.ts';
import { startBenchServer } from './lib/server.ts';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const server = await startBenchServer();
const ctx = server.ctx;
await ctx.db.transaction().execute(async (trx) => {
  for (let i = 0; i < MEMBERS; i += 500) {
    const rows = Array.from({ length: 500 }, (_, j) => ({
      id: `m-${i + j}`,
      attributes: '{}',
      consents: '{}',
      status: 'active',
      registeredAt: 0,
      createdAt: 0,
      updatedAt: 0,
      version: 1,
    }));
    await trx.insertInto('members').values(rows).execute();
  }
});

const shares: number[] = [];
const ingestRates: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  let ingest = 0;
  let profiles = 0;
  for (let b = 0; b < BATCHES; b++) {
    let started = performance.now();
    await ingestEvents(ctx, makeBatch(`i${round}`, b));
    ingest += performance.now() - started;
    const twin = makeBatch(`p${round}`, b).map((e) =>
      eventToRow({ ...(e as unknown as NormalisedEvent), occurredAt: Date.parse(e.occurredAt) }, 0, 'bench'),
    );
    started = performance.now();
    await ctx.db.transaction().execute((trx) => updateProfilesForEvents(ctx, trx, twin));
    profiles += performance.now() - started;
  }
  shares.push(profiles / ingest);
  ingestRates.push((BATCHES * 1000) / (ingest / 1000));
  console.log(
    `round ${round + 1}: ingest ${ingest.toFixed(0)} ms, profile update alone ${profiles.toFixed(0)} ms`,
  );
}
report(
  'profiles-ingest',
  [
    {
      what: 'ingestEvents() with the profile update',
      eventsPerSec: Math.round(median(ingestRates)),
      profileShare: Number(median(shares).toFixed(3)),
    },
  ],
  { batches: BATCHES, batchSize: 1000, rounds: ROUNDS, shares: shares.map((s) => Number(s.toFixed(3))) },
);
await server.stop();
