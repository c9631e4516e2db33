import { describe, expect, it } from 'vitest';
import { createRng } from '../gbdt/prng.ts';
import { rocAuc } from '../metrics/index.ts';
import {
  averagePathLength,
  averagePathLengthTable,
  EXACT_HARMONIC_LIMIT,
  harmonicNumber,
  IsolationForest,
  type IsolationTree,
  positiveShares,
  type SerializedIsolationForest,
} from './index.ts';

/** Standard normal draws (Box–Muller) from a seeded PRNG. */
function gaussian(rng: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

interface Planted {
  columns: Float64Array[];
  outlier: Float64Array;
}

/**
 * Three Gaussian clusters (σ = 1) in `d` dimensions plus `outliers` rows drawn uniformly from a box
 * around them (±20), kept only when they are at least 7σ from every cluster centre.
 */
function plantedOutliers(inliers: number, outliers: number, d: number, seed: number): Planted {
  const rng = createRng(seed);
  const normal = gaussian(rng);
  const centres = [
    new Array(d).fill(0),
    new Array(d).fill(6),
    Array.from({ length: d }, (_, f) => (f % 2 ? 6 : -6)),
  ];
  const n = inliers + outliers;
  const columns = Array.from({ length: d }, () => new Float64Array(n));
  const outlier = new Float64Array(n);
  for (let i = 0; i < inliers; i++) {
    const centre = centres[i % centres.length]!;
    for (let f = 0; f < d; f++) columns[f]![i] = centre[f]! + normal();
  }
  for (let i = inliers; i < n; ) {
    const x = Array.from({ length: d }, () => -20 + 40 * rng());
    const far = centres.every((c) => Math.hypot(...x.map((v, f) => v - c[f]!)) >= 7);
    if (!far) continue;
    x.forEach((v, f) => {
      columns[f]![i] = v;
    });
    outlier[i] = 1;
    i++;
  }
  return { columns, outlier };
}

function rowOf(columns: Float64Array[], i: number): Float64Array {
  return Float64Array.from(columns, (c) => c[i]!);
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

/** Every permutation of 0..k−1. */
function permutations(k: number): number[][] {
  if (k === 0) return [[]];
  return permutations(k - 1).flatMap((p) =>
    Array.from({ length: k }, (_, at) => [...p.slice(0, at), k - 1, ...p.slice(at)]),
  );
}

/**
 * Brute force c(n): insert n − 1 keys in every order into a binary search tree and average the depth
 * of the n external nodes (the gaps an unsuccessful search can end in) over orders and gaps.
 */
function bruteForceAveragePathLength(n: number): number {
  let total = 0;
  let cases = 0;
  for (const order of permutations(n - 1)) {
    const keys: number[] = [];
    const lefts: number[] = [];
    const rights: number[] = [];
    for (const key of order) {
      keys.push(key);
      lefts.push(-1);
      rights.push(-1);
      const id = keys.length - 1;
      if (id === 0) continue;
      let node = 0;
      for (;;) {
        const side = key < keys[node]! ? lefts : rights;
        if (side[node] === -1) {
          side[node] = id;
          break;
        }
        node = side[node]!;
      }
    }
    // A search for a value in gap g (between keys g − 1 and g) ends at an external node.
    for (let gap = 0; gap < n; gap++) {
      const target = gap - 0.5;
      let node = keys.length ? 0 : -1;
      let depth = 0;
      while (node !== -1) {
        node = target < keys[node]! ? lefts[node]! : rights[node]!;
        depth++;
      }
      total += depth;
      cases++;
    }
  }
  return total / cases;
}

function treesOf(model: IsolationForest): IsolationTree[] {
  return (model as unknown as { trees: IsolationTree[] }).trees;
}

describe('average path length c(n)', () => {
  it('has the known exact values', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(3)).toBeCloseTo(5 / 3, 14); // 2·H(2) − 4/3
    expect(averagePathLength(4)).toBeCloseTo(13 / 6, 14); // 2·H(3) − 6/4
    // 2·H(255) − 510/256 with the exact harmonic number; the paper's ln + γ gives 10.2448.
    expect(averagePathLength(256)).toBeCloseTo(10.24869, 5);
  });

  it('equals the mean unsuccessful-search depth of random binary search trees (brute force)', () => {
    for (let n = 2; n <= 7; n++) expect(averagePathLength(n)).toBeCloseTo(bruteForceAveragePathLength(n), 12);
  });

  it('switches from the exact harmonic sum to the series without a visible seam', () => {
    let exact = 0;
    for (let k = EXACT_HARMONIC_LIMIT + 1; k >= 1; k--) exact += 1 / k;
    expect(harmonicNumber(EXACT_HARMONIC_LIMIT + 1)).toBeCloseTo(exact, 13);
    expect(harmonicNumber(1e6) - harmonicNumber(1e6 - 1)).toBeCloseTo(1e-6, 12);
  });

  it('tables the same values as direct calls, bit for bit', () => {
    const table = averagePathLengthTable(300);
    for (let n = 0; n <= 300; n++) expect(table[n]).toBe(averagePathLength(n));
  });
});

