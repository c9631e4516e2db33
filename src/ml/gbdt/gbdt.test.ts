import { describe, expect, it } from 'vitest';
import { rocAuc } from '../metrics/index.ts';
import { applyBins, binOf, computeCuts, MISSING_BIN } from './binning.ts';
import { type Dataset, GbdtModel, train } from './booster.ts';
import { createRng } from './prng.ts';
import { findBestSplit } from './tree.ts';

/** Synthetic binary task with an interaction (XOR of signs) and a ring: no single split separates it. */
function synthetic(n: number, seed: number, missingShare = 0): Dataset & { logits: Float64Array } {
  const rng = createRng(seed);
  const columns = Array.from({ length: 5 }, () => new Float64Array(n));
  const labels = new Float64Array(n);
  const logits = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = columns.map(() => rng() * 2 - 1);
    const logit = 4 * Math.sign(x[0]! * x[1]!) + 3 * (x[2]! * x[2]! + x[3]! * x[3]! < 0.5 ? 1 : -1);
    logits[i] = logit;
    labels[i] = rng() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    x.forEach((v, f) => {
      columns[f]![i] = rng() < missingShare ? Number.NaN : v;
    });
  }
  return { columns, labels, logits };
}

function rowOf(data: Dataset, i: number): number[] {
  return data.columns.map((c) => c[i]!);
}

describe('binning', () => {
  it('keeps every distinct value when there are fewer than the bin budget', () => {
    const { cuts } = computeCuts(Float64Array.from([3, 1, 2, 2, Number.NaN, 1]));
    expect(Array.from(cuts)).toEqual([1, 2]);
    expect([1, 2, 3, 0.5, 2.5, 99].map((v) => binOf(v, cuts))).toEqual([0, 1, 2, 0, 2, 2]);
    expect(binOf(Number.NaN, cuts)).toBe(MISSING_BIN);
  });

  it('uses quantile cuts with at most maxBins bins', () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => i);
    const { cuts } = computeCuts(values, 10);
    expect(cuts.length).toBe(9);
    const binned = applyBins([values], [{ cuts }]).columns[0]!;
    const counts = new Array(10).fill(0);
    for (const b of binned) counts[b]++;
    expect(counts).toEqual(new Array(10).fill(1000));
    const full = computeCuts(values);
    expect(full.cuts.length + 1).toBeLessThanOrEqual(255);
  });
});

describe('split finding', () => {
  const params = { lambda: 0, gamma: 0, minChildWeight: 0 };
  function histogram(entries: Record<number, [number, number]>): Float64Array {
    const hist = new Float64Array(256 * 2);
    for (const [bin, [g, h]] of Object.entries(entries)) {
      hist[Number(bin) * 2] = g;
      hist[Number(bin) * 2 + 1] = h;
    }
    return hist;
  }

  it('picks the threshold with the largest gain', () => {
    // Bins 0,1 pull up (g = −1 each), bins 2,3 pull down: the split is after bin 1.
    const hist = histogram({ 0: [-1, 1], 1: [-1, 1], 2: [1, 1], 3: [1, 1] });
    const split = findBestSplit(hist, [0], [4], 0, 4, params)!;
    expect(split.bin).toBe(1);
    // ½ · (4/2 + 4/2 − 0) = 2
    expect(split.gain).toBeCloseTo(2, 12);
  });

  it('learns the direction of missing values', () => {
    // Missing rows look like the right side (positive gradients): they should go right.
    const hist = histogram({ 0: [-2, 2], 1: [1, 1], [MISSING_BIN]: [1, 1] });
    const split = findBestSplit(hist, [0], [2], 0, 4, params)!;
    expect(split.bin).toBe(0);
    expect(split.defaultLeft).toBe(false);
    const flipped = histogram({ 0: [-1, 1], 1: [2, 2], [MISSING_BIN]: [-1, 1] });
    expect(findBestSplit(flipped, [0], [2], 0, 4, params)!.defaultLeft).toBe(true);
  });

  it('respects gamma and min child weight', () => {
    const hist = histogram({ 0: [-1, 1], 1: [1, 1] });
    expect(findBestSplit(hist, [0], [2], 0, 2, { ...params, gamma: 0.99 })).toBeDefined();
    expect(findBestSplit(hist, [0], [2], 0, 2, { ...params, gamma: 1 })).toBeUndefined();
    expect(findBestSplit(hist, [0], [2], 0, 2, { ...params, minChildWeight: 1.5 })).toBeUndefined();
  });
});

