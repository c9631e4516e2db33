import { describe, expect, it } from 'vitest';
import { classifyDevice } from './profiles.device.ts';
import { applyEvent, decayedTop, emptyProfile, trimAffinities } from './profiles.fold.ts';
import { priceBandOf } from './profiles.service.ts';
import { AFFINITY_HALF_LIFE_MS, AFFINITY_TOP_KEYS, type ProfileEvent } from './profiles.types.ts';

const T = Date.UTC(2026, 0, 1);
const H = AFFINITY_HALF_LIFE_MS;

describe('the device classifier', () => {
  it.each([
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148', 'mobile'],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36',
      'mobile',
    ],
    ['Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 Chrome/120.0 Safari/537.36', 'tablet'],
    ['Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15', 'tablet'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36', 'desktop'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15', 'desktop'],
    ['Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0', 'desktop'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) MicroMessenger/8.0.40 miniProgram', 'app'],
    ['okhttp/4.12.0', 'app'],
    ['ShopApp/3.2.1 (iPhone; iOS 17.1)', 'app'],
    ['curl/8.4.0', 'other'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1)', 'other'],
  ])('classifies %s as %s', (agent, expected) => {
    expect(classifyDevice(agent)).toBe(expected);
  });

  it('takes a device id without a user agent for an app, and nothing for neither', () => {
    expect(classifyDevice(null, 'dev-1')).toBe('app');
    expect(classifyDevice(undefined, null)).toBeNull();
  });
});

describe('affinity decay', () => {
  const view = (at: number, category: string): [ProfileEvent, { category: string; brand: null }] => [
    { type: 'view', memberId: 'm', itemId: 'i', occurredAt: at },
    { category, brand: null },
  ];

  it('weighs an event one half-life old half as much, and the same in any order', () => {
    const events = [view(T, 'a'), view(T - H, 'a'), view(T - 2 * H, 'b'), view(T - H / 2, 'b')];
    const forward = emptyProfile('m');
    for (const [e, f] of events) applyEvent(forward, e, f, 'CNY');
    const backward = emptyProfile('m');
    for (const [e, f] of [...events].reverse()) applyEvent(backward, e, f, 'CNY');
    // a: 1 + 0.5; b: 0.25 + 2^-0.5
    for (const s of [forward, backward]) {
      expect(s.affinityAt).toBe(T);
      expect(s.categoryAffinity.a).toBeCloseTo(1.5, 12);
      expect(s.categoryAffinity.b).toBeCloseTo(0.25 + Math.SQRT1_2, 12);
    }
    expect(decayedTop(forward.categoryAffinity, T, T + H, 1)).toEqual([
      { name: 'a', score: expect.closeTo(0.75, 12) },
    ]);
  });

  it(`keeps the ${AFFINITY_TOP_KEYS} strongest keys of a map`, () => {
    const s = emptyProfile('m');
    for (let i = 0; i < AFFINITY_TOP_KEYS + 5; i++) applyEvent(s, ...view(T - i * 1000, `c${i}`), 'CNY');
    trimAffinities(s);
    expect(Object.keys(s.categoryAffinity)).toHaveLength(AFFINITY_TOP_KEYS);
    expect(s.categoryAffinity.c0).toBeDefined();
    expect(s.categoryAffinity[`c${AFFINITY_TOP_KEYS + 4}`]).toBeUndefined();
  });
});

describe('price bands', () => {
  it('places a price against the quartiles', () => {
    const q: [number, number, number] = [1_000, 5_000, 20_000];
    expect([500, 1_000, 7_000, 20_000].map((p) => priceBandOf(p, q))).toEqual([
      'budget',
      'mid',
      'premium',
      'luxury',
    ]);
  });
});