describe('isolation forest: detection', () => {
  const data = plantedOutliers(3000, 30, 4, 7);
  const model = new IsolationForest({ seed: 1 }).fit(data.columns);
  const scores = model.scoreColumns(data.columns);

  it('scores planted outliers above 0.6 and inliers near or below 0.5', () => {
    const outlierScores = Array.from(scores).filter((_, i) => data.outlier[i] === 1);
    const inlierScores = Array.from(scores)
      .filter((_, i) => data.outlier[i] === 0)
      .sort((a, b) => a - b);
    expect(Math.min(...outlierScores)).toBeGreaterThan(0.6);
    expect(inlierScores[Math.floor(inlierScores.length / 2)]).toBeLessThan(0.5);
    expect(inlierScores[Math.floor(inlierScores.length * 0.95)]).toBeLessThan(0.55);
    for (const s of scores) {
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(1);
    }
  });

  it('ranks planted outliers first: ROC-AUC ≥ 0.95', () => {
    expect(rocAuc(data.outlier, scores)).toBeGreaterThanOrEqual(0.95);
  });

  it('uses ψ = 256 and depth ⌈log₂ ψ⌉ = 8 by default; trees respect them', () => {
    expect(model.subsampleSize).toBe(256);
    expect(model.maxDepth).toBe(8);
    expect(model.treeCount).toBe(100);
    for (const tree of treesOf(model)) {
      expect(tree.size[0]).toBe(256);
      const depth = new Int32Array(tree.feature.length);
      for (let node = 0; node < tree.feature.length; node++) {
        expect(depth[node]).toBeLessThanOrEqual(8);
        if (tree.feature[node]! < 0) continue;
        const l = tree.left[node]!;
        const r = tree.right[node]!;
        depth[l] = depth[r] = depth[node]! + 1;
        // Both children are non-empty and partition the parent's rows.
        expect(tree.size[l]).toBeGreaterThan(0);
        expect(tree.size[r]).toBeGreaterThan(0);
        expect(tree.size[l]! + tree.size[r]!).toBe(tree.size[node]);
        // Without missing values the missing side is simply the larger child.
        expect(tree.missingLeft[node]).toBe(tree.size[l]! >= tree.size[r]! ? 1 : 0);
      }
    }
  });

  it('caps ψ at the number of rows and derives the depth from it', () => {
    const small = new IsolationForest({ trees: 5 }).fit([Float64Array.from({ length: 20 }, (_, i) => i)]);
    expect(small.subsampleSize).toBe(20);
    expect(small.maxDepth).toBe(5);
  });
});

