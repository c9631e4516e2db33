import type { UserTargets } from './evaluate.ts';
import { buildFromEntries, type Interactions } from './interactions.ts';

/** A leave-one-out split; targets hold one item index per user, -1 where the user has none. */
export interface LeaveOneOutSplit {
  /** Every interaction except each user's test target. */
  readonly train: Interactions;
  readonly test: Int32Array;
  /** With `validation: true`: `train` minus each user's second-to-last item, which is the target. */
  readonly validation?: { readonly train: Interactions; readonly target: Int32Array };
}

/** Options of {@link splitLeaveOneOut}. */
export interface LeaveOneOutOptions {
  /** Also hold out the second-to-last interaction for model selection (users with 3 or more). */
  validation?: boolean;
}

/**
 * Leave-one-out by time: each user's last interaction (rows are already ordered by time, ties by
 * input order) is the test target; users with fewer than 2 interactions stay in training only, so
 * nobody is evaluated without history. Deterministic; ids and indices are kept.
 */
export function splitLeaveOneOut(data: Interactions, options: LeaveOneOutOptions = {}): LeaveOneOutSplit {
  const test = lastItems(data, 2, 1);
  const train = withoutTargets(data, test);
  if (!options.validation) return { train, test };
  const target = lastItems(train, 2, 1);
  return { train, test, validation: { train: withoutTargets(train, target), target } };
}

/** For each user with at least `minCount` interactions, the item `fromEnd` places from the end. */
function lastItems(data: Interactions, minCount: number, fromEnd: number): Int32Array {
  const { indptr, indices } = data.byUser;
  const out = new Int32Array(data.nUsers).fill(-1);
  for (let u = 0; u < data.nUsers; u++) {
    if (indptr[u + 1]! - indptr[u]! >= minCount) out[u] = indices[indptr[u + 1]! - fromEnd]!;
  }
  return out;
}

/** The data set without each user's target; a user's row is chronological, so the target is last. */
function withoutTargets(data: Interactions, target: Int32Array): Interactions {
  const { indptr, indices, weights, times } = data.byUser;
  const users: number[] = [];
  const items: number[] = [];
  const w: number[] = [];
  const t: number[] = [];
  const order: number[] = [];
  for (let u = 0; u < data.nUsers; u++) {
    const end = target[u]! >= 0 ? indptr[u + 1]! - 1 : indptr[u + 1]!;
    for (let p = indptr[u]!; p < end; p++) {
      users.push(u);
      items.push(indices[p]!);
      w.push(weights[p]!);
      t.push(times[p]!);
      order.push(p);
    }
  }
  return buildFromEntries([...data.userIds], [...data.itemIds], {
    users,
    items,
    weights: w,
    times: t,
    order,
  });
}

/** Options of {@link splitByTime}: exactly one of the two. */
export interface TimeSplitOptions {
  /** Share of all interactions (the latest ones) that form the test period, in (0, 1). */
  testFraction?: number;
  /** Interactions with a time after this are the test period. */
  cutoffTime?: number;
}

/** A split by a global cut-off time; `test` holds each evaluated user's future items. */
export interface TimeSplit {
  /** Every interaction at or before the cut-off (users and items keep their indices). */
  readonly train: Interactions;
  /** Per user: the distinct items after the cut-off that are not in the user's training history. */
  readonly test: UserTargets;
  readonly cutoffTime: number;
  /** Users with history before the cut-off and at least one target after it. */
  readonly users: number;
}

/**
 * Time split: everything up to the cut-off trains, everything after is the future to predict. A
 * user is evaluated when they have history before the cut-off and new items after it; items first
 * seen after the cut-off are dropped from the targets (no model that learns from interactions can
 * rank them; the content model is measured separately). Data sets without real times (`lines`,
 * `pairs`: the time is the file position) give a split by file position, which is rarely what is
 * wanted. A user–item pair repeated across the cut-off was merged at load and counts once, after it.
 */
export function splitByTime(data: Interactions, options: TimeSplitOptions): TimeSplit {
  const cutoffTime = resolveCutoff(data, options);
  const { indptr, indices, weights, times } = data.byUser;
  const entries = { users: [] as number[], items: [] as number[], w: [] as number[], t: [] as number[] };
  const order: number[] = [];
  for (let u = 0; u < data.nUsers; u++) {
    for (let p = indptr[u]!; p < indptr[u + 1]!; p++) {
      if (times[p]! > cutoffTime) continue;
      entries.users.push(u);
      entries.items.push(indices[p]!);
      entries.w.push(weights[p]!);
      entries.t.push(times[p]!);
      order.push(p);
    }
  }
  const train = buildFromEntries([...data.userIds], [...data.itemIds], {
    users: entries.users,
    items: entries.items,
    weights: entries.w,
    times: entries.t,
    order,
  });
  const known = train.byItem.indptr;
  const testPtr = new Int32Array(data.nUsers + 1);
  const testItems: number[] = [];
  const seen = new Uint8Array(data.nItems);
  let users = 0;
  for (let u = 0; u < data.nUsers; u++) {
    const trainFrom = train.byUser.indptr[u]!;
    const trainTo = train.byUser.indptr[u + 1]!;
    if (trainTo > trainFrom) {
      for (let p = trainFrom; p < trainTo; p++) seen[train.byUser.indices[p]!] = 1;
      for (let p = indptr[u]!; p < indptr[u + 1]!; p++) {
        const i = indices[p]!;
        if (times[p]! <= cutoffTime || seen[i] || known[i + 1]! === known[i]!) continue;
        seen[i] = 1;
        testItems.push(i);
      }
      for (let p = trainFrom; p < trainTo; p++) seen[train.byUser.indices[p]!] = 0;
      for (let q = testPtr[u]!; q < testItems.length; q++) seen[testItems[q]!] = 0;
    }
    testPtr[u + 1] = testItems.length;
    if (testPtr[u + 1]! > testPtr[u]!) users++;
  }
  return { train, test: { indptr: testPtr, indices: Int32Array.from(testItems) }, cutoffTime, users };
}

function resolveCutoff(data: Interactions, options: TimeSplitOptions): number {
  const { testFraction, cutoffTime } = options;
  if ((testFraction === undefined) === (cutoffTime === undefined))
    throw new Error('splitByTime needs exactly one of testFraction and cutoffTime');
  if (cutoffTime !== undefined) {
    if (!Number.isFinite(cutoffTime)) throw new Error('cutoffTime must be a finite number');
    return cutoffTime;
  }
  if (!(testFraction! > 0 && testFraction! < 1)) throw new Error('testFraction must be between 0 and 1');
  const sorted = Float64Array.from(data.byUser.times).sort();
  if (sorted.length === 0) return 0;
  // The latest testFraction of interactions are after the cut-off; ties at the cut-off train.
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * (1 - testFraction!)) - 1));
  return sorted[at]!;
}
