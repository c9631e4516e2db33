import { describe, expect, it } from 'vitest';
import { averagePrecision, logLoss, recallAtFpr, rmse, rocAuc } from './metrics.ts';

describe('rocAuc', () => {
  it('counts correctly ordered positive/negative pairs', () => {
    // Pairs (pos, neg): 0.8>0.6, 0.8>0.2, 0.4<0.6, 0.4>0.2 → 3 of 4.
    expect(rocAuc([1, 0, 1, 0], [0.8, 0.6, 0.4, 0.2])).toBeCloseTo(0.75, 12);
  });

  it('counts ties as one half', () => {
    // pos 0.5 vs neg 0.5 tie (½), pos 0.5 > neg 0.1, pos 0.9 > both → (1 + 1 + ½ + 1) / 4.
    expect(rocAuc([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.1])).toBeCloseTo(3.5 / 4, 12);
    expect(rocAuc([1, 0, 1, 0], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, NaN with one class', () => {
    expect(rocAuc([0, 0, 1], [1, 2, 3])).toBe(1);
    expect(rocAuc([1, 0, 0], [3, 2, 1]) + rocAuc([1, 0, 0], [1, 2, 3])).toBe(1);
    expect(rocAuc([1, 1], [0.1, 0.2])).toBeNaN();
    expect(() => rocAuc([1, 0], [Number.NaN, 0.2])).toThrow(RangeError);
  });

  it('agrees with the pair-counting definition on random scores with ties', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const labels = Array.from({ length: 300 }, () => (next() < 0.3 ? 1 : 0));
    const scores = labels.map((y) => Math.round((next() + y * 0.3) * 20) / 20);
    let pairs = 0;
    let wins = 0;
    for (let i = 0; i < labels.length; i++) {
      for (let j = 0; j < labels.length; j++) {
        if (labels[i] !== 1 || labels[j] !== 0) continue;
        pairs++;
        wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
    expect(rocAuc(labels, scores)).toBeCloseTo(wins / pairs, 12);
  });
});

describe('averagePrecision', () => {
  it('matches the hand-computed sum of precision at each recall step', () => {
    // Ranking: 1 (P=1/1), 0, 1 (P=2/3), 0 → AP = ½·1 + ½·⅔ = 5/6.
    expect(averagePrecision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])).toBeCloseTo(5 / 6, 12);
  });

  it('treats a tie group as one threshold', () => {
    // Top group {1, 0} at 0.9: R=½, P=½; then {1} at 0.5: R=1, P=⅔ → ¼ + ⅓.
    expect(averagePrecision([1, 0, 1], [0.9, 0.9, 0.5])).toBeCloseTo(0.25 + 1 / 3, 12);
  });
});

describe('recallAtFpr', () => {
  const labels = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
  const scores = [0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];

  it('returns the best recall with false-positive rate within the bound', () => {
    // 9 negatives. FPR 0 → first two positives (recall ⅔); FPR 1/9 → all three.
    expect(recallAtFpr(labels, scores, 0.1)).toBeCloseTo(2 / 3, 12);
    expect(recallAtFpr(labels, scores, 1 / 9)).toBe(1);
  });

  it('cannot split a tie group', () => {
    // Positive tied with a negative at the top: taking it costs FPR 1/2.
    expect(recallAtFpr([1, 0, 1, 0], [0.9, 0.9, 0.8, 0.1], 0.4)).toBe(0);
  });
});

describe('logLoss and rmse', () => {
  it('match hand-computed values', () => {
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
    expect(Number.isFinite(logLoss([1], [0]))).toBe(true);
    expect(rmse([1, 2, 3], [1, 2, 5])).toBeCloseTo(Math.sqrt(4 / 3), 12);
  });
});
