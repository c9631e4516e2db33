/** Compressed sparse rows: row r holds `indices[indptr[r]..indptr[r+1])` with their weights and times. */
export interface Csr {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly weights: Float32Array;
  readonly times: Float64Array;
}

/**
 * An implicit-feedback data set: users and items mapped to dense indices (0..n-1 in order of first
 * appearance; the original ids kept), user→items rows in chronological order (time, then input order)
 * and the item→users transpose (rows in user-index order).
 */
export interface Interactions {
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly nUsers: number;
  readonly nItems: number;
  readonly byUser: Csr;
  readonly byItem: Csr;
}

/** One observed interaction; `time` defaults to the input position, `weight` to 1. */
export interface Interaction {
  user: string;
  item: string;
  time?: number;
  weight?: number;
}

/** Flat entries over dense indices; `order` breaks time ties (input position). */
export interface Entries {
  users: ArrayLike<number>;
  items: ArrayLike<number>;
  weights: ArrayLike<number>;
  times: ArrayLike<number>;
  order: ArrayLike<number>;
}

/**
 * Collects interactions one at a time (so file loaders need no intermediate objects) and builds
 * the data set; duplicate user-item pairs are merged: weights summed, the latest time kept.
 */
export class InteractionsBuilder {
  private readonly userIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  private readonly userIds: string[] = [];
  private readonly itemIds: string[] = [];
  private readonly pairs = new Map<number, number>();
  private readonly users: number[] = [];
  private readonly items: number[] = [];
  private readonly weights: number[] = [];
  private readonly times: number[] = [];
  private readonly order: number[] = [];
  private added = 0;

  /**
   * Adds one interaction. `time` defaults to the number of interactions added before it; `tieKey`
   * (default: that same input position) orders interactions of one user that share a time.
   */
  add(user: string, item: string, time?: number, weight = 1, tieKey?: number): void {
    const position = this.added++;
    const t = time ?? position;
    const tie = tieKey ?? position;
    const u = indexOf(this.userIndex, this.userIds, user);
    const i = indexOf(this.itemIndex, this.itemIds, item);
    if (i >= 67_108_864) throw new Error('more than 2^26 items are not supported');
    // 2^26 items per user row is far beyond any catalogue here, and keeps the key an exact double.
    const key = u * 67_108_864 + i;
    const existing = this.pairs.get(key);
    if (existing === undefined) {
      this.pairs.set(key, this.users.length);
      this.users.push(u);
      this.items.push(i);
      this.weights.push(weight);
      this.times.push(t);
      this.order.push(tie);
      return;
    }
    this.weights[existing] = (this.weights[existing] as number) + weight;
    if (t >= (this.times[existing] as number)) {
      this.times[existing] = t;
      this.order[existing] = tie;
    }
  }

  /** Builds the CSR matrices. */
  build(): Interactions {
    const entries = { users: this.users, items: this.items, weights: this.weights, times: this.times };
    return buildFromEntries([...this.userIds], [...this.itemIds], { ...entries, order: this.order });
  }
}

function indexOf(index: Map<string, number>, ids: string[], id: string): number {
  let value = index.get(id);
  if (value === undefined) {
    value = ids.length;
    index.set(id, value);
    ids.push(id);
  }
  return value;
}

/**
 * Builds a data set from records.
 * @example buildInteractions([{ user: 'u1', item: 'a' }, { user: 'u1', item: 'b', time: 5 }])
 */
export function buildInteractions(records: Iterable<Interaction>): Interactions {
  const builder = new InteractionsBuilder();
  for (const r of records) builder.add(r.user, r.item, r.time, r.weight);
  return builder.build();
}

/** Builds a data set over given id lists from already-merged entries (used by splits). */
export function buildFromEntries(userIds: string[], itemIds: string[], entries: Entries): Interactions {
  const nUsers = userIds.length;
  const nItems = itemIds.length;
  const n = entries.users.length;
  const perm = new Int32Array(n);
  for (let e = 0; e < n; e++) perm[e] = e;
  const { users, times, order } = entries;
  perm.sort(
    (a, b) =>
      (users[a] as number) - (users[b] as number) ||
      (times[a] as number) - (times[b] as number) ||
      (order[a] as number) - (order[b] as number),
  );
  const byUser = fillRows(nUsers, perm, users, entries);
  return { userIds, itemIds, nUsers, nItems, byUser, byItem: transpose(byUser, nUsers, nItems) };
}

function fillRows(nRows: number, perm: Int32Array, rows: ArrayLike<number>, entries: Entries): Csr {
  const n = perm.length;
  const indptr = new Int32Array(nRows + 1);
  for (let e = 0; e < n; e++) indptr[(rows[e] as number) + 1]! += 1;
  for (let r = 0; r < nRows; r++) indptr[r + 1]! += indptr[r]!;
  const indices = new Int32Array(n);
  const weights = new Float32Array(n);
  const times = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const e = perm[p]!;
    indices[p] = entries.items[e] as number;
    weights[p] = entries.weights[e] as number;
    times[p] = entries.times[e] as number;
  }
  return { indptr, indices, weights, times };
}

/** The transpose of a CSR matrix; each output row lists its columns in increasing order. */
export function transpose(m: Csr, nRows: number, nCols: number): Csr {
  const n = m.indices.length;
  const indptr = new Int32Array(nCols + 1);
  for (let p = 0; p < n; p++) indptr[m.indices[p]! + 1]! += 1;
  for (let c = 0; c < nCols; c++) indptr[c + 1]! += indptr[c]!;
  const next = indptr.slice(0, nCols);
  const indices = new Int32Array(n);
  const weights = new Float32Array(n);
  const times = new Float64Array(n);
  for (let r = 0; r < nRows; r++) {
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) {
      const q = next[m.indices[p]!]!++;
      indices[q] = r;
      weights[q] = m.weights[p]!;
      times[q] = m.times[p]!;
    }
  }
  return { indptr, indices, weights, times };
}