describe('isolation forest: determinism and serialisation', () => {
  const data = plantedOutliers(600, 10, 3, 11);
  for (let i = 0; i < 600; i += 7) data.columns[1]![i] = Number.NaN;

  it('gives an identical model for the same data, options and seed; another seed differs', () => {
    const a = new IsolationForest({ trees: 30, sampleSize: 128, seed: 5 }).fit(data.columns);
    const b = new IsolationForest({ trees: 30, sampleSize: 128, seed: 5 }).fit(data.columns);
    const c = new IsolationForest({ trees: 30, sampleSize: 128, seed: 6 }).fit(data.columns);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('round-trips through JSON with bit-identical scores and contributions', () => {
    const model = new IsolationForest({ trees: 40, seed: 3 }).fit(data.columns);
    const json = JSON.parse(JSON.stringify(model)) as SerializedIsolationForest;
    expect(json.format).toBe('membrain-iforest');
    expect(json.version).toBe(1);
    const restored = IsolationForest.fromJSON(json);
    expect(restored.subsampleSize).toBe(model.subsampleSize);
    const probes = [...Array.from({ length: 610 }, (_, i) => rowOf(data.columns, i)), [Number.NaN, 0, 99]];
    for (const row of probes) {
      expect(Object.is(restored.score(row), model.score(row))).toBe(true);
      expect(Array.from(restored.contributions(row))).toEqual(Array.from(model.contributions(row)));
    }
  });

  it('rejects documents that are not a valid model', () => {
    const json = new IsolationForest({ trees: 2 }).fit(data.columns).toJSON();
    expect(() => IsolationForest.fromJSON({ ...json, version: 2 as 1 })).toThrow(/v1/);
    const cyclic = structuredClone(json);
    const tree = cyclic.trees[0]!;
    tree.left[0] = 0; // a child pointing back at the root would make scoring loop forever
    expect(() => IsolationForest.fromJSON(cyclic)).toThrow(/children/);
    const short = structuredClone(json);
    short.trees[1]!.size.pop();
    expect(() => IsolationForest.fromJSON(short)).toThrow(/inconsistent/);
  });
});

describe('isolation forest: edge cases', () => {
  it('scores exactly 0.5 when every training row is the same point', () => {
    const columns = [new Float64Array(500).fill(3), new Float64Array(500).fill(-1)];
    const model = new IsolationForest({ trees: 10 }).fit(columns);
    for (const tree of treesOf(model)) expect(Array.from(tree.feature)).toEqual([-1]);
    // h = 0 + c(ψ) in every tree, so s = 2^(−1).
    // (The mean over trees rounds in the last bit.)
    expect(model.score([3, -1])).toBeCloseTo(0.5, 15);
    expect(model.score([1000, 1000])).toBeCloseTo(0.5, 15);
    expect(Array.from(model.contributions([3, -1]))).toEqual([0, 0]);
  });

  it('never splits on a constant feature and gives it no credit', () => {
    const data = plantedOutliers(800, 8, 3, 5);
    const columns = [data.columns[0]!, new Float64Array(808).fill(42), data.columns[1]!, data.columns[2]!];
    const model = new IsolationForest({ trees: 50 }).fit(columns);
    for (const tree of treesOf(model)) expect(Array.from(tree.feature)).not.toContain(1);
    expect(model.contributions([30, 0, -30, 30])[1]).toBe(0);
  });

  it('handles missing values: fits, detects, and a missing value does not look anomalous', () => {
    const data = plantedOutliers(2000, 20, 4, 9);
    const rng = createRng(99);
    const withMissing = data.columns.map((c) => c.map((v) => (rng() < 0.15 ? Number.NaN : v)));
    // A feature missing everywhere is never split on.
    withMissing.push(new Float64Array(2020).fill(Number.NaN));
    const model = new IsolationForest({ seed: 2 }).fit(withMissing);
    for (const tree of treesOf(model)) expect(Array.from(tree.feature)).not.toContain(4);
    const scores = model.scoreColumns(withMissing);
    for (const s of scores) expect(s).toBeGreaterThan(0);
    expect(rocAuc(data.outlier, scores)).toBeGreaterThanOrEqual(0.9);
    // An inlier with one value blanked out still scores like an inlier.
    const inlier = [0.1, -0.2, 0.3, 0, Number.NaN];
    const blanked = [0.1, Number.NaN, 0.3, 0, Number.NaN];
    expect(model.score(inlier)).toBeLessThan(0.5);
    expect(model.score(blanked)).toBeLessThan(0.5);
    // A row missing everything follows the larger side everywhere: the most typical path there is.
    expect(model.score(new Array(5).fill(Number.NaN))).toBeLessThan(0.5);
  });

  it('validates its input and options', () => {
    expect(() => new IsolationForest({ trees: 0 })).toThrow(RangeError);
    expect(() => new IsolationForest({ sampleSize: 1 })).toThrow(RangeError);
    expect(() => new IsolationForest({ maxDepth: 1.5 })).toThrow(RangeError);
    const forest = new IsolationForest();
    expect(() => forest.score([1])).toThrow(/not fitted/);
    expect(() => forest.fit([])).toThrow(RangeError);
    expect(() => forest.fit([new Float64Array(1)])).toThrow(/two rows/);
    expect(() => forest.fit([new Float64Array(3), new Float64Array(2)])).toThrow(/rows/);
    expect(() => forest.fit([Float64Array.from([1, Number.POSITIVE_INFINITY])])).toThrow(/infinite/);
    forest.fit([Float64Array.from([1, 2, 3]), Float64Array.from([1, 2, 3])]);
    expect(() => forest.score([1])).toThrow(/needs 2/);
  });
});

describe('isolation forest: a hand-built tree (known answers)', () => {
  // ψ = 4; the root splits feature 0 at 0.5: one row left, three right (two leaves).
  const model = IsolationForest.fromJSON({
    format: 'membrain-iforest',
    version: 1,
    options: {},
    features: 2,
    subsampleSize: 4,
    maxDepth: 2,
    trees: [
      {
        feature: [0, -1, -1],
        threshold: [0.5, 0, 0],
        missingLeft: [0, 0, 0],
        left: [1, -1, -1],
        right: [2, -1, -1],
        size: [4, 1, 3],
      },
    ],
  });
  const c4 = 13 / 6;

  it('scores with the leaf correction c(size)', () => {
    expect(model.pathLength([0, 0])).toBe(1); // depth 1, c(1) = 0
    expect(model.score([0, 0])).toBeCloseTo(2 ** (-1 / c4), 14);
    expect(model.pathLength([1, 0])).toBeCloseTo(1 + 5 / 3, 14); // depth 1 + c(3)
    expect(model.score([1, 0])).toBeCloseTo(2 ** (-(8 / 3) / c4), 14);
    expect(model.score([Number.NaN, 0])).toBe(model.score([1, 0])); // missing goes right here
  });

  it('credits the saving c(n) − 1 − c(m) of each split, scaled by 1/(T·c(ψ))', () => {
    const isolated = model.contributions([0, 0]);
    expect(isolated[0]).toBeCloseTo((c4 - 1) / c4, 14); // 7/13
    expect(isolated[1]).toBe(0);
    const crowd = model.contributions([1, 0]);
    expect(crowd[0]).toBeCloseTo((c4 - 1 - 5 / 3) / c4, 14); // −3/13
  });
});

describe('isolation forest: contributions', () => {
  const d = 5;
  const data = plantedOutliers(3000, 0, d, 21);
  const model = new IsolationForest({ trees: 200, seed: 4 }).fit(data.columns);

  it('add up to log₂(2·score) for every row', () => {
    const rng = createRng(8);
    for (let k = 0; k < 200; k++) {
      const row = Array.from({ length: d }, () => (rng() < 0.1 ? Number.NaN : -15 + 30 * rng()));
      expect(sum(model.contributions(row))).toBeCloseTo(Math.log2(2 * model.score(row)), 12);
    }
  });

  it('gives most of the credit to the one feature in which a row is extreme', () => {
    for (let j = 0; j < d; j++) {
      // A typical member of the first cluster (centre 0), except far out in feature j (the clusters
      // span about −9..9 there).
      const row = new Array(d).fill(0.2);
      row[j] = 25;
      expect(model.score(row)).toBeGreaterThan(0.5);
      const values = model.contributions(row);
      const shares = positiveShares(values);
      const best = values.indexOf(Math.max(...values));
      expect(best).toBe(j);
      expect(shares[j]).toBeGreaterThan(0.5);
      expect(sum(shares)).toBeCloseTo(1, 12);
    }
  });

  it('positiveShares keeps only what pushed the score up, and is all zeros when nothing did', () => {
    const shares = positiveShares([0.3, -0.2, 0.1, 0]);
    [0.75, 0, 0.25, 0].forEach((share, f) => {
      expect(shares[f]).toBeCloseTo(share, 15);
    });
    expect(Array.from(positiveShares([-0.3, -0.2]))).toEqual([0, 0]);
  });
});
