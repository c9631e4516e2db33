import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../gbdt/index.ts';
import { AlsRecommender, closeAlsWorkers } from './als.ts';
import { choleskyInPlace, choleskySolve } from './als-dense.ts';
import { solveRowsCg } from './als-kernels.ts';
import { loadInteractions } from './datasets.ts';
import { evaluateRecommender } from './evaluate.ts';
import { buildInteractions, type Interaction, type Interactions } from './interactions.ts';
import { decodeSavedRecommender, encodeSavedRecommender } from './serving.ts';
import { splitLeaveOneOut } from './split.ts';

afterAll(() => closeAlsWorkers());

/** Users in `groups` communities; each user picks `perUser` items from its own block of items. */
function blockData(groups: number, usersPerGroup: number, itemsPerGroup: number, perUser: number, seed = 3) {
  const rng = createRng(seed);
  const records: Interaction[] = [];
  for (let g = 0; g < groups; g++) {
    for (let u = 0; u < usersPerGroup; u++) {
      const chosen = new Set<number>();
      while (chosen.size < perUser) chosen.add(Math.floor(rng() * itemsPerGroup));
      for (const i of chosen) {
        records.push({ user: `g${g}u${u}`, item: `g${g}i${i}`, weight: 1 + Math.floor(rng() * 3) });
      }
    }
  }
  return buildInteractions(records);
}

const groupOf = (data: Interactions, item: number) => data.itemIds[item]!.split('i')[0];
const small = blockData(3, 30, 20, 6);

