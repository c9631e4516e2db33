// The memory store's entry layout, shared by the key log, its compaction and its value table.
// Entries live in one Float64Array per key, STRIDE numbers each, sorted by TIME.

/** Numbers per entry. */
export const STRIDE = 5;
/** The latest observation an entry holds (the only time of a raw entry). */
export const TIME = 0;
/** The earliest observation an entry holds (differs from TIME only for merged entries). */
export const START = 1;
/** How many observations the entry holds. */
export const COUNT = 2;
/** The sum of their amounts. */
export const AMOUNT = 3;
/** The id of their common value in the key's value table, or NO_VALUE. */
export const VALUE = 4;
/** The VALUE of an entry without a value (or whose value was dropped to bound memory). */
export const NO_VALUE = -1;

/** A key's entries: `length` entries starting at entry index `head` of `buffer`. */
export interface EntryBuffer {
  buffer: Float64Array;
  head: number;
  length: number;
}
