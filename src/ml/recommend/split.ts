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