function userRow(data: Interactions, u: number) {
  const { indptr, indices, weights } = data.byUser;
  return {
    items: indices.subarray(indptr[u]!, indptr[u + 1]!),
    weights: weights.subarray(indptr[u]!, indptr[u + 1]!),
  };
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let j = 0; j < a.length; j++) {
    ab += a[j]! * b[j]!;
    aa += a[j]! ** 2;
    bb += b[j]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('AlsRecommender', () => {
  it('gives identical factors for the same seed, with one thread or several, and different ones for another seed', () => {
    const fitFactors = (seed: number, threads: number) => {
      const model = new AlsRecommender({ factors: 8, iterations: 5, seed, threads });
      model.fit(small);
      return model.factorMatrices();
    };
    const a = fitFactors(1, 1);
    expect(fitFactors(1, 1)).toEqual(a);
    expect(fitFactors(1, 3)).toEqual(a);
    expect(fitFactors(2, 1).items).not.toEqual(a.items);
  });

  it('solves a row with conjugate gradient to the same vector as a direct solve', () => {
    const k = 6;
    const rng = createRng(5);
    const fixed = Float64Array.from({ length: 10 * k }, () => rng() - 0.5);
    const rows = {
      indptr: Int32Array.of(0, 4),
      indices: Int32Array.of(1, 4, 7, 9),
      conf: Float32Array.of(2, 0.5, 7, 3),
    };
    const lambda = 0.3;
    const gram = new Float64Array(k * k);
    for (let i = 0; i < 10; i++)
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) gram[a * k + b]! += fixed[i * k + a]! * fixed[i * k + b]!;
    for (let a = 0; a < k; a++) gram[a * k + a]! += lambda;
    // Direct: (YᵀY + λI + Σ conf y yᵀ) x = Σ (1 + conf) y.
    const system = gram.slice();
    const x = new Float64Array(k);
    for (let q = 0; q < 4; q++) {
      const yo = rows.indices[q]! * k;
      const c = rows.conf[q]!;
      for (let a = 0; a < k; a++) {
        x[a]! += (1 + c) * fixed[yo + a]!;
        for (let b = 0; b < k; b++) system[a * k + b]! += c * fixed[yo + a]! * fixed[yo + b]!;
      }
    }
    choleskyInPlace(system, k);
    choleskySolve(system, k, x);
    const target = Float64Array.from({ length: k }, () => rng());
    solveRowsCg(target, fixed, rows, gram, k, 2 * k, 0, 1, new Float64Array(6 * k));
    for (let j = 0; j < k; j++) expect(target[j]).toBeCloseTo(x[j]!, 9);
    // Three warm steps from a poor start already move most of the way.
    const rough = new Float64Array(k);
    solveRowsCg(rough, fixed, rows, gram, k, 3, 0, 1, new Float64Array(6 * k));
    expect(cosine(rough, x)).toBeGreaterThan(0.9);
  });

  it('lowers the weighted objective every iteration, and reports it exactly', () => {
    const losses: number[] = [];
    const model = new AlsRecommender({
      factors: 4,
      regularization: 0.5,
      alpha: 2,
      iterations: 8,
      threads: 2,
      onIteration: ({ iteration, loss, seconds }) => {
        expect(iteration).toBe(losses.length + 1);
        expect(seconds).toBeGreaterThanOrEqual(0);
        losses.push(loss);
      },
    });
    model.fit(small);
    expect(losses).toHaveLength(8);
    for (let i = 1; i < losses.length; i++)
      expect(losses[i]).toBeLessThanOrEqual(losses[i - 1]! * (1 + 1e-9));
    expect(losses.at(-1)).toBeLessThan(losses[0]! * 0.99);
    // Brute force over every user-item pair, from the (float32) fitted factors.
    const { users, items } = model.factorMatrices();
    const k = 4;
    const observed = new Map<string, number>();
    for (let u = 0; u < small.nUsers; u++) {
      const row = userRow(small, u);
      for (let q = 0; q < row.items.length; q++) observed.set(`${u},${row.items[q]}`, row.weights[q]!);
    }
    let loss = 0;
    for (let u = 0; u < small.nUsers; u++) {
      for (let i = 0; i < small.nItems; i++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += users[u * k + j]! * items[i * k + j]!;
        const w = observed.get(`${u},${i}`);
        loss += w === undefined ? s * s : (1 + 2 * w) * (1 - s) ** 2;
      }
    }
    for (const v of users) loss += 0.5 * v * v;
    for (const v of items) loss += 0.5 * v * v;
    expect(losses.at(-1)! / loss).toBeCloseTo(1, 4);
  });

  it('folds a training user’s history back into about the vector it was fitted with', () => {
    const model = new AlsRecommender({ factors: 8, regularization: 1, alpha: 5, iterations: 25, threads: 1 });
    model.fit(small);
    const { users } = model.factorMatrices();
    for (const u of [0, 31, 77]) {
      const folded = model.foldIn(userRow(small, u));
      expect(cosine(folded, users.subarray(u * 8, u * 8 + 8))).toBeGreaterThan(0.99);
      const fromHistory = new Float32Array(small.nItems);
      const fromUser = new Float32Array(small.nItems);
      model.scoreHistory(userRow(small, u), fromHistory);
      model.scoreUser(u, fromUser);
      expect(cosine(fromHistory, fromUser)).toBeGreaterThan(0.99);
    }
  });

  it('explains a fold-in score exactly: the contributions sum to it', () => {
    const model = new AlsRecommender({ factors: 8, iterations: 6, threads: 1 });
    model.fit(small);
    const history = { items: [0, 3, 5, 3, 40], weights: [1, 2, 0.5, 1, 4] };
    const scores = new Float32Array(small.nItems);
    model.scoreHistory(history, scores);
    for (const target of [1, 2, 50]) {
      const parts = model.explain(history, target, 10);
      expect(parts.map((p) => p.item).sort((a, b) => a - b)).toEqual([0, 3, 5, 40]);
      const sum = parts.reduce((s, p) => s + p.contribution, 0);
      expect(sum).toBeCloseTo(scores[target]!, 5);
      for (let i = 1; i < parts.length; i++)
        expect(parts[i]!.contribution).toBeLessThanOrEqual(parts[i - 1]!.contribution);
    }
    expect(model.explain(history, 1, 2)).toHaveLength(2);
    expect(model.explain({ items: [], weights: [] }, 1, 5)).toEqual([]);
  });

  it('scores identically after save, encode, decode and load', () => {
    const model = new AlsRecommender({ factors: 8, iterations: 4 });
    model.fit(small);
    const loaded = AlsRecommender.load(decodeSavedRecommender(encodeSavedRecommender(model.save())));
    expect(loaded.nItems).toBe(small.nItems);
    const a = new Float32Array(small.nItems);
    const b = new Float32Array(small.nItems);
    for (const u of [0, 45, 89]) {
      model.scoreUser(u, a);
      loaded.scoreUser(u, b);
      expect(b).toEqual(a);
    }
    const history = { items: [2, 7, 11], weights: [1, 1, 3] };
    model.scoreHistory(history, a);
    loaded.scoreHistory(history, b);
    expect(b).toEqual(a);
    expect(loaded.similar(4, 5)).toEqual(model.similar(4, 5));
    expect(() => AlsRecommender.load({ ...model.save(), version: 99 })).toThrow(/version/);
  });

  it('recovers block structure: recommendations and similar items stay in the user’s community', () => {
    const data = blockData(4, 40, 25, 5, 11);
    const model = new AlsRecommender({ factors: 8, regularization: 1, alpha: 10, iterations: 10 });
    model.fit(data);
    const scores = new Float32Array(data.nItems);
    let inBlock = 0;
    let total = 0;
    for (let u = 0; u < data.nUsers; u++) {
      model.scoreUser(u, scores);
      const seen = new Set(userRow(data, u).items);
      const ranked = [...scores.keys()].filter((i) => !seen.has(i)).sort((a, b) => scores[b]! - scores[a]!);
      const own = groupOf(data, userRow(data, u).items[0]!);
      for (const i of ranked.slice(0, 10)) {
        total++;
        if (groupOf(data, i) === own) inBlock++;
      }
    }
    expect(inBlock / total).toBeGreaterThan(0.97);
    const similar = model.similar(0, 10);
    expect(similar.items).not.toContain(0);
    expect([...similar.items].every((i) => groupOf(data, i) === groupOf(data, 0))).toBe(true);
    for (let i = 1; i < similar.scores.length; i++)
      expect(similar.scores[i]).toBeLessThanOrEqual(similar.scores[i - 1]!);
  });
});

