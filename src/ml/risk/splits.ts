/** Train/test splits of the risk evaluation (protocol in ../shared/BENCHMARKS.md). */
import { createRng } from '../gbdt/index.ts';

/** Two disjoint index lists. */
export interface Split {
  train: number[];
  test: number[];
}

/**
 * Stratified random split: within each label value, the indices are shuffled with the seeded PRNG
 * and the first `round(share · count)` go to `train`. Each class keeps its share up to rounding.
 * Both lists come back in increasing index order.
 */
export function stratifiedSplit(
  indices: readonly number[],
  labels: ArrayLike<number>,
  share: number,
  seed: number,
): Split {
  const rng = createRng(seed);
  const train: number[] = [];
  const test: number[] = [];
  // Classes in the order 0, 1 first (the order the GBDT bench used), then any other label value.
  const classes = [...new Set([0, 1, ...Array.from(indices, (i) => labels[i]!)])];
  for (const cls of classes) {
    const members = indices.filter((i) => labels[i] === cls);
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    const cut = Math.round(members.length * share);
    train.push(...members.slice(0, cut));
    test.push(...members.slice(cut));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/**
 * Time-ordered split: rows sorted by `times` (ties by index); the earliest `round(share · n)` are
 * `train`, the rest `test`. Both lists stay in time order: the stratified validation slice taken
 * from `train` afterwards depends on that order (the GBDT bench's numbers were made that way).
 */
export function timeSplit(times: ArrayLike<number>, share: number): Split {
  const order = Array.from({ length: times.length }, (_, i) => i).sort(
    (a, b) => times[a]! - times[b]! || a - b,
  );
  const cut = Math.round(order.length * share);
  return { train: order.slice(0, cut), test: order.slice(cut) };
}

/**
 * Stratified k-fold assignment: within each label value the indices are shuffled with the seeded
 * PRNG and dealt round-robin to `k` folds, so every fold holds about 1/k of each class. Each fold
 * comes back in increasing index order.
 */
export function stratifiedFolds(
  indices: readonly number[],
  labels: ArrayLike<number>,
  k: number,
  seed: number,
): number[][] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError('k must be an integer ≥ 2');
  const rng = createRng(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  const classes = [...new Set([0, 1, ...Array.from(indices, (i) => labels[i]!)])];
  let dealt = 0;
  for (const cls of classes) {
    const members = indices.filter((i) => labels[i] === cls);
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    // Continue the deal where the previous class stopped, so fold sizes differ by at most one.
    for (const i of members) folds[dealt++ % k]!.push(i);
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}
