import { describe, expect, it } from 'vitest';
import { buildInteractions, type Interaction } from './interactions.ts';
import { createRecommender, loadRecommender } from './load.ts';
import { type Candidate, selectRecommender } from './select.ts';
import { decodeSavedRecommender, encodeSavedRecommender } from './serving.ts';
import { splitByTime } from './split.ts';

// Two tastes: even users take items g0-*, odd users g1-*; the g0 items are more popular overall, so
// popularity serves odd users badly and item-kNN (which sees the taste) wins on validation.
function twoTastes(): ReturnType<typeof buildInteractions> {
  const records: Interaction[] = [];
  for (let u = 0; u < 80; u++) {
    const group = u % 2;
    const n = group === 0 ? 8 : 5;
    for (let s = 0; s < n; s++)
      records.push({ user: `u${u}`, item: `g${group}-${(u * 3 + s * 7) % 10}`, time: s });
  }
  return buildInteractions(records);
}

describe('automatic model selection', () => {
  it('picks the candidate with the best validation NDCG and refits it on all the data', async () => {
    const data = twoTastes();
    const seen: Candidate[] = [];
    const selection = await selectRecommender(data, {
      kinds: ['popularity', 'item-knn'],
      onCandidate: (c) => seen.push(c),
    });
    expect(seen).toEqual(selection.candidates);
    expect(selection.candidates.map((c) => c.kind)).toContain('popularity');
    expect(selection.best.kind).toBe('item-knn');
    for (const c of selection.candidates)
      expect(c.validation.ndcg).toBeLessThanOrEqual(selection.best.validation.ndcg);
    const pop = selection.candidates.find((c) => c.kind === 'popularity')!;
    expect(selection.best.validation.ndcg).toBeGreaterThan(pop.validation.ndcg);
    // The returned model is the winner fitted on all of the data (not on the validation split).
    const refit = createRecommender(selection.best.kind, selection.best.params);
    refit.fit(data);
    const a = new Float32Array(data.nItems);
    const b = new Float32Array(data.nItems);
    selection.model.scoreUser(3, a);
    refit.scoreUser(3, b);
    expect([...a]).toEqual([...b]);
    expect(selection.fitSeconds).toBeLessThanOrEqual(selection.seconds);
  });

  it('is deterministic', async () => {
    const data = twoTastes();
    const a = await selectRecommender(data, { kinds: ['item-knn'] });
    const b = await selectRecommender(data, { kinds: ['item-knn'] });
    expect(b.candidates.map((c) => c.validation)).toEqual(a.candidates.map((c) => c.validation));
  });

  it('stops starting candidates once the budget is spent, keeping at least one', async () => {
    const selection = await selectRecommender(twoTastes(), { kinds: ['item-knn'], budgetSeconds: 0 });
    expect(selection.candidates).toHaveLength(1);
  });

  it('leaves EASE out when the catalogue is larger than easeMaxItems', async () => {
    await expect(selectRecommender(twoTastes(), { kinds: ['ease'], easeMaxItems: 5 })).rejects.toThrow(
      /no recommender kind/,
    );
  });

  it('validates on a seeded subset of users when asked', async () => {
    const selection = await selectRecommender(twoTastes(), {
      kinds: ['popularity'],
      maxValidationUsers: 10,
    });
    expect(selection.best.validation.users).toBe(10);
  });

  it('validates on the latest interactions with validation: time', async () => {
    const data = twoTastes();
    const selection = await selectRecommender(data, {
      kinds: ['popularity'],
      validation: 'time',
      validationFraction: 0.3,
    });
    // The users with history before the cut-off and new items after it, each with every such item.
    const split = splitByTime(data, { testFraction: 0.3 });
    expect(selection.best.validation.users).toBe(split.users);
    expect(split.users).toBeGreaterThan(0);
    await expect(
      selectRecommender(data, { kinds: ['popularity'], validation: 'time', protocol: 'sampled' }),
    ).rejects.toThrow(/protocol full/);
  });

  it('tries the content model only with item features', async () => {
    const data = twoTastes();
    const without = await selectRecommender(data, { kinds: ['popularity', 'content'] });
    expect(without.candidates.every((c) => c.kind === 'popularity')).toBe(true);
    const itemFeatures = data.itemIds.map((id) => [`group:${id.slice(0, 2)}`, `item:${id}`]);
    const withFeatures = await selectRecommender(data, { kinds: ['popularity', 'content'], itemFeatures });
    expect(withFeatures.candidates.map((c) => c.kind)).toContain('content');
  });
});

describe('loadRecommender', () => {
  it('dispatches on the saved kind and scores like the original', () => {
    const data = twoTastes();
    const history = { items: [0, 1], weights: [1, 1] };
    for (const kind of ['popularity', 'item-knn'] as const) {
      const model = createRecommender(kind, { k: 5 });
      model.fit(data);
      const loaded = loadRecommender(decodeSavedRecommender(encodeSavedRecommender(model.save())));
      expect(loaded.kind).toBe(kind);
      const a = new Float32Array(data.nItems);
      const b = new Float32Array(data.nItems);
      model.scoreHistory(history, a);
      loaded.scoreHistory(history, b);
      expect([...b]).toEqual([...a]);
    }
  });

  it('refuses a kind it does not know', () => {
    expect(() =>
      loadRecommender({ kind: 'nope' as never, version: 1, nItems: 0, params: {}, arrays: {} }),
    ).toThrow(/no loader/);
  });
});