// ../shared/BENCHMARKS.md, Recommendation, ml-100k: leave-one-out (same-second ratings ordered by
// item id), full ranking with training items filtered; peer iALS NDCG@10 0.0393 / HR@10 0.0901.
// λ 10, α 3 chosen on the validation target (grid in bench/recommend-als.bench.ts --tune).
const ML100K_PARAMS = { regularization: 10, alpha: 3 };
const datasets = process.env.MEMBRAIN_DATASETS;
if (!datasets)
  console.warn('ml-100k ALS benchmark skipped: set MEMBRAIN_DATASETS to the benchmark data folder');

describe.skipIf(!datasets)(
  'ml-100k ALS leave-one-out full ranking (MEMBRAIN_DATASETS unset: skipped)',
  () => {
    it('reaches at least the peer iALS NDCG@10', { timeout: 120_000 }, async () => {
      const data = await loadInteractions(join(datasets as string, 'ml-100k', 'u.data'), 'movielens', {
        ties: 'item-id',
      });
      const split = splitLeaveOneOut(data);
      const model = new AlsRecommender(ML100K_PARAMS);
      model.fit(split.train);
      const result = evaluateRecommender(model, split.train, split.test);
      expect(result.users).toBe(943);
      expect(result.ndcg).toBeGreaterThanOrEqual(0.0393);
      // Measured 0.0410 / 0.0838: HR@10 is below the peer's 0.0901 at the validation-chosen λ, α.
      expect(result.hr).toBeGreaterThanOrEqual(0.08);
    });
  },
);
