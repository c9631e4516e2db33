import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

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
  | 'rec';

/** A new id such as `op_01J…`: a type prefix and a ULID, so ids sort by creation time. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${nextUlid()}`;
}

/** The store's id format for members and items: 1–64 of `[A-Za-z0-9_.:-]`. */
export const STORE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