describe('a tiny hand-checkable tree', () => {
  it('fits a step function exactly with one split', () => {
    const data = { columns: [Float64Array.from([1, 2, 3, 4])], labels: Float64Array.from([0, 0, 10, 10]) };
    const { model } = train(data, {
      objective: 'reg:squarederror',
      rounds: 1,
      maxDepth: 1,
      lambda: 0,
      learningRate: 1,
      minChildWeight: 0,
    });
    // Base 5; gradients +5, +5, −5, −5; leaf weights −10/2 = −5 and +5; gain ½(100/2 + 100/2) = 50.
    const tree = model.trees[0]!;
    expect(model.baseMargin).toBe(5);
    expect(tree.feature[0]).toBe(0);
    expect(tree.threshold[0]).toBe(2);
    expect(tree.gain[0]).toBeCloseTo(50, 12);
    expect(Array.from(tree.value.subarray(1))).toEqual([-5, 5]);
    expect([1, 2, 3, 4, 2.5].map((x) => model.predict([x]))).toEqual([0, 0, 10, 10, 10]);
  });

  it('shrinks leaves by lambda and the learning rate', () => {
    const data = { columns: [Float64Array.from([1, 2, 3, 4])], labels: Float64Array.from([0, 0, 10, 10]) };
    const { model } = train(data, {
      objective: 'reg:squarederror',
      rounds: 1,
      maxDepth: 1,
      lambda: 2,
      learningRate: 0.5,
      minChildWeight: 0,
    });
    // −G/(H+λ)·η = −10/(2+2)·0.5 = −1.25
    expect(model.predict([1])).toBeCloseTo(5 - 1.25, 12);
  });
});

