import { describe, expect, it } from 'vitest';
import { evaluateRecommender, evaluateTargets, type Recommender } from './evaluate.ts';
import { buildInteractions } from './interactions.ts';
import { splitByTime, splitLeaveOneOut } from './split.ts';

/** Scores item i as `fixed[i]` for every user. */
function fixedScores(fixed: number[]): Recommender {
  return { fit: () => {}, scoreUser: (_u, out) => out.set(fixed) };
}

// Items a..e = 0..4. u0: a@1, b@2 | c@5, d@6, a@7 (a again: merged, it moves after the cut-off).
// u1: b@1 | e@9 (e appears only after the cut-off). u2: c@2 only. u3: d@8 only (no history).
const data = buildInteractions([
  { user: 'u0', item: 'a', time: 1 },
  { user: 'u0', item: 'b', time: 2 },
  { user: 'u1', item: 'b', time: 1 },
  { user: 'u2', item: 'c', time: 2 },
  { user: 'u0', item: 'c', time: 5 },
  { user: 'u0', item: 'd', time: 6 },
  { user: 'u0', item: 'a', time: 7 },
  { user: 'u3', item: 'd', time: 8 },
  { user: 'u1', item: 'e', time: 9 },
]);
const rowOf = (t: { indptr: Int32Array; indices: Int32Array }, u: number) => [
  ...t.indices.subarray(t.indptr[u], t.indptr[u + 1]),
];

describe('time split', () => {
  it('trains on the past and targets each user’s new, known items after the cut-off', () => {
    const split = splitByTime(data, { cutoffTime: 4 });
    expect(split.train.byUser.indices.length).toBe(3); // a@7 was merged after the cut-off
    // u0's future: c (known from u2); a and d have no interaction before 4, so nobody can rank them.
    expect(rowOf(split.test, 0)).toEqual([2]);
    expect(rowOf(split.test, 1)).toEqual([]); // e is unknown before the cut-off
    expect(rowOf(split.test, 3)).toEqual([]); // u3 has no history
    expect(split.users).toBe(1);
  });

  it('puts the latest share of interactions after a cut-off chosen by fraction', () => {
    const split = splitByTime(data, { testFraction: 0.5 });
    // Times sorted: 1 1 2 2 5 6 7(a merged) 8 9 → 8 interactions (a@1 merged into a@7).
    expect(split.cutoffTime).toBe(5);
    expect(split.train.byUser.indices.length).toBe(4);
  });

  it('rejects options that do not define one cut-off', () => {
    expect(() => splitByTime(data, {})).toThrow(/exactly one/);
    expect(() => splitByTime(data, { testFraction: 0.2, cutoffTime: 3 })).toThrow(/exactly one/);
    expect(() => splitByTime(data, { testFraction: 1 })).toThrow(/between 0 and 1/);
  });
});

describe('multi-target evaluation', () => {
  const train = buildInteractions([
    { user: 'u0', item: 'a' },
    ...['b', 'c', 'd', 'e', 'f'].map((item) => ({ user: 'x', item })),
  ]);
  const targets = (rows: number[][]) => {
    const indptr = new Int32Array(rows.length + 1);
    rows.forEach((r, u) => {
      indptr[u + 1] = indptr[u]! + r.length;
    });
    return { indptr, indices: Int32Array.from(rows.flat()) };
  };
  const model = fixedScores([9, 8, 7, 6, 5, 4]); // u0 ranks b, c, d, e, f (a is seen)

  it('computes recall, NDCG over the ideal DCG, HR and MRR for several targets', () => {
    const r = evaluateTargets(model, train, targets([[2, 5, 4], []]), { k: 3 });
    // top 3: b, c (hit at 2), d. Targets c, f, e: one of three found.
    expect(r.users).toBe(1);
    expect(r.hr).toBe(1);
    expect(r.recall).toBeCloseTo(1 / 3, 12);
    const ideal = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(r.ndcg).toBeCloseTo(1 / Math.log2(3) / ideal, 12);
    expect(r.mrr).toBeCloseTo(1 / 2, 12);
  });

  it('gives NDCG 1 when every target fills the top of the list', () => {
    const r = evaluateTargets(model, train, targets([[2, 1], []]), { k: 10 });
    expect([r.ndcg, r.recall, r.hr, r.mrr]).toEqual([1, 1, 1, 1]);
  });

  it('matches leave-one-out full ranking when each user has one target', () => {
    const loo = splitLeaveOneOut(data);
    const scorer = fixedScores([1, 5, 2, 4, 3]);
    const one = evaluateRecommender(scorer, loo.train, loo.test, { k: 2 });
    const rows = [...loo.test].map((t) => (t >= 0 ? [t] : []));
    const multi = evaluateTargets(scorer, loo.train, targets(rows), { k: 2 });
    expect(multi).toEqual(one);
  });
});
