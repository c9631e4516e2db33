import { describe, expect, it } from 'vitest';
import { createRng } from '../gbdt/prng.ts';
import { brierScore, expectedCalibrationError } from './index.ts';

/** ECE written the long way: group rows by bin, then weight each bin's gap by its share of rows. */
function bruteForceEce(labels: number[], probabilities: number[], bins: number): number {
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const members = probabilities
      .map((p, i) => ({ p, y: labels[i]! }))
      .filter(({ p }) => (b === bins - 1 ? p >= b / bins : p >= b / bins && p < (b + 1) / bins));
    if (members.length === 0) continue;
    const rate = members.reduce((s, m) => s + m.y, 0) / members.length;
    const confidence = members.reduce((s, m) => s + m.p, 0) / members.length;
    ece += (members.length / labels.length) * Math.abs(rate - confidence);
  }
  return ece;
}

describe('brierScore', () => {
  it('has the known values', () => {
    expect(brierScore([1, 0, 1], [1, 0, 1])).toBe(0);
    expect(brierScore([1, 0, 1], [0, 1, 0])).toBe(1);
    expect(brierScore([1, 0, 0, 0], [0.5, 0.5, 0.5, 0.5])).toBe(0.25);
    // (0.1² + 0.3² + 0.4²) / 3
    expect(brierScore([1, 0, 1], [0.9, 0.3, 0.6])).toBeCloseTo((0.01 + 0.09 + 0.16) / 3, 15);
  });

  it('is minimised in expectation by the true probability', () => {
    // Labels drawn with probability 0.3: predicting 0.3 beats 0.2 and 0.4 on a large sample.
    const rng = createRng(1);
    const labels = Array.from({ length: 20_000 }, () => (rng() < 0.3 ? 1 : 0));
    const at = (p: number) => brierScore(labels, new Float64Array(labels.length).fill(p));
    expect(at(0.3)).toBeLessThan(at(0.2));
    expect(at(0.3)).toBeLessThan(at(0.4));
    expect(at(0.3)).toBeCloseTo(0.21, 2);
  });

  it('rejects probabilities outside [0, 1], NaN and length mismatches', () => {
    expect(() => brierScore([1], [1.5])).toThrow(RangeError);
    expect(() => brierScore([1], [Number.NaN])).toThrow(RangeError);
    expect(() => brierScore([1, 0], [1])).toThrow(RangeError);
    expect(brierScore([], [])).toBeNaN();
  });
});

describe('expectedCalibrationError', () => {
  it('has a hand-computed value', () => {
    // Bin [0.1, 0.2): p = 0.1, 0.1, labels 0, 1 → |0.5 − 0.1| = 0.4, weight 2/4.
    // Bin [0.9, 1]: p = 0.9, 1, labels 1, 1 → |1 − 0.95| = 0.05, weight 2/4.
    expect(expectedCalibrationError([0, 1, 1, 1], [0.1, 0.1, 0.9, 1])).toBeCloseTo(0.225, 15);
  });

  it('is 0 when each bin’s mean probability equals its observed rate', () => {
    // Bin of 0.25: one positive in four; of 0.5: one in two; of 0.75: three in four.
    const labels = [0, 0, 0, 1, 1, 0, 1, 1, 1, 0];
    const probabilities = [0.25, 0.25, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 0.75, 0.75];
    expect(expectedCalibrationError(labels, probabilities)).toBeCloseTo(0, 15);
    // Moving one label breaks it: the 0.75 bin becomes all positive (gap 0.25, 4 of 10 rows).
    labels[9] = 1;
    expect(expectedCalibrationError(labels, probabilities)).toBeCloseTo(0.1, 15);
    expect(expectedCalibrationError([0, 1, 1], [2 / 3, 2 / 3, 2 / 3])).toBeCloseTo(0, 15);
  });

  it('with one bin is the gap between the mean label and the mean probability', () => {
    expect(expectedCalibrationError([1, 0, 0, 0], [0.9, 0.1, 0.2, 0.4], 1)).toBeCloseTo(0.4 - 0.25, 15);
  });

  it('agrees with a per-bin brute force on random data, for several bin counts', () => {
    const rng = createRng(7);
    for (const bins of [1, 3, 10, 15]) {
      const probabilities = Array.from({ length: 500 }, () => (rng() < 0.05 ? 1 : rng()));
      const labels = probabilities.map((p) => (rng() < p * p ? 1 : 0));
      expect(expectedCalibrationError(labels, probabilities, bins)).toBeCloseTo(
        bruteForceEce(labels, probabilities, bins),
        12,
      );
    }
  });

  it('validates its input', () => {
    expect(() => expectedCalibrationError([1], [0.5], 0)).toThrow(RangeError);
    expect(() => expectedCalibrationError([1], [0.5], 2.5)).toThrow(RangeError);
    expect(() => expectedCalibrationError([1], [-0.1])).toThrow(RangeError);
    expect(expectedCalibrationError([], [])).toBeNaN();
  });
});
