import { describe, expect, it } from 'vitest';
import { createRng } from '../gbdt/prng.ts';
import { brierScore, expectedCalibrationError } from '../metrics/index.ts';
import { IsotonicCalibrator, PlattCalibrator, poolAdjacentViolators } from './index.ts';

/** Fitted value of every row: the value of the block whose score range holds the row's score. */
function fittedPerRow(scores: number[], labels: number[]): number[] {
  const blocks = poolAdjacentViolators(scores, labels);
  return scores.map((s) => {
    const b = blocks.lows.findIndex((low, k) => low <= s && s <= blocks.highs[k]!);
    return blocks.values[b]!;
  });
}

function squaredError(labels: number[], fitted: number[]): number {
  return labels.reduce((sum, y, i) => sum + (y - fitted[i]!) ** 2, 0);
}

/** Distinct scores ascending with their label sums and counts. */
function groups(scores: number[], labels: number[]) {
  const distinct = [...new Set(scores)].sort((a, b) => a - b);
  return distinct.map((x) => ({
    x,
    sum: labels.filter((_, i) => scores[i] === x).reduce((s, y) => s + y, 0),
    count: scores.filter((s) => s === x).length,
  }));
}

/**
 * An independent exact solver: the isotonic regression at group i is
 * max over j ≤ i of min over k ≥ i of the weighted mean of groups j..k (the min–max formula).
 */
function minMaxIsotonic(scores: number[], labels: number[]): number[] {
  const g = groups(scores, labels);
  const atGroup = g.map((_, i) => {
    let best = Number.NEGATIVE_INFINITY;
    for (let j = 0; j <= i; j++) {
      let worst = Number.POSITIVE_INFINITY;
      for (let k = i; k < g.length; k++) {
        let sum = 0;
        let count = 0;
        for (let m = j; m <= k; m++) {
          sum += g[m]!.sum;
          count += g[m]!.count;
        }
        worst = Math.min(worst, sum / count);
      }
      best = Math.max(best, worst);
    }
    return best;
  });
  return scores.map((s) => atGroup[g.findIndex((x) => x.x === s)]!);
}

/**
 * Exhaustive search over every non-decreasing assignment of values k/12 to the distinct scores. With
 * at most 4 rows the optimum's values are means of at most 4 labels, all multiples of 1/12, so
 * the grid contains it: the smallest error found is the optimal error.
 */
function exhaustiveIsotonicError(scores: number[], labels: number[]): number {
  const g = groups(scores, labels);
  let best = Number.POSITIVE_INFINITY;
  const values: number[] = [];
  const visit = (i: number, from: number) => {
    if (i === g.length) {
      const fitted = scores.map((s) => values[g.findIndex((x) => x.x === s)]!);
      best = Math.min(best, squaredError(labels, fitted));
      return;
    }
    for (let k = from; k <= 12; k++) {
      values[i] = k / 12;
      visit(i + 1, k);
    }
  };
  visit(0, 0);
  return best;
}

function randomCase(rng: () => number, maxRows: number): { scores: number[]; labels: number[] } {
  const n = 1 + Math.floor(rng() * maxRows);
  // Few distinct scores, so ties are common.
  const scores = Array.from({ length: n }, () => Math.floor(rng() * 5) / 2);
  const labels = scores.map(() => (rng() < 0.5 ? 1 : 0));
  return { scores, labels };
}

