import { describe, expect, it } from 'vitest';
import { createRng } from '../gbdt/index.ts';
import { evaluateRecommender, type Recommender, recommendTopK, sampleNegatives } from './evaluate.ts';
import { buildInteractions, type Interactions } from './interactions.ts';
import { topK, topKAmong } from './top-k.ts';

/** Scores item i as `fixed[i]` for every user. */
function fixedScores(fixed: number[]): Recommender {
  return { fit: () => {}, scoreUser: (_u, out) => out.set(fixed) };
}

// Users 'u0'..'u1' over items a..f (indices 0..5); u0 trained on a, u1 on b.
const train: Interactions = buildInteractions([
  { user: 'u0', item: 'a' },
  { user: 'u1', item: 'b' },
  ...['c', 'd', 'e', 'f'].map((item) => ({ user: 'other', item })),
]);

describe('top-K selection', () => {
  it('returns the K best indices, best first, ties to the lower index', () => {
    expect([...topK([1, 5, 3, 5, 0, 4], 3)]).toEqual([1, 3, 5]);
    expect([...topK([2, 2, 2, 2], 2)]).toEqual([0, 1]);
  });

  it('skips masked indices and handles K beyond the number of items', () => {
    expect([...topK([1, 5, 3], 5, Uint8Array.from([0, 1, 0]))]).toEqual([2, 0]);
    expect(topK([1, 2], 0).length).toBe(0);
  });

  it('selects among given candidates only and leaves NaN scores out', () => {
    expect([...topKAmong([9, 1, 5, Number.NaN, 5], [1, 3, 4, 2], 2)]).toEqual([2, 4]);
    expect([...topK([Number.NaN, 1], 2)]).toEqual([1]);
  });
});

describe('ranking metrics on hand-made rankings', () => {
  it('gives NDCG 1, HR 1 and MRR 1 for a hit at rank 1', () => {
    const r = evaluateRecommender(fixedScores([9, 0, 8, 7, 6, 5]), train, Int32Array.from([2, -1, -1]));
    expect(r.users).toBe(1);
    expect(r.ndcg).toBe(1);
    expect(r.hr).toBe(1);
    expect(r.recall).toBe(1);
    expect(r.mrr).toBe(1);
  });

  it('gives NDCG 1/log2(4) and MRR 1/3 for a hit at rank 3, the seen item not counted', () => {
    // u0 has seen 'a' (the best score); ranking of the rest: c, d, e(target) …
    const r = evaluateRecommender(fixedScores([9, 0, 8, 7, 6, 5]), train, Int32Array.from([4, -1, -1]));
    expect(r.ndcg).toBeCloseTo(1 / Math.log2(4), 12);
    expect(r.mrr).toBeCloseTo(1 / 3, 12);
  });

  it('counts a target beyond K as a miss and averages over users', () => {
    const r = evaluateRecommender(fixedScores([9, 0, 8, 7, 6, 5]), train, Int32Array.from([5, 2, -1]), {
      k: 2,
    });
    expect(r.users).toBe(2);
    expect(r.hr).toBe(0.5);
    // u0: f is 4th after c, d, e (a is seen): a miss; u1: c is 2nd after a (b is seen).
    expect(r.ndcg).toBeCloseTo(1 / Math.log2(3) / 2, 12);
  });

  it('breaks score ties by item index', () => {
    const r = evaluateRecommender(fixedScores([1, 1, 1, 1, 1, 1]), train, Int32Array.from([3, -1, -1]));
    // All scores equal: u0's unseen b and c come before d.
    expect(r.mrr).toBeCloseTo(1 / 3, 12);
  });

  it('counts a NaN target score as a miss, not a hit', () => {
    const scores = [9, 0, Number.NaN, 7, 6, 5];
    const full = evaluateRecommender(fixedScores(scores), train, Int32Array.from([2, -1, -1]));
    expect([full.users, full.hr, full.mrr]).toEqual([1, 0, 0]);
    const sampled = evaluateRecommender(fixedScores(scores), train, Int32Array.from([2, -1, -1]), {
      protocol: 'sampled',
    });
    expect(sampled.hr).toBe(0);
  });

  it('measures catalogue coverage and popularity bias of the top-K lists', () => {
    const r = evaluateRecommender(fixedScores([9, 0, 8, 7, 6, 5]), train, Int32Array.from([2, 2, -1]), {
      k: 1,
    });
    // u0 gets c, u1 gets a: 2 of 6 items; each has popularity 1, the catalogue mean is 1.
    expect(r.coverage).toBeCloseTo(2 / 6, 12);
    expect(r.popularityBias).toBeCloseTo(1, 12);
  });
});

describe('seen items and the sampled protocol', () => {
  it('never puts a training item in a full ranking, however high it scores', () => {
    const top = recommendTopK(fixedScores([9, 0, 8, 7, 6, 5]), train, 0, 6);
    expect([...top]).toEqual([2, 3, 4, 5, 1]);
  });

  it('draws distinct negatives the user never interacted with', () => {
    const seen = Uint8Array.from([1, 0, 0, 0, 0, 0, 1, 0]);
    const negatives = sampleNegatives(seen, 2, 3, 100, createRng(1));
    expect([...negatives].sort((a, b) => a - b)).toEqual([1, 4, 5, 7]);
  });

  it('is deterministic for a seed', () => {
    const model = fixedScores([9, 0, 8, 7, 6, 5]);
    const targets = Int32Array.from([4, 5, -1]);
    const options = { protocol: 'sampled' as const, negatives: 2, seed: 7 };
    const a = evaluateRecommender(model, train, targets, options);
    expect(evaluateRecommender(model, train, targets, options)).toEqual(a);
    expect(a.protocol).toBe('sampled');
    expect(a.users).toBe(2);
  });

  it('ranks the target among itself and the negatives only', () => {
    const model = fixedScores([9, 0, 8, 7, 6, 5]);
    const r = evaluateRecommender(model, train, Int32Array.from([5, -1, -1]), {
      protocol: 'sampled',
      negatives: 4,
      k: 10,
    });
    // u0's candidates: f (target) and the 4 unseen others b, c, d, e; f beats only b.
    expect(r.mrr).toBeCloseTo(1 / 4, 12);
  });
});
