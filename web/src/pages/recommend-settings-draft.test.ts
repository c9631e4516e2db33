import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.ts';
import { draftOf, settingsErrors, settingsOf } from './recommend-settings-draft.ts';
import type { RecommendationSettings } from './recommend-types.ts';

const SETTINGS: RecommendationSettings = {
  behaviourWeights: { view: 1, favorite: 3, cart_add: 4, order_paid: 8, review: 4, share: 1.5 },
  halfLifeDays: 90,
  repeatPurchaseCategories: ['美妆', 'Food'],
  model: 'auto',
  easeMaxItems: 20_000,
  activeDays: 30,
  listSize: 100,
  diversity: { categoryCap: 3, mmrLambda: null },
  experiment: null,
};

describe('recommendation settings draft', () => {
  it('gives back the same settings when nothing was edited', () => {
    expect(settingsOf(draftOf(SETTINGS))).toEqual(SETTINGS);
    const withExperiment: RecommendationSettings = {
      ...SETTINGS,
      diversity: { categoryCap: null, mmrLambda: 0.7 },
      experiment: {
        name: 'als-vs-auto',
        variants: [
          { name: 'control', model: 'auto', share: 60 },
          { name: 'treatment', model: 'als', share: 40 },
        ],
      },
    };
    expect(settingsOf(draftOf(withExperiment))).toEqual(withExperiment);
  });

  it('sends empty diversity fields as null and text that is not a number as typed', () => {
    const draft = { ...draftOf(SETTINGS), categoryCap: ' ', halfLifeDays: 'soon', listSize: '50' };
    const body = settingsOf(draft);
    expect(body.diversity).toEqual({ categoryCap: null, mmrLambda: null });
    expect(body.halfLifeDays).toBe('soon');
    expect(body.listSize).toBe(50);
  });

  it('splits repeat-purchase categories on Latin and Chinese commas and drops empty ones', () => {
    const body = settingsOf({ ...draftOf(SETTINGS), repeat: '美妆，食品 , Food,, ' });
    expect(body.repeatPurchaseCategories).toEqual(['美妆', '食品', 'Food']);
  });

  it('sends no experiment when the switch is off, even with variants typed', () => {
    const draft = { ...draftOf(SETTINGS), experimentOn: false, experimentName: 'typed' };
    expect(settingsOf(draft).experiment).toBeNull();
    const on = settingsOf({ ...draft, experimentOn: true });
    expect(on.experiment).toEqual({
      name: 'typed',
      variants: [
        { name: 'control', model: 'auto', share: 50 },
        { name: 'treatment', model: 'als', share: 50 },
      ],
    });
  });

  it('files the server’s messages under the field path without the settings prefix, joining repeats', () => {
    const error = new ApiError(400, 'VALIDATION_FAILED', 'invalid', [
      { path: 'settings.halfLifeDays', message: 'must be at least 1' },
      { path: 'settings.experiment.variants.1.share', message: 'must be at most 100' },
      { path: 'settings.experiment.variants.1.share', message: 'must be a whole number' },
      { path: 'version', message: 'required' },
    ]);
    const errors = settingsErrors(error);
    expect(errors.get('halfLifeDays')).toBe('must be at least 1');
    expect(errors.get('experiment.variants.1.share')).toBe('must be at most 100; must be a whole number');
    expect(errors.get('version')).toBe('required');
  });
});
