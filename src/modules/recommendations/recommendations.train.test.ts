import { describe, expect, it } from 'vitest';
import { DEFAULT_RECOMMENDATION_SETTINGS } from './recommendations.settings-types.ts';
import { planRun } from './recommendations.train.ts';
import { itemTokens } from './recommendations.train-features.ts';

describe('planning a training run', () => {
  it('trains the settings’ model once without an experiment', () => {
    expect(planRun(DEFAULT_RECOMMENDATION_SETTINGS)).toEqual({ fits: [{ model: 'auto', variants: [null] }] });
  });

  it('trains one model per distinct variant model, in the variants’ order', () => {
    const settings = {
      ...DEFAULT_RECOMMENDATION_SETTINGS,
      experiment: {
        name: 'e',
        variants: [
          { name: 'a', model: 'ease' as const, share: 40 },
          { name: 'b', model: 'als' as const, share: 30 },
          { name: 'c', model: 'ease' as const, share: 30 },
        ],
      },
    };
    expect(planRun(settings).fits).toEqual([
      { model: 'ease', variants: ['a', 'c'] },
      { model: 'als', variants: ['b'] },
    ]);
    // A model asked for explicitly (CLI, API) overrides the experiment.
    expect(planRun(settings, 'item-knn').fits).toEqual([{ model: 'item-knn', variants: [null] }]);
  });
});

describe('content tokens of an item', () => {
  it('names every category level, the brand, a price band and short string attributes', () => {
    expect(
      itemTokens({
        categoryPath: '服饰 > 女装 > 连衣裙',
        brand: 'Acme',
        priceAmount: 29_900,
        attributes: JSON.stringify({ colour: 'Red', sizes: ['S', 'M'], note: 'x'.repeat(100) }),
      }),
    ).toEqual([
      'cat:服饰',
      'cat:服饰/女装',
      'cat:服饰/女装/连衣裙',
      'brand:acme',
      'price:256-512',
      'colour=red',
    ]);
  });

  it('puts neighbouring prices in one band and ignores unreadable attributes', () => {
    const row = { categoryPath: 'a', brand: null, attributes: 'not json' };
    expect(itemTokens({ ...row, priceAmount: 30_000 })).toEqual(itemTokens({ ...row, priceAmount: 40_000 }));
    expect(itemTokens({ ...row, priceAmount: 0 })).toEqual(['cat:a', 'price:1-2']);
  });
});
