import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInteractions } from './datasets.ts';
import { EaseRecommender } from './ease.ts';
import { evaluateRecommender } from './evaluate.ts';
import { buildInteractions, type Interactions } from './interactions.ts';
import { decodeSavedRecommender, encodeSavedRecommender } from './serving.ts';
import { splitLeaveOneOut } from './split.ts';

// u1 and u2 have a and b, u3 has b and c. With λ = 1, XᵀX + I = [[3, 2, 0], [2, 4, 1], [0, 1, 2]],
// P = [[7, −4, 2], [−4, 6, −3], [2, −3, 8]] / 13 and B(i, j) = −P(i, j) / P(j, j):
// B = [[0, 2/3, −1/4], [4/7, 0, 3/8], [−2/7, 1/2, 0]].
const tiny = buildInteractions([
  { user: 'u1', item: 'a' },
  { user: 'u1', item: 'b' },
  { user: 'u2', item: 'a' },
  { user: 'u2', item: 'b' },
  { user: 'u3', item: 'b' },
  { user: 'u3', item: 'c' },
]);

/** A seeded random data set: `users` users with 3–12 items each out of `items`. */
function randomData(users: number, items: number, seed: number): Interactions {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  const records = [];
  for (let u = 0; u < users; u++) {
    const count = 3 + Math.floor(next() * 10);
    for (let c = 0; c < count; c++)
      records.push({ user: `u${u}`, item: `i${Math.floor(next() ** 2 * items)}` });
  }
  return buildInteractions(records);
}

describe('EaseRecommender', () => {
  for (const kernels of ['typescript', 'wasm'] as const) {
    it(`learns the hand-computed weights of a tiny data set (${kernels} kernels)`, () => {
      const model = new EaseRecommender({ lambda: 1, kernels });
      model.fit(tiny);
      const out = new Float32Array(3);
      model.scoreUser(2, out); // u3: rows b + c of B
      expect(out[0]).toBeCloseTo(4 / 7 - 2 / 7, 6);
      expect(out[1]).toBeCloseTo(1 / 2, 6);
      expect(out[2]).toBeCloseTo(3 / 8, 6);
      model.scoreHistory({ items: [0], weights: [2] }, out);
      expect(Array.from(out).map((x) => Number(x.toFixed(6)))).toEqual([0, Number((4 / 3).toFixed(6)), -0.5]);
    });
  }

  it('explains a score by the history items that raise it, largest first', () => {
    const model = new EaseRecommender({ lambda: 1 });
    model.fit(tiny);
    // target a: b adds 1 · 4/7, c adds 2 · (−2/7) and is left out.
    const reasons = model.explain({ items: [1, 2], weights: [1, 2] }, 0, 5);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]!.item).toBe(1);
    expect(reasons[0]!.contribution).toBeCloseTo(4 / 7, 6);
    expect(model.explain({ items: [1], weights: [1] }, 7, 5)).toEqual([]);
  });

  it('lists similar items by the weights of the item row, never the item itself', () => {
    const model = new EaseRecommender({ lambda: 1 });
    model.fit(tiny);
    const similar = model.similar(1, 5); // row b: a 4/7, c 3/8
    expect(Array.from(similar.items)).toEqual([0, 2]);
    expect(similar.scores[0]).toBeCloseTo(4 / 7, 6);
    expect(model.similar(3, 5).items).toHaveLength(0);
  });

  it('scores identically after save, encode, decode and load when every weight is kept', () => {
    const data = randomData(80, 45, 11);
    const model = new EaseRecommender({ lambda: 5, keepPerItem: data.nItems });
    model.fit(data);
    const loaded = EaseRecommender.load(decodeSavedRecommender(encodeSavedRecommender(model.save())));
    expect(loaded.nItems).toBe(data.nItems);
    const a = new Float32Array(data.nItems);
    const b = new Float32Array(data.nItems);
    const { indptr, indices, weights } = data.byUser;
    for (let u = 0; u < data.nUsers; u++) {
      const items = indices.subarray(indptr[u]!, indptr[u + 1]!);
      model.scoreUser(u, a);
      loaded.scoreHistory({ items, weights: new Float32Array(items.length).fill(1) }, b);
      expect(b).toEqual(a);
      const history = { items, weights: weights.subarray(indptr[u]!, indptr[u + 1]!).map((_, i) => 1 + i) };
      model.scoreHistory(history, a);
      loaded.scoreHistory(history, b);
      expect(b).toEqual(a);
    }
    expect(loaded.similar(3, 6)).toEqual(model.similar(3, 6));
    expect(loaded.explain({ items: [1, 2, 3], weights: [1, 1, 2] }, 4, 3)).toEqual(
      model.explain({ items: [1, 2, 3], weights: [1, 1, 2] }, 4, 3),
    );
    expect(() => loaded.scoreUser(0, a)).toThrow(/scoreHistory/);
  });

  it('keeps only keepPerItem weights per target in the saved form', () => {
    const data = randomData(60, 30, 5);
    const model = new EaseRecommender({ lambda: 5, keepPerItem: 4 });
    model.fit(data);
    const saved = model.save();
    expect(saved.arrays.values!.length).toBe(4 * data.nItems);
    expect(saved.params).toEqual({ lambda: 5, keepPerItem: 4 });
  });

  it('refuses a saved model of another kind or version', () => {
    const model = new EaseRecommender({ lambda: 1 });
    model.fit(tiny);
    expect(() => EaseRecommender.load({ ...model.save(), version: 99 })).toThrow(/version/);
    expect(() => EaseRecommender.load({ ...model.save(), kind: 'als' })).toThrow(/as ease/);
  });
});

// ../shared/BENCHMARKS.md, Recommendation, ml-100k: leave-one-out by time (same-second ratings by
// item id), full ranking, training items filtered. Peer EASE: NDCG@10 0.0416 / HR@10 0.0880.
// λ = 150 was chosen on the validation target (docs/recommend-tuning.md, bench/recommend-ease.bench.ts).
const datasets = process.env.MEMBRAIN_DATASETS;
if (!datasets)
  console.warn('ml-100k EASE benchmark skipped: set MEMBRAIN_DATASETS to the benchmark data folder');

describe.skipIf(!datasets)(
  'EASE on ml-100k leave-one-out full ranking (MEMBRAIN_DATASETS unset: skipped)',
  () => {
    it('at least matches the peer EASE row', { timeout: 120_000 }, async () => {
      const path = join(datasets as string, 'ml-100k', 'u.data');
      const data = await loadInteractions(path, 'movielens', { ties: 'item-id' });
      const split = splitLeaveOneOut(data);
      const model = new EaseRecommender({ lambda: 150 });
      model.fit(split.train);
      const result = evaluateRecommender(model, split.train, split.test);
      expect(result.ndcg).toBeGreaterThanOrEqual(0.0416);
      expect(result.hr).toBeGreaterThanOrEqual(0.088);
    });
  },
);
