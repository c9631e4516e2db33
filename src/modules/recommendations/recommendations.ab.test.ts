import { describe, expect, it } from 'vitest';
import { assignVariant, experimentBucket } from './recommendations.ab.ts';

const experiment = {
  name: 'knn-vs-als',
  variants: [
    { name: 'control', share: 70 },
    { name: 'treatment', share: 30 },
  ],
};

describe('A/B assignment', () => {
  it('gives a member the same variant on every call', () => {
    for (let i = 0; i < 200; i++) {
      const id = `m-${i}`;
      expect(assignVariant(experiment, id)).toBe(assignVariant({ ...experiment }, id));
    }
  });

  it('splits 10,000 members in proportion to the shares, within ±2 %', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const variant = assignVariant(experiment, `member-${i}`) as string;
      counts.set(variant, (counts.get(variant) ?? 0) + 1);
    }
    expect(Math.abs((counts.get('control') ?? 0) / 10_000 - 0.7)).toBeLessThanOrEqual(0.02);
    expect(Math.abs((counts.get('treatment') ?? 0) / 10_000 - 0.3)).toBeLessThanOrEqual(0.02);
  });

  it('spreads buckets evenly over 0..99', () => {
    const perTen = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) perTen[Math.floor(experimentBucket('x', `u${i}`) / 10)]++;
    for (const n of perTen) expect(Math.abs(n / 10_000 - 0.1)).toBeLessThanOrEqual(0.02);
  });

  it('reshuffles members when the experiment is renamed', () => {
    let moved = 0;
    for (let i = 0; i < 1000; i++) {
      const id = `m-${i}`;
      if (experimentBucket('first', id) !== experimentBucket('second', id)) moved++;
    }
    expect(moved).toBeGreaterThan(900);
  });

  it('serves the primary model (no variant) without an experiment', () => {
    expect(assignVariant(null, 'm-1')).toBeNull();
    expect(assignVariant({ name: 'empty', variants: [] }, 'm-1')).toBeNull();
  });

  it('sends everyone to a variant holding the whole share', () => {
    const all = { name: 'all-in', variants: [{ name: 'only', share: 100 }] };
    for (let i = 0; i < 100; i++) expect(assignVariant(all, `m${i}`)).toBe('only');
  });
});
