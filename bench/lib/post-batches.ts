// Client side of the ingest benchmark: builds the batches first, then posts them one after
// another and prints `{ "eventsPerSec": … }` as its last line.
import { BATCH, makeBatch } from './event-batches.ts';

const [url, key, tag, batches] = process.argv.slice(2) as [string, string, string, string];
const count = Number(batches);
const bodies = Array.from({ length: count }, (_, b) => JSON.stringify({ events: makeBatch(tag, b) }));
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const started = performance.now();
for (const body of bodies) {
  const res = await fetch(`${url}/v1/events`, { method: 'POST', headers, body });
  if (!res.ok) throw new Error(`POST /v1/events: ${res.status} ${await res.text()}`);
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ eventsPerSec: (count * BATCH) / seconds }));
