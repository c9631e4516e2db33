// A key's distinct values: value → small integer id, with each value's last-seen time (which
// answers `valueSeenBefore` in O(1) for in-order observations) and a per-walk mark (which makes
// distinct counting a flag check instead of a Set per call).
import { type EntryBuffer, NO_VALUE, STRIDE, VALUE } from './risk.velocity-entries.ts';

const MIN_COLLECT_ABOVE = 16;

/** Value ids and last-seen times for one key, collected (and renumbered) as they fall out of retention. */
export class VelocityValueTable {
  private ids = new Map<string, number>();
  private names: string[] = [];
  // Plain arrays: cheaper than typed arrays to create and grow for the many keys with few values.
  private lastSeenById: number[] = [];
  private markById: number[] = [];
  private mark = 0;
  private collectAbove = MIN_COLLECT_ABOVE;

  /** The value's id, or NO_VALUE when it is unknown and `create` is false. */
  idOf(value: string, create: boolean): number {
    const known = this.ids.get(value);
    if (known !== undefined) return known;
    if (!create) return NO_VALUE;
    const id = this.names.length;
    this.names.push(value);
    this.ids.set(value, id);
    this.lastSeenById.push(Number.NEGATIVE_INFINITY);
    this.markById.push(0);
    return id;
  }

  /** Records that the value was observed at `at` (out-of-order times never move last-seen back). */
  touch(id: number, at: number): void {
    if (at > (this.lastSeenById[id] as number)) this.lastSeenById[id] = at;
  }

  lastSeen(id: number): number {
    return this.lastSeenById[id] as number;
  }

  /** A fresh mark for one walk over the entries. */
  nextMark(): number {
    if (this.mark === 0x7fffffff) {
      this.markById.fill(0);
      this.mark = 0;
    }
    this.mark += 1;
    return this.mark;
  }

  /** True the first time a walk with `mark` meets value `id`. */
  markOnce(id: number, mark: number): boolean {
    if (this.markById[id] === mark) return false;
    this.markById[id] = mark;
    return true;
  }

  /** Whether enough values were added since the last collection to make one worth its O(values) cost. */
  needsCollection(): boolean {
    return this.ids.size > this.collectAbove;
  }

  /**
   * Drops values last seen at or before `cutoff`; if more than `maxValues` remain, keeps only the
   * most recently seen half (older ones then read as never seen, and their entries stop counting as
   * distinct). Renumbers the survivors and rewrites the entries' value ids.
   */
  collect(entries: EntryBuffer, cutoff: number, maxValues: number): void {
    let survivors: number[] = [];
    for (let id = 0; id < this.names.length; id++) {
      if ((this.lastSeenById[id] as number) > cutoff) survivors.push(id);
    }
    if (survivors.length > maxValues) {
      survivors.sort((x, y) => (this.lastSeenById[y] as number) - (this.lastSeenById[x] as number));
      survivors = survivors.slice(0, Math.floor(maxValues / 2)).sort((x, y) => x - y);
    }
    const remap = new Int32Array(this.names.length).fill(NO_VALUE);
    const names: string[] = [];
    const lastSeen: number[] = [];
    for (const id of survivors) {
      remap[id] = names.length;
      lastSeen.push(this.lastSeenById[id] as number);
      names.push(this.names[id] as string);
    }
    for (let i = 0; i < entries.length; i++) {
      const offset = (entries.head + i) * STRIDE + VALUE;
      const id = entries.buffer[offset] as number;
      if (id !== NO_VALUE) entries.buffer[offset] = remap[id] as number;
    }
    this.names = names;
    this.ids = new Map(names.map((name, id) => [name, id]));
    this.lastSeenById = lastSeen;
    this.markById = lastSeen.map(() => 0);
    this.collectAbove = Math.max(MIN_COLLECT_ABOVE, Math.min(maxValues, 2 * names.length));
  }
}