describe('training', () => {
  it('learns a nonlinear signal to a high AUC on held-out data', () => {
    const trainSet = synthetic(6000, 1);
    const test = synthetic(3000, 2);
    const { model } = train(trainSet, { rounds: 120, learningRate: 0.1, maxDepth: 4 });
    const auc = rocAuc(test.labels, model.predictColumns(test.columns));
    // Scoring by the true logit gives the best achievable AUC under this label noise (≈ 0.93);
    // a linear model gets ≈ 0.5 on the XOR part.
    const oracle = rocAuc(test.labels, test.logits);
    expect(oracle).toBeGreaterThan(0.9);
    expect(auc).toBeGreaterThan(oracle - 0.015);
  });

  it('handles missing values and leaf-wise growth with a leaf budget', () => {
    const trainSet = synthetic(4000, 3, 0.1);
    const test = synthetic(2000, 4, 0.1);
    const { model } = train(trainSet, {
      rounds: 80,
      learningRate: 0.15,
      growPolicy: 'lossguide',
      maxLeaves: 8,
      maxDepth: 0,
    });
    for (const tree of model.trees) {
      const leaves = Array.from(tree.feature).filter((f) => f < 0).length;
      expect(leaves).toBeLessThanOrEqual(8);
    }
    expect(rocAuc(test.labels, model.predictColumns(test.columns))).toBeGreaterThan(0.85);
  });

  it('fits a regression target', () => {
    const rng = createRng(9);
    const x = Float64Array.from({ length: 2000 }, () => rng() * 6);
    const y = x.map((v) => Math.sin(v) * 3);
    const { model, curve } = train(
      { columns: [x], labels: y },
      { objective: 'reg:squarederror', rounds: 60 },
    );
    expect(curve[0]!.train!).toBeGreaterThan(1);
    expect(curve.at(-1)!.train!).toBeLessThan(0.05);
    expect(model.predict([Math.PI / 2])).toBeCloseTo(3, 0);
  });

  it('is deterministic for a seed, with row and column subsampling', () => {
    const data = synthetic(2000, 5);
    const options = { rounds: 20, subsample: 0.7, colsampleByTree: 0.6, seed: 42 };
    const a = JSON.stringify(train(data, options).model.toJSON());
    const b = JSON.stringify(train(data, options).model.toJSON());
    const c = JSON.stringify(train(data, { ...options, seed: 43 }).model.toJSON());
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('stops early when the validation metric stops improving and keeps the best round', () => {
    // Labels are pure noise: validation loss bottoms out almost at once while training loss falls.
    const rng = createRng(11);
    const noise = (n: number): Dataset => ({
      columns: [Float64Array.from({ length: n }, () => rng()), Float64Array.from({ length: n }, () => rng())],
      labels: Float64Array.from({ length: n }, () => (rng() < 0.5 ? 1 : 0)),
    });
    const { model, curve, bestRound } = train(
      noise(1000),
      { rounds: 200, earlyStoppingRounds: 5, learningRate: 0.5 },
      noise(500),
    );
    expect(curve.length).toBeLessThan(200);
    expect(curve.length).toBe(bestRound + 5 + 1);
    expect(model.trees.length).toBe(bestRound + 1);
    const best = Math.min(...curve.map((r) => r.valid!));
    expect(curve[bestRound]!.valid).toBe(best);
    expect(curve.at(-1)!.train!).toBeLessThan(curve[0]!.train!);
  });
});

describe('model inspection', () => {
  const data = synthetic(3000, 6, 0.05);
  const { model } = train(data, { rounds: 30, maxDepth: 5, learningRate: 0.2 });

  it('contributions plus bias sum to the raw margin (TreeSHAP and Saabas)', () => {
    for (const method of ['treeshap', 'saabas'] as const) {
      for (let i = 0; i < 200; i++) {
        const row = rowOf(data, i);
        const { bias, values } = model.contributions(row, method);
        const sum = values.reduce((s, v) => s + v, bias);
        expect(sum).toBeCloseTo(model.predictMargin(row), 10);
      }
    }
  });

  it('TreeSHAP equals brute-force Shapley values of the cover-weighted tree expectation', () => {
    // Small model so every coalition of the 5 features can be enumerated.
    const small = train(synthetic(800, 12, 0.1), { rounds: 3, maxDepth: 4, learningRate: 0.5 }).model;
    const M = small.features;
    // The interesting case for TreeSHAP: a feature split twice on one path (its entry is unwound).
    let repeats = 0;
    for (const tree of small.trees) {
      const visit = (node: number, seen: number[]) => {
        const f = tree.feature[node]!;
        if (f < 0) return;
        if (seen.includes(f)) repeats++;
        visit(tree.left[node]!, [...seen, f]);
        visit(tree.right[node]!, [...seen, f]);
      };
      visit(0, []);
    }
    expect(repeats).toBeGreaterThan(0);
    /** E[f(x) | x_S]: features in S follow the row, others split by training cover. */
    const conditional = (row: number[], inS: (f: number) => boolean): number => {
      let total = small.baseMargin;
      for (const tree of small.trees) {
        const walk = (node: number): number => {
          const f = tree.feature[node]!;
          if (f < 0) return tree.value[node]!;
          const l = tree.left[node]!;
          const r = tree.right[node]!;
          if (inS(f)) {
            const v = row[f]!;
            const goLeft = Number.isNaN(v) ? tree.defaultLeft[node] === 1 : v <= tree.threshold[node]!;
            return walk(goLeft ? l : r);
          }
          return (tree.cover[l]! * walk(l) + tree.cover[r]! * walk(r)) / tree.cover[node]!;
        };
        total += walk(0);
      }
      return total;
    };
    const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
    const data12 = synthetic(20, 13, 0.2);
    for (let i = 0; i < 20; i++) {
      const row = rowOf(data12, i);
      const expected = new Float64Array(M);
      for (let mask = 0; mask < 1 << M; mask++) {
        const size = (mask.toString(2).match(/1/g) ?? []).length;
        const without = conditional(row, (f) => ((mask >> f) & 1) === 1);
        for (let f = 0; f < M; f++) {
          if ((mask >> f) & 1) continue;
          const weight = (factorial(size) * factorial(M - size - 1)) / factorial(M);
          const withF = conditional(row, (g) => g === f || ((mask >> g) & 1) === 1);
          expected[f] = expected[f]! + weight * (withF - without);
        }
      }
      const { bias, values } = small.contributions(row);
      expect(bias).toBeCloseTo(
        conditional(row, () => false),
        10,
      );
      for (let f = 0; f < M; f++) expect(values[f]).toBeCloseTo(expected[f]!, 10);
    }
  });

  it('credits the informative features in importance and contributions', () => {
    const { gain, splits } = model.importance();
    // Feature 4 is noise: it must rank last by gain.
    expect(Math.min(...gain)).toBe(gain[4]);
    expect(splits.reduce((a, b) => a + b, 0)).toBeGreaterThan(30);
  });

  it('round-trips through JSON with identical predictions', () => {
    const restored = GbdtModel.fromJSON(JSON.parse(JSON.stringify(model)));
    for (let i = 0; i < 300; i++) {
      const row = rowOf(data, i);
      expect(restored.predictMargin(row)).toBe(model.predictMargin(row));
    }
    expect(() => GbdtModel.fromJSON({ ...model.toJSON(), version: 2 as 1 })).toThrow();
  });
});
