// Bounds an abusive key's memory. When a key holds more than maxEntries entries, its oldest entries
// (all but the newest quarter) are merged into coarser and coarser time buckets until at most half
// the limit remain. Counts and sums stay exact in total; what becomes approximate is *when*: a merged
// entry carries the time of its latest observation, so near a window's lower edge it may count
// observations up to one bucket width older than the window (an overcount, never an undercount).
import {
  AMOUNT,
  COUNT,
  type EntryBuffer,
  NO_VALUE,
  START,
  STRIDE,
  TIME,
  VALUE,
} from './risk.velocity-entries.ts';

/** Bucket widths tried in turn: 1 s, 1 min, 1 h, 1 d. */
const BUCKET_WIDTHS_MS = [1_000, 60_000, 3_600_000, 86_400_000] as const;

/**
 * Merges the oldest entries of an over-full key. First pass: one entry per (bucket, value), so
 * distinct counts stay right up to the bucket edge. If the key has too many distinct values for
 * that, second pass: one entry per bucket, and the merged observations stop counting as distinct
 * values (distinct counts then undercount; `valueSeenBefore` is unaffected — the value table keeps it).
 */
export function mergeOldestEntries(entries: EntryBuffer, maxEntries: number): void {
  const keepRaw = Math.floor(maxEntries / 4);
  const target = Math.floor(maxEntries / 2);
  for (const keepValues of [true, false]) {
    for (const width of BUCKET_WIDTHS_MS) {
      if (entries.length <= target) return;
      mergeBuckets(entries, entries.length - keepRaw, width, keepValues);
    }
  }
}

/** Merges the first `count` entries by (time bucket, value); the rest shift down behind them. */
function mergeBuckets(entries: EntryBuffer, count: number, widthMs: number, keepValues: boolean): void {
  const b = entries.buffer;
  const base = entries.head * STRIDE;
  let read = 0;
  let write = 0;
  while (read < count) {
    const bucket = Math.floor((b[base + read * STRIDE + TIME] as number) / widthMs);
    const groups = new Map<number, number[]>();
    for (; read < count; read++) {
      const offset = base + read * STRIDE;
      const time = b[offset + TIME] as number;
      if (Math.floor(time / widthMs) !== bucket) break;
      const id = keepValues ? (b[offset + VALUE] as number) : NO_VALUE;
      const group = groups.get(id);
      if (group === undefined) {
        groups.set(id, [
          time,
          b[offset + START] as number,
          b[offset + COUNT] as number,
          b[offset + AMOUNT] as number,
          id,
        ]);
      } else {
        group[TIME] = Math.max(group[TIME] as number, time);
        group[START] = Math.min(group[START] as number, b[offset + START] as number);
        group[COUNT] = (group[COUNT] as number) + (b[offset + COUNT] as number);
        group[AMOUNT] = (group[AMOUNT] as number) + (b[offset + AMOUNT] as number);
      }
    }
    // Written entries never overtake read ones: a bucket yields at most as many groups as entries.
    const merged = [...groups.values()].sort((x, y) => (x[TIME] as number) - (y[TIME] as number));
    for (const group of merged) b.set(group, base + write++ * STRIDE);
  }
  b.copyWithin(base + write * STRIDE, base + count * STRIDE, base + entries.length * STRIDE);
  entries.length -= count - write;
}