describe('pool-adjacent-violators', () => {
  it('matches the min–max formula and is monotone on random small inputs with ties', () => {
    const rng = createRng(3);
    for (let t = 0; t < 400; t++) {
      const { scores, labels } = randomCase(rng, 9);
      const blocks = poolAdjacentViolators(scores, labels);
      for (let b = 1; b < blocks.values.length; b++) {
        expect(blocks.values[b]!).toBeGreaterThanOrEqual(blocks.values[b - 1]!);
        expect(blocks.centres[b]!).toBeGreaterThan(blocks.centres[b - 1]!);
        expect(blocks.lows[b]!).toBeGreaterThan(blocks.highs[b - 1]!);
      }
      const ours = fittedPerRow(scores, labels);
      const reference = minMaxIsotonic(scores, labels);
      for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(reference[i]!, 12);
    }
  });

  it('reaches the least squared error of any monotone fit (exhaustive search, ≤ 4 rows)', () => {
    const rng = createRng(4);
    for (let t = 0; t < 300; t++) {
      const { scores, labels } = randomCase(rng, 4);
      const ours = squaredError(labels, fittedPerRow(scores, labels));
      expect(ours).toBeCloseTo(exhaustiveIsotonicError(scores, labels), 12);
    }
  });

  it('pools tied scores into one block before comparing neighbours', () => {
    // Score 1 twice (labels 1, 0) then score 2 (label 1): the tie is one block of mean 0.5.
    const blocks = poolAdjacentViolators([1, 2, 1], [1, 1, 0]);
    expect(Array.from(blocks.values)).toEqual([0.5, 1]);
    expect(Array.from(blocks.weights)).toEqual([2, 1]);
    // Without pooling, labels 1, 0 at equal scores would not be a violation to merge; with a later
    // lower block everything pools: means 1/2, 0 → one block of mean 1/3.
    expect(Array.from(poolAdjacentViolators([1, 1, 2], [1, 0, 0]).values)).toEqual([1 / 3]);
  });
});

describe('IsotonicCalibrator', () => {
  const calibrator = IsotonicCalibrator.fit([1, 2, 3, 4], [0, 1, 0, 1]);

  it('interpolates between block centres and clamps outside them', () => {
    // Blocks {1}: 0, {2, 3}: 0.5 (centre 2.5), {4}: 1.
    expect(Array.from(calibrator.centres)).toEqual([1, 2.5, 4]);
    expect(Array.from(calibrator.values)).toEqual([0, 0.5, 1]);
    expect(calibrator.predict(-10)).toBe(0);
    expect(calibrator.predict(1)).toBe(0);
    expect(calibrator.predict(1.75)).toBeCloseTo(0.25, 15);
    expect(calibrator.predict(2.5)).toBe(0.5);
    expect(calibrator.predict(3.7)).toBeCloseTo(0.5 + (1.2 / 1.5) * 0.5, 15);
    expect(calibrator.predict(99)).toBe(1);
    expect(calibrator.predict(Number.NaN)).toBeNaN();
  });

  it('is non-decreasing everywhere', () => {
    const rng = createRng(5);
    const scores = Array.from({ length: 300 }, () => rng());
    const fitted = IsotonicCalibrator.fit(
      scores,
      scores.map((s) => (rng() < s ? 1 : 0)),
    );
    let previous = Number.NEGATIVE_INFINITY;
    for (let s = -0.1; s <= 1.1; s += 0.001) {
      const p = fitted.predict(s);
      expect(p).toBeGreaterThanOrEqual(previous);
      previous = p;
    }
  });

  it('round-trips through JSON and rejects invalid documents', () => {
    const restored = IsotonicCalibrator.fromJSON(JSON.parse(JSON.stringify(calibrator)));
    for (const s of [0, 1.3, 2.2, 3.9, 5]) expect(restored.predict(s)).toBe(calibrator.predict(s));
    expect(() => IsotonicCalibrator.fromJSON({ ...calibrator.toJSON(), version: 2 as 1 })).toThrow(/v1/);
    expect(() =>
      IsotonicCalibrator.fromJSON({
        format: 'membrain-isotonic',
        version: 1,
        centres: [1, 2],
        values: [0.6, 0.4],
      }),
    ).toThrow(/decrease/);
  });
});

