import { describe, expect, it } from 'vitest';
import { ContentRecommender, type ItemFeatures } from './content.ts';
import { buildFromEntries } from './interactions.ts';
import { decodeSavedRecommender, encodeSavedRecommender } from './serving.ts';
import { topK } from './top-k.ts';

// Items: 0 lipstick A, 1 lipstick B, 2 tent, 3 sleeping bag, 4 a brand-new lipstick nobody has touched.
const features: ItemFeatures = [
  ['cat:beauty', 'cat:beauty/lips', 'brand:rouge', 'price:10-20'],
  ['cat:beauty', 'cat:beauty/lips', 'brand:glow', 'price:10-20'],
  ['cat:outdoor', 'cat:outdoor/camping', 'brand:trail', 'price:100-200'],
  ['cat:outdoor', 'cat:outdoor/camping', 'brand:trail', 'price:50-100'],
  ['cat:beauty', 'cat:beauty/lips', 'brand:velvet', 'price:10-20', 'finish=matte'],
];
// Two members; item 4 has no interactions at all (it is in the catalogue only).
const data = buildFromEntries(['m0', 'm1'], ['a', 'b', 'c', 'd', 'new'], {
  users: [0, 0, 1],
  items: [0, 1, 2],
  weights: [1, 1, 1],
  times: [1, 2, 3],
  order: [0, 1, 2],
});

function fitted(): ContentRecommender {
  const model = new ContentRecommender({ features });
  model.fit(data);
  return model;
}

describe('content model', () => {
  it('recommends a brand-new item to a member whose history is in its category', () => {
    const model = fitted();
    expect(data.byItem.indptr[5]! - data.byItem.indptr[4]!).toBe(0);
    const out = new Float32Array(5);
    model.scoreUser(0, out);
    const seen = Uint8Array.from([1, 1, 0, 0, 0]);
    expect([...topK(out, 1, seen)]).toEqual([4]);
    expect(out[4]).toBeGreaterThan(0);
    expect(out[2]).toBe(0);
  });

  it('uses TF-IDF: rare shared tokens count more than common ones', () => {
    const model = fitted();
    // From item 0 (rouge, 10-20): item 1 shares lips + price, item 4 the same plus its own rare finish.
    const similar = model.similar(0, 4);
    expect([...similar.items]).toEqual([1, 4]);
    expect(similar.scores[0]).toBeGreaterThan(similar.scores[1]!);
    expect(similar.scores[0]).toBeLessThan(1);
    // The tent's nearest is the sleeping bag, and nothing from beauty.
    expect([...model.similar(2, 5).items]).toEqual([3]);
  });

  it('weights the profile by the history weights', () => {
    const model = fitted();
    const out = new Float32Array(5);
    model.scoreHistory({ items: [0, 2], weights: [1, 5] }, out);
    expect(out[3]).toBeGreaterThan(out[1]!);
    model.scoreHistory({ items: [0, 2], weights: [5, 1] }, out);
    expect(out[1]).toBeGreaterThan(out[3]!);
  });

  it('explains a score by each history item’s share, summing to the score', () => {
    const model = fitted();
    const history = { items: [0, 1, 2], weights: [1, 2, 1] };
    const out = new Float32Array(5);
    model.scoreHistory(history, out);
    const parts = model.explain(history, 4, 3);
    expect(parts.map((p) => p.item)).toEqual([1, 0]);
    expect(parts[0]!.contribution + parts[1]!.contribution).toBeCloseTo(out[4]!, 6);
  });

  it('scores onboarding choices given as tokens', () => {
    const model = fitted();
    const out = new Float32Array(5);
    model.scoreTokens(['brand:trail', 'unknown:token'], out);
    expect([...topK(out, 2)].sort()).toEqual([2, 3]);
    expect(out[0]).toBe(0);
  });

  it('scores identically after save, encode, decode and load', () => {
    const model = fitted();
    const loaded = ContentRecommender.load(decodeSavedRecommender(encodeSavedRecommender(model.save())));
    const history = { items: [1, 3], weights: [2, 1] };
    const a = new Float32Array(5);
    const b = new Float32Array(5);
    model.scoreHistory(history, a);
    loaded.scoreHistory(history, b);
    expect([...b]).toEqual([...a]);
    expect(loaded.similar(0, 3)).toEqual(model.similar(0, 3));
    loaded.scoreTokens(['finish=matte'], b);
    expect([...topK(b, 1)]).toEqual([4]);
  });

  it('needs features to fit', () => {
    expect(() => new ContentRecommender().fit(data)).toThrow(/features/);
  });
});
