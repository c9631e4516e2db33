import { describe, expect, it } from 'vitest';
import { buildInteractions } from './interactions.ts';
import { ItemKnnRecommender, itemNeighbours } from './item-knn.ts';
import { PopularityRecommender } from './popularity.ts';
import { decodeSavedRecommender, encodeSavedRecommender } from './serving.ts';

// u0 {a, b}, u1 {a, b, c}, u2 {b, c}, u3 {c, d}: a·b = 2, b·c = 2, a·c = 1, c·d = 1.
const data = buildInteractions(
  [
    ['u0', 'a'],
    ['u0', 'b'],
    ['u1', 'a'],
    ['u1', 'b'],
    ['u1', 'c'],
    ['u2', 'b'],
    ['u2', 'c'],
    ['u3', 'c'],
    ['u3', 'd'],
  ].map(([user, item]) => ({ user: user as string, item: item as string })),
);
const history = { items: Int32Array.from([0, 3]), weights: Float32Array.from([2, 1]) };

function scores(model: { scoreHistory(h: typeof history, out: Float32Array): void }): number[] {
  const out = new Float32Array(4);
  model.scoreHistory(history, out);
  return [...out];
}

describe('item-kNN serving', () => {
  it('scores a history like the same user row', () => {
    const model = new ItemKnnRecommender({ k: 3 });
    model.fit(data);
    const byUser = new Float32Array(4);
    model.scoreUser(1, byUser);
    const byHistory = new Float32Array(4);
    model.scoreHistory({ items: [0, 1, 2], weights: [1, 1, 1] }, byHistory);
    expect([...byHistory]).toEqual([...byUser]);
  });

  it('weights history items by w_h only when weighted', () => {
    const plain = new ItemKnnRecommender({ k: 3 });
    plain.fit(data);
    const weighted = new ItemKnnRecommender({ k: 3, weighted: true });
    weighted.fit(data);
    const simAB = 2 / Math.sqrt(2 * 3);
    expect(scores(plain)[1]).toBeCloseTo(simAB, 6);
    expect(scores(weighted)[1]).toBeCloseTo(2 * simAB, 6);
  });

  it('lists similar items best first, never the item itself, at most k', () => {
    const model = new ItemKnnRecommender({ k: 3 });
    model.fit(data);
    const similar = model.similar(2, 2); // c (‖c‖ = √3): b 2/3, d 1/√3, a 1/√6
    expect([...similar.items]).toEqual([1, 3]);
    expect(similar.scores[0]).toBeCloseTo(2 / 3, 6);
    expect(model.similar(2, 10).items).not.toContain(2);
  });

  it('explains a score as w_h · sim(h, t), summing to the score', () => {
    const model = new ItemKnnRecommender({ k: 3, weighted: true });
    model.fit(data);
    const parts = model.explain(history, 2, 5); // target c: from a (w 2) and d (w 1)
    expect(parts.map((p) => p.item)).toEqual([0, 3]);
    const total = parts.reduce((s, p) => s + p.contribution, 0);
    expect(total).toBeCloseTo(scores(model)[2]!, 6);
    expect(model.explain(history, 2, 1)).toHaveLength(1);
  });

  it('scores identically after save, encode, decode and load', () => {
    const model = new ItemKnnRecommender({ k: 2, shrinkage: 1, weighted: true });
    model.fit(data);
    const loaded = ItemKnnRecommender.load(decodeSavedRecommender(encodeSavedRecommender(model.save())));
    expect(loaded.nItems).toBe(4);
    expect(scores(loaded)).toEqual(scores(model));
    expect(loaded.similar(1, 2)).toEqual(model.similar(1, 2));
    expect(() => loaded.scoreUser(0, new Float32Array(4))).toThrow(/training data/);
  });

  it('refuses a saved model of another kind', () => {
    const pop = new PopularityRecommender();
    pop.fit(data);
    expect(() => ItemKnnRecommender.load(pop.save())).toThrow(/cannot load popularity/);
  });

  it('sharpens with a power and leans to rarer targets with alpha', () => {
    const squared = itemNeighbours(data, { k: 3, power: 2 });
    const plain = itemNeighbours(data, { k: 3 });
    expect(squared.sims[0]).toBeCloseTo(plain.sims[0]! ** 2, 6);
    // α = 1: sim(t, h) = t·h / ‖t‖²; row a (‖a‖² = 2): b gets 2/2 = 1.
    const asym = itemNeighbours(data, { k: 3, alpha: 1 });
    expect(asym.sims[0]).toBeCloseTo(1, 6);
  });
});

describe('popularity serving', () => {
  it('gives every history the same scores, no similar items, no explanation', () => {
    const model = new PopularityRecommender();
    model.fit(data);
    expect(scores(model)).toEqual([2, 3, 3, 1]);
    expect(model.similar(0, 3).items.length).toBe(0);
    expect(model.explain(history, 1, 3)).toEqual([]);
  });

  it('keeps the trending half-life through save and load', () => {
    const model = new PopularityRecommender({ halfLife: 3 });
    model.fit(data);
    const saved = model.save();
    expect(saved.params).toEqual({ halfLife: 3 });
    const loaded = PopularityRecommender.load(decodeSavedRecommender(encodeSavedRecommender(saved)));
    expect(scores(loaded)).toEqual(scores(model));
    expect(loaded.save().params).toEqual({ halfLife: 3 });
  });
});
