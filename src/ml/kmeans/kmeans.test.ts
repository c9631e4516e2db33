import { describe, expect, it } from 'vitest';
import { gaussianBlobs } from './blobs.ts';
import {
  assignLabels,
  chooseK,
  columnStats,
  fitKMeans,
  fromRows,
  informativeColumns,
  silhouetteScore,
  standardizeInPlace,
} from './index.ts';

/** True when `labels` equals `truth` up to renaming the clusters. */
function samePartition(labels: Int32Array, truth: Int32Array): boolean {
  const map = new Map<number, number>();
  const used = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] as number;
    const t = truth[i] as number;
    if (!map.has(l)) {
      if (used.has(t)) return false;
      map.set(l, t);
      used.add(t);
    } else if (map.get(l) !== t) return false;
  }
  return true;
}

describe('k-means', () => {
  it('recovers well-separated Gaussian blobs exactly', () => {
    const { x, truth } = gaussianBlobs(3000, 5, 4, { sd: 0.5, spread: 10, seed: 3 });
    const fit = fitKMeans(x, { k: 4, seed: 1 });
    expect(samePartition(fit.labels, truth)).toBe(true);
    expect(fit.converged).toBe(true);
  });

  it('gives identical centroids and labels for the same seed', () => {
    const { x } = gaussianBlobs(2000, 6, 5, { sd: 2, spread: 4, seed: 9 });
    const a = fitKMeans(x, { k: 5, seed: 42 });
    const b = fitKMeans(x, { k: 5, seed: 42 });
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(a.inertia).toBe(b.inertia);
  });

  it('keeps the restart with the lowest inertia, so more restarts never do worse', () => {
    const { x } = gaussianBlobs(1500, 4, 6, { sd: 2.5, spread: 5, seed: 4 });
    const one = fitKMeans(x, { k: 6, seed: 8, restarts: 1 });
    const many = fitKMeans(x, { k: 6, seed: 8, restarts: 6 });
    expect(many.inertia).toBeLessThanOrEqual(one.inertia);
  });

  it('reports an inertia equal to the summed squared distances to the nearest centroid', () => {
    const { x } = gaussianBlobs(500, 3, 3, { seed: 5 });
    const fit = fitKMeans(x, { k: 3, seed: 2 });
    const again = assignLabels(x, fit.centroids, 3);
    expect(again.inertia).toBeCloseTo(fit.inertia, 8);
    expect(Array.from(again.labels)).toEqual(Array.from(fit.labels));
  });

  it('rejects a k larger than the number of rows', () => {
    expect(() => fitKMeans(fromRows([[1], [2]]), { k: 3 })).toThrow(RangeError);
  });

  it('puts duplicate points in one cluster and still returns k centroids', () => {
    const x = fromRows([[0], [0], [0], [10], [10], [10]]);
    const fit = fitKMeans(x, { k: 2, seed: 1 });
    expect(fit.labels[0]).toBe(fit.labels[2]);
    expect(fit.labels[3]).toBe(fit.labels[5]);
    expect(fit.labels[0]).not.toBe(fit.labels[3]);
    expect(fit.inertia).toBe(0);
  });
});

describe('silhouette', () => {
  it('matches a tiny case computed by hand', () => {
    // Rows 0, 1 | 5, 7 on a line: s = 5/6, 4/5, (4.5−2)/4.5, (6.5−2)/6.5.
    const x = fromRows([[0], [1], [5], [7]]);
    const expected = (5 / 6 + 4 / 5 + 2.5 / 4.5 + 4.5 / 6.5) / 4;
    expect(silhouetteScore(x, Int32Array.from([0, 0, 1, 1]), 2)).toBeCloseTo(expected, 12);
  });

  it('scores a row alone in its cluster as zero', () => {
    // Rows 0, 2 | 6: s = (6−2)/6, (4−2)/4, 0.
    const x = fromRows([[0], [2], [6]]);
    expect(silhouetteScore(x, Int32Array.from([0, 0, 1]), 2)).toBeCloseTo((2 / 3 + 1 / 2) / 3, 12);
  });

  it('needs two non-empty clusters', () => {
    expect(() => silhouetteScore(fromRows([[0], [1]]), Int32Array.from([0, 0]), 2)).toThrow(RangeError);
  });
});

describe('choosing k', () => {
  it.each([3, 5])('picks the true k = %i on blobs and records every k tried', (trueK) => {
    const { x, truth } = gaussianBlobs(1200, 4, trueK, { sd: 0.6, spread: 8, minSeparation: 6, seed: trueK });
    const chosen = chooseK(x, { seed: 1, kMin: 2, kMax: 8, silhouetteRows: 600 });
    expect(chosen.k).toBe(trueK);
    expect(Object.keys(chosen.silhouettes).map(Number)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(samePartition(chosen.fit.labels, truth)).toBe(true);
  });
});

describe('standardisation', () => {
  it('gives z-scores with mean 0 and deviation 1, and missing values 0', () => {
    const x = fromRows([
      [1, 5, Number.NaN],
      [2, 5, 4],
      [3, 5, 8],
    ]);
    const stats = columnStats(x);
    expect(Array.from(stats.means)).toEqual([2, 5, 6]);
    expect(stats.stds[0]).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(stats.counts[2]).toBe(2);
    expect(informativeColumns(stats.stds)).toEqual([0, 2]);
    standardizeInPlace(x, stats.means, stats.stds);
    expect(x.data[0]).toBeCloseTo(-Math.sqrt(3 / 2), 12);
    expect(x.data[2]).toBe(0);
    expect(x.data[1]).toBe(0);
    expect(x.data[8]).toBeCloseTo(1, 12);
  });
});
