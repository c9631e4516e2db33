import { describe, expect, it } from 'vitest';
import { buildInteractions } from './interactions.ts';
import { ItemKnnRecommender, itemNeighbours } from './item-knn.ts';
import { PopularityRecommender } from './popularity.ts';

// u0 {a, b}, u1 {a, b, c}, u2 {b, c}: ‖a‖ = √2, ‖b‖ = √3, ‖c‖ = √2; a·b = 2, a·c = 1, b·c = 2.
const data = buildInteractions([
  { user: 'u0', item: 'a' },
  { user: 'u0', item: 'b' },
  { user: 'u1', item: 'a' },
  { user: 'u1', item: 'b' },
  { user: 'u1', item: 'c' },
  { user: 'u2', item: 'b' },
  { user: 'u2', item: 'c' },
]);

const rowOf = (n: ReturnType<typeof itemNeighbours>, i: number) => ({
  items: [...n.indices.subarray(n.indptr[i], n.indptr[i + 1])],
  sims: [...n.sims.subarray(n.indptr[i], n.indptr[i + 1])],
});

describe('item-kNN', () => {
  it('computes cosine with shrinkage: dot / (‖i‖‖j‖ + λ)', () => {
    const n = itemNeighbours(data, { k: 10, shrinkage: 1 });
    const ab = Math.fround(2 / (Math.sqrt(6) + 1));
    expect(rowOf(n, 0)).toEqual({ items: [1, 2], sims: [ab, Math.fround(1 / 3)] });
    expect(rowOf(n, 1).items).toEqual([0, 2]);
    expect(rowOf(n, 1).sims[0]).toBe(ab);
  });

  it('keeps only the top-k neighbours per item, ties to the lower index', () => {
    const n = itemNeighbours(data, { k: 1 });
    expect(rowOf(n, 0).items).toEqual([1]);
    expect(rowOf(n, 1).items).toEqual([0]);
    expect(rowOf(n, 2).items).toEqual([1]);
    expect(n.indices.length).toBe(3);
  });

  it('scores item j by the user’s items among j’s neighbours', () => {
    const model = new ItemKnnRecommender({ k: 1 });
    model.fit(data);
    const out = new Float32Array(3);
    model.scoreUser(0, out); // u0 has a and b; N(a) = {b}, N(b) = {a}, N(c) = {b}
    expect(out[0]).toBeCloseTo(2 / Math.sqrt(6), 6);
    expect(out[1]).toBeCloseTo(2 / Math.sqrt(6), 6);
    expect(out[2]).toBeCloseTo(2 / Math.sqrt(6), 6);
  });

  it('uses interaction weights when asked', () => {
    const weighted = buildInteractions([
      { user: 'u0', item: 'a', weight: 2 },
      { user: 'u0', item: 'b', weight: 1 },
      { user: 'u1', item: 'a', weight: 1 },
    ]);
    // ‖a‖ = √5, ‖b‖ = 1, a·b = 2.
    const n = itemNeighbours(weighted, { weighted: true });
    expect(rowOf(n, 1).sims[0]).toBeCloseTo(2 / Math.sqrt(5), 6);
  });

  it('is deterministic', () => {
    expect(itemNeighbours(data, { k: 2, shrinkage: 3 })).toEqual(
      itemNeighbours(data, { k: 2, shrinkage: 3 }),
    );
  });
});

describe('popularity', () => {
  it('ranks items by the number of users who interacted with them', () => {
    const model = new PopularityRecommender();
    model.fit(data);
    expect([...model.itemScores()]).toEqual([2, 3, 2]);
  });

  it('decays old interactions by the half-life relative to the latest time', () => {
    const timed = buildInteractions([
      { user: 'u0', item: 'old', time: 0 },
      { user: 'u1', item: 'old', time: 0 },
      { user: 'u2', item: 'old', time: 0 },
      { user: 'u0', item: 'new', time: 20 },
    ]);
    const model = new PopularityRecommender({ halfLife: 10 });
    model.fit(timed);
    expect([...model.itemScores()]).toEqual([0.75, 1]);
    const out = new Float32Array(2);
    model.scoreUser(2, out);
    expect(out[1]).toBeGreaterThan(out[0]!);
  });
});
