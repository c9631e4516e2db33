// One key's observations in memory: a deque of entries sorted by time in a single Float64Array
// (one allocation per key keeps small keys at a few hundred bytes), plus a table of the key's
// distinct values. Stats are computed by one backward walk over the entries of the last 7 d.
import {
  LONGEST_VELOCITY_WINDOW_MS,
  VELOCITY_WINDOW_ORDER,
  VELOCITY_WINDOWS,
  type VelocityStats,
} from './risk.velocity.ts';
import { mergeOldestEntries } from './risk.velocity-compaction.ts';
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
import { VelocityValueTable } from './risk.velocity-value-table.ts';

const WINDOW_MS = VELOCITY_WINDOW_ORDER.map((w) => VELOCITY_WINDOWS[w]);
const BANDS = WINDOW_MS.length;
/** Per-band count, sum and new distinct values of the walk in progress (calls are synchronous). */
const scratch = new Float64Array(BANDS * 3);

/** How long a key keeps observations, and how many entries before its oldest are merged. */
export interface KeyLogLimits {
  retentionMs: number;
  maxEntries: number;
}

/** One key's retained observations, exact until it holds more than `maxEntries` entries. */
export class VelocityKeyLog implements EntryBuffer {
  buffer = new Float64Array(2 * STRIDE);
  head = 0;
  length = 0;
  /** The latest observation time ever recorded: retention is measured back from it. */
  private latest = Number.NEGATIVE_INFINITY;
  private readonly values = new VelocityValueTable();

  /** Records one observation and returns the key's stats as of `at`, the observation included. */
  observe(at: number, amount: number, value: string | undefined, limits: KeyLogLimits): VelocityStats {
    if (at > this.latest) this.latest = at;
    const cutoff = this.latest - limits.retentionMs;
    this.pruneThrough(cutoff);
    const id = value === undefined ? NO_VALUE : this.values.idOf(value, true);
    const seenBefore = id !== NO_VALUE && this.seenBefore(id, at, cutoff);
    // An observation already past retention (far out of order) is not kept, as if pruned at once.
    if (at > cutoff) {
      this.insert(at, amount, id);
      if (id !== NO_VALUE) this.values.touch(id, at);
      if (this.length > limits.maxEntries) mergeOldestEntries(this, limits.maxEntries);
    }
    if (this.values.needsCollection()) this.values.collect(this, cutoff, limits.maxEntries);
    return this.statsAsOf(at, cutoff, seenBefore);
  }

  /** The stats as of `at` for a would-be observation of `value`, changing nothing. */
  peek(at: number, value: string | undefined, retentionMs: number): VelocityStats {
    const cutoff = Math.max(this.latest, at) - retentionMs;
    const id = value === undefined ? NO_VALUE : this.values.idOf(value, false);
    return this.statsAsOf(at, cutoff, id !== NO_VALUE && this.seenBefore(id, at, cutoff));
  }

  private timeAt(index: number): number {
    return this.buffer[(this.head + index) * STRIDE + TIME] as number;
  }

  /** The index of the first entry later than `time` (entries at equal times keep arrival order). */
  private upperBound(time: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.timeAt(mid) <= time) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private pruneThrough(cutoff: number): void {
    while (this.length > 0 && this.timeAt(0) <= cutoff) {
      this.head += 1;
      this.length -= 1;
    }
    if (this.length === 0) this.head = 0;
  }

  /** Inserts in time order: O(1) for the usual in-order observation, a shift for a late one. */
  private insert(at: number, amount: number, id: number): void {
    this.reserveOneAtEnd();
    const position = this.upperBound(at);
    const from = (this.head + position) * STRIDE;
    const end = (this.head + this.length) * STRIDE;
    if (from < end) this.buffer.copyWithin(from + STRIDE, from, end);
    const b = this.buffer;
    b[from + TIME] = at;
    b[from + START] = at;
    b[from + COUNT] = 1;
    b[from + AMOUNT] = amount;
    b[from + VALUE] = id;
    this.length += 1;
  }

  private reserveOneAtEnd(): void {
    const capacity = this.buffer.length / STRIDE;
    if (this.head + this.length < capacity) return;
    const live = this.buffer.subarray(this.head * STRIDE, (this.head + this.length) * STRIDE);
    if (this.length < capacity / 2) {
      this.buffer.copyWithin(0, this.head * STRIDE, (this.head + this.length) * STRIDE);
    } else {
      const grown = new Float64Array(capacity * 2 * STRIDE);
      grown.set(live);
      this.buffer = grown;
    }
    this.head = 0;
  }

  /** Whether value `id` occurs in (cutoff, at]; the value table answers unless `at` is out of order. */
  private seenBefore(id: number, at: number, cutoff: number): boolean {
    const lastSeen = this.values.lastSeen(id);
    if (lastSeen <= cutoff) return false;
    if (lastSeen <= at) return true;
    for (let i = this.upperBound(cutoff); i < this.length && this.timeAt(i) <= at; i++) {
      if (this.buffer[(this.head + i) * STRIDE + VALUE] === id) return true;
    }
    return false;
  }

  /**
   * One backward walk from the last entry at or before `at` to the 7 d edge. Windows nest, so each
   * entry falls in one band (between two window edges) and a window's stats are its bands' sums.
   * A value counts once, in the band of its latest occurrence at or before `at`, found by marking
   * values as the walk meets them: exact distinct counts at O(entries in the 7 d window).
   */
  private statsAsOf(at: number, cutoff: number, valueSeenBefore: boolean): VelocityStats {
    scratch.fill(0);
    const mark = this.values.nextMark();
    const lower = Math.max(at - LONGEST_VELOCITY_WINDOW_MS, cutoff);
    const b = this.buffer;
    let band = 0;
    for (let i = this.upperBound(at) - 1; i >= 0; i--) {
      const offset = (this.head + i) * STRIDE;
      const time = b[offset + TIME] as number;
      if (time <= lower) break;
      while (time <= at - (WINDOW_MS[band] as number)) band += 1;
      const s = band * 3;
      scratch[s] = (scratch[s] as number) + (b[offset + COUNT] as number);
      scratch[s + 1] = (scratch[s + 1] as number) + (b[offset + AMOUNT] as number);
      const id = b[offset + VALUE] as number;
      if (id !== NO_VALUE && this.values.markOnce(id, mark)) scratch[s + 2] = (scratch[s + 2] as number) + 1;
    }
    return this.toStats(at, cutoff, valueSeenBefore);
  }

  private toStats(at: number, cutoff: number, valueSeenBefore: boolean): VelocityStats {
    const first = this.upperBound(cutoff);
    const start = first < this.length ? (this.buffer[(this.head + first) * STRIDE + START] as number) : null;
    const stats = {
      valueSeenBefore,
      firstSeenAt: start !== null && start <= at ? start : null,
    } as VelocityStats;
    let count = 0;
    let sum = 0;
    let distinct = 0;
    for (let band = 0; band < BANDS; band++) {
      count += scratch[band * 3] as number;
      sum += scratch[band * 3 + 1] as number;
      distinct += scratch[band * 3 + 2] as number;
      stats[VELOCITY_WINDOW_ORDER[band] as keyof typeof VELOCITY_WINDOWS] = { count, sum, distinct };
    }
    return stats;
  }
}
