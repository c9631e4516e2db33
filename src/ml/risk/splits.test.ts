import { describe, expect, it } from 'vitest';
import { stratifiedFolds, stratifiedSplit, timeSplit } from './splits.ts';

describe('risk splits', () => {
  const n = 1000;
  const labels = Float64Array.from({ length: n }, (_, i) => (i % 10 === 3 ? 1 : 0)); // 100 positives
  const all = Array.from({ length: n }, (_, i) => i);

  it('stratified: 70/30 of each class, disjoint, covering, seeded', () => {
    const s = stratifiedSplit(all, labels, 0.7, 42);
    expect(s.train).toHaveLength(700);
    expect(s.test).toHaveLength(300);
    expect(s.train.filter((i) => labels[i] === 1)).toHaveLength(70);
    expect(s.test.filter((i) => labels[i] === 1)).toHaveLength(30);
    expect(new Set([...s.train, ...s.test]).size).toBe(n);
    expect(s.train).toEqual([...s.train].sort((a, b) => a - b));
    expect(stratifiedSplit(all, labels, 0.7, 42)).toEqual(s);
    expect(stratifiedSplit(all, labels, 0.7, 43).test).not.toEqual(s.test);
  });

  it('stratified on a subset uses only those indices', () => {
    const subset = all.filter((i) => i % 2 === 1);
    const s = stratifiedSplit(subset, labels, 0.8, 1);
    expect([...s.train, ...s.test].sort((a, b) => a - b)).toEqual(subset);
  });

  it('time: the earliest 70 % train, every test time ≥ every train time', () => {
    const times = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 1009); // shuffled times
    const s = timeSplit(times, 0.7);
    expect(s.train).toHaveLength(700);
    expect(s.test).toHaveLength(300);
    const lastTrain = Math.max(...s.train.map((i) => times[i]!));
    expect(Math.min(...s.test.map((i) => times[i]!))).toBeGreaterThanOrEqual(lastTrain);
  });

  it('folds: a partition into k parts, each with about 1/k of each class', () => {
    const folds = stratifiedFolds(all, labels, 4, 42);
    expect(folds).toHaveLength(4);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(all);
    for (const fold of folds) {
      expect(fold.length).toBe(250);
      expect(fold.filter((i) => labels[i] === 1)).toHaveLength(25);
    }
    expect(() => stratifiedFolds(all, labels, 1, 42)).toThrow(RangeError);
  });
});
