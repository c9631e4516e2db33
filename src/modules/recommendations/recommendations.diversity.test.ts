import { describe, expect, it } from 'vitest';
import {
  categorySimilarity,
  diversify,
  modelSimilarity,
  resolveDiversity,
} from './recommendations.diversity.ts';
import type { ListedCandidate } from './recommendations.filters.ts';

function candidate(itemId: string, category: string, path = `${category} > x`): ListedCandidate {
  return {
    itemId,
    score: 1,
    reason: null,
    item: {
      id: itemId,
      title: itemId,
      titleEn: null,
      category,
      categoryPath: path,
      price: { amount: 100, currency: 'CNY' },
      inStock: true,
    },
  };
}

// Ranked: three near-duplicates of a, then b, then c.
const pool = [
  candidate('a1', 'A'),
  candidate('a2', 'A'),
  candidate('a3', 'A'),
  candidate('b1', 'B'),
  candidate('c1', 'C'),
];
const ids = (list: ListedCandidate[]) => list.map((c) => c.itemId);
const base = { limit: 3, categoryCap: null, lambda: 0.5, similarity: categorySimilarity };

describe('diversity', () => {
  it('keeps the ranking with none', () => {
    expect(ids(diversify(pool, { ...base, mode: 'none' }))).toEqual(['a1', 'a2', 'a3']);
  });

  it('caps items per category, relaxing the cap only when the pool cannot fill the list', () => {
    expect(ids(diversify(pool, { ...base, mode: 'cap', categoryCap: 1 }))).toEqual(['a1', 'b1', 'c1']);
    expect(ids(diversify(pool, { ...base, mode: 'cap', categoryCap: 2 }))).toEqual(['a1', 'a2', 'b1']);
    expect(ids(diversify(pool, { ...base, mode: 'cap', categoryCap: 1, limit: 4 }))).toEqual([
      'a1',
      'b1',
      'c1',
      'a2',
    ]);
  });

  it('trades relevance for novelty by maximal marginal relevance', () => {
    expect(ids(diversify(pool, { ...base, mode: 'mmr', lambda: 0.5 }))).toEqual(['a1', 'b1', 'c1']);
    // λ = 1 is the plain ranking.
    expect(ids(diversify(pool, { ...base, mode: 'mmr', lambda: 1 }))).toEqual(['a1', 'a2', 'a3']);
  });

  it('uses the model’s neighbours as similarity, and the category where it has none', () => {
    const neighbours: Record<string, Record<string, number>> = { a1: { b1: 0.9, a2: 0.1 } };
    const similarity = modelSimilarity((id) => new Map(Object.entries(neighbours[id] ?? {})));
    const [a1, a2, , b1] = pool as [ListedCandidate, ListedCandidate, ListedCandidate, ListedCandidate];
    expect(similarity(b1, a1)).toBeCloseTo(1, 6);
    expect(similarity(a2, a1)).toBeCloseTo(0.1 / 0.9, 6);
    // b1 has no neighbours in the model: same category path 1, same top-level 0.5, else 0.
    expect(similarity(a1, b1)).toBe(0);
    expect(categorySimilarity(candidate('x', 'A', 'A > y'), a1)).toBe(0.5);
    // b1 is a1's twin in the model, so a2 comes second; a2 has no neighbours, so by category a3
    // is its twin and c1 comes third.
    expect(ids(diversify(pool, { ...base, mode: 'mmr', similarity }))).toEqual(['a1', 'a2', 'c1']);
  });

  it('takes the request’s choice, else MMR when the settings give λ, else their cap', () => {
    expect(resolveDiversity({}, { categoryCap: 3, mmrLambda: null })).toEqual({
      mode: 'cap',
      categoryCap: 3,
      lambda: 0.7,
    });
    expect(resolveDiversity({}, { categoryCap: null, mmrLambda: 0.4 })).toEqual({
      mode: 'mmr',
      categoryCap: null,
      lambda: 0.4,
    });
    expect(
      resolveDiversity({ diversity: 'none' }, { categoryCap: 3, mmrLambda: 0.4 }).categoryCap,
    ).toBeNull();
    expect(
      resolveDiversity({ diversity: 'cap', categoryCap: 5 }, { categoryCap: 3, mmrLambda: null }).categoryCap,
    ).toBe(5);
    expect(resolveDiversity({}, { categoryCap: null, mmrLambda: null }).mode).toBe('none');
  });
});