describe('PlattCalibrator', () => {
  /** The fit's own objective, written independently: cross-entropy against Platt's targets. */
  function plattObjective(scores: number[], labels: number[], a: number, b: number): number {
    const positives = labels.filter((y) => y === 1).length;
    const negatives = labels.length - positives;
    let sum = 0;
    scores.forEach((s, i) => {
      const t = labels[i] === 1 ? (positives + 1) / (positives + 2) : 1 / (negatives + 2);
      const p = 1 / (1 + Math.exp(-(a * s + b)));
      sum -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
    });
    return sum;
  }

  it('recovers a and b from labels drawn from a known logistic', () => {
    const rng = createRng(11);
    const scores = Array.from({ length: 100_000 }, () => -3 + 6 * rng());
    const labels = scores.map((s) => (rng() < 1 / (1 + Math.exp(-(2 * s - 1))) ? 1 : 0));
    const { a, b } = PlattCalibrator.fit(scores, labels);
    expect(a).toBeCloseTo(2, 1);
    expect(b).toBeCloseTo(-1, 1);
    expect(Math.abs(a - 2)).toBeLessThan(0.05);
    expect(Math.abs(b + 1)).toBeLessThan(0.05);
  });

  it('lands on the minimum of the smoothed-target cross-entropy', () => {
    const rng = createRng(12);
    const scores = Array.from({ length: 300 }, () => rng());
    const labels = scores.map((s) => (rng() < s * s ? 1 : 0));
    const { a, b } = PlattCalibrator.fit(scores, labels);
    const at = plattObjective(scores, labels, a, b);
    for (const [da, db] of [
      [1e-3, 0],
      [-1e-3, 0],
      [0, 1e-3],
      [0, -1e-3],
      [1e-3, -1e-3],
    ])
      expect(plattObjective(scores, labels, a + da!, b + db!)).toBeGreaterThan(at);
  });

  it('stays finite on separable data, thanks to the smoothed targets', () => {
    const { a, b } = PlattCalibrator.fit([0, 1, 2, 3], [0, 0, 1, 1]);
    expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
    const calibrator = new PlattCalibrator(a, b);
    expect(calibrator.predict(3)).toBeLessThan(1);
    expect(calibrator.predict(3)).toBeGreaterThan(calibrator.predict(0));
  });

  it('round-trips through JSON and validates input', () => {
    const calibrator = new PlattCalibrator(1.5, -0.25);
    const restored = PlattCalibrator.fromJSON(JSON.parse(JSON.stringify(calibrator)));
    expect(restored.predict(0.7)).toBe(calibrator.predict(0.7));
    expect(() =>
      PlattCalibrator.fromJSON({ format: 'membrain-isotonic' as 'membrain-platt', version: 1, a: 1, b: 0 }),
    ).toThrow();
    expect(() => PlattCalibrator.fit([1, 2], [1])).toThrow(RangeError);
    expect(() => PlattCalibrator.fit([1, Number.NaN], [1, 0])).toThrow(RangeError);
    expect(() => PlattCalibrator.fit([1, 2], [1, 2])).toThrow(RangeError);
  });
});

describe('calibrating a mis-scaled score', () => {
  // True probability p uniform; the model reports p³ (over-confident toward 0).
  const rng = createRng(21);
  const draw = (n: number) => {
    const truth = Array.from({ length: n }, () => rng());
    return { scores: truth.map((p) => p ** 3), labels: truth.map((p) => (rng() < p ? 1 : 0)) };
  };
  const fit = draw(20_000);
  const heldOut = draw(20_000);
  const rawBrier = brierScore(heldOut.labels, heldOut.scores);
  const rawEce = expectedCalibrationError(heldOut.labels, heldOut.scores);

  for (const [name, calibrator] of [
    ['Platt', PlattCalibrator.fit(fit.scores, fit.labels)],
    ['isotonic', IsotonicCalibrator.fit(fit.scores, fit.labels)],
  ] as const) {
    it(`${name} lowers the held-out Brier score and ECE`, () => {
      const calibrated = calibrator.predictAll(heldOut.scores);
      const brier = brierScore(heldOut.labels, calibrated);
      const ece = expectedCalibrationError(heldOut.labels, calibrated);
      expect(brier).toBeLessThan(rawBrier);
      expect(ece).toBeLessThan(rawEce / 2);
    });
  }

  it('isotonic gets close to the Brier score of the true probabilities', () => {
    // With p known, the best possible Brier score is E[p(1 − p)] = 1/6.
    const calibrated = IsotonicCalibrator.fit(fit.scores, fit.labels).predictAll(heldOut.scores);
    expect(brierScore(heldOut.labels, calibrated)).toBeLessThan(1 / 6 + 0.01);
  });
});
