// Client side of the ingest benchmark: builds the batches first, then posts them with two
// requests in flight (so the server never waits on the client's round trip) and prints
// `{ "eventsPerSec": … }` as its last line.
import { BATCH, makeBatch } from './event-batches.ts';

const IN_FLIGHT = 2;
const [url, key, tag, batches] = process.argv.slice(2) as [string, string, string, string];
const count = Number(batches);
const bodies = Array.from({ length: count }, (_, b) => JSON.stringify({ events: makeBatch(tag, b) }));
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

let next = 0;
async function worker(): Promise<void> {
  while (next < bodies.length) {
    const body = bodies[next++] as string;
    const res = await fetch(`${url}/v1/events`, { method: 'POST', headers, body });
    if (!res.ok) throw new Error(`POST /v1/events: ${res.status} ${await res.text()}`);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ eventsPerSec: (count * BATCH) / seconds }));
