import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';

// ulid's default generator asks the system for randomness once per character (16 calls a
// millisecond); drawing from a buffer refilled 4 KiB at a time gives the same cryptographic
// bytes at a fraction of the cost, and every id the API creates (events, ledger, lists) pays it.
let pool = randomBytes(4096);
let poolAt = 0;
function pooledRandom(): number {
  if (poolAt === pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  return (pool[poolAt++] as number) / 256;
}

const nextUlid = monotonicFactory(pooledRandom);

/** Prefixes of the ids Membrain creates; the store's own ids (members, items, events) are kept as given. */
export type IdPrefix =
  | 'op'
  | 'key'
  | 'aud'
  | 'rt'
  | 'fam'
  | 'dk'
  | 'imp'
  | 'evt'
  | 'job'
  | 'led'
  | 'lot'
  | 'rule'
  | 'tier'
  | 'mdl'
  | 'seg'
  | 'clu'
  | 'rec'
  | 'dec'
  | 'case'
  | 'cmt'
  | 'rle';

/** A new id such as `op_01J…`: a type prefix and a ULID, so ids sort by creation time. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${nextUlid()}`;
}

/** The store's id format for members and items: 1–64 of `[A-Za-z0-9_.:-]`. */
export const STORE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
