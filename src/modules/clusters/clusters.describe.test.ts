import { describe, expect, it } from 'vitest';
import { describeCentroid, describeClusters } from './clusters.describe.ts';
import {
  type FeatureRow,
  RECENCY_CAP_DAYS,
  rawFeatureMatrix,
  transformFeatures,
} from './clusters.features.ts';

describe('cluster descriptions', () => {
  it('names the three most distinguishing features, largest |z| first, in English and Chinese', () => {
    const label = describeCentroid({
      revenue: 1.8,
      orders: 1.2,
      recencyDays: -0.9,
      reviews: 0.7,
      meanRating: 0.1,
    });
    expect(label).toEqual({
      en: 'High spend · Frequent buyers · Recently active',
      zh: '高消费 · 高频购买 · 近期活跃',
    });
  });

  it('uses the low phrase for a negative z and skips features near the mean', () => {
    expect(describeCentroid({ recencyDays: 1.4, revenue: -1.1, orders: 0.3 })).toEqual({
      en: 'Lapsed · Low value',
      zh: '久未购买 · 低价值',
    });
  });

  it('calls a cluster without any distinguishing feature typical', () => {
    expect(describeCentroid({ revenue: 0.2, orders: -0.3 }).en).toBe('Typical members');
  });

  it('keeps names unique by numbering repeats in cluster order', () => {
    const labels = describeClusters([{ revenue: 2 }, { revenue: 1.5 }, { revenue: -2 }]);
    expect(labels.map((l) => l.en)).toEqual(['High spend', 'High spend (2)', 'Low value']);
    expect(labels[1]?.zh).toBe('高消费（2）');
  });
});

describe('cluster features', () => {
  const base: FeatureRow = {
    memberId: 'm1',
    events: 10,
    views: 8,
    orders: 0,
    orderDays: 0,
    revenue: 0,
    refunds: 0,
    reviews: 0,
    ratings: 0,
    ratingSum: 0,
    activeDays: 3,
    cartDays: 0,
    cartDaysOrdered: 0,
    firstOrderAt: null,
    lastOrderAt: null,
    clv: null,
    pAlive: null,
    churnRisk: null,
  };
  const now = Date.UTC(2026, 0, 1);
  const DAY = 86_400_000;
  const column = (m: { data: Float64Array; cols: number }, row: number, j: number) =>
    m.data[row * m.cols + j];

  it('caps recency for members who never ordered and leaves undefined ratios missing', () => {
    const raw = rawFeatureMatrix([base], now);
    expect(column(raw, 0, 0)).toBe(RECENCY_CAP_DAYS);
    expect(column(raw, 0, 3)).toBeNaN(); // average order value without orders
    expect(column(raw, 0, 10)).toBeCloseTo(0.8, 12); // share of views
    expect(column(raw, 0, 11)).toBeNaN(); // clv without scores
  });

  it('computes recency, interval, refund and abandonment rates from the counters', () => {
    const row: FeatureRow = {
      ...base,
      orders: 4,
      orderDays: 3,
      revenue: 40_000,
      refunds: 1,
      cartDays: 4,
      cartDaysOrdered: 3,
      firstOrderAt: now - 50 * DAY,
      lastOrderAt: now - 10 * DAY,
    };
    const raw = rawFeatureMatrix([row], now);
    expect(column(raw, 0, 0)).toBe(10);
    expect(column(raw, 0, 3)).toBe(10_000);
    expect(column(raw, 0, 5)).toBe(20);
    expect(column(raw, 0, 6)).toBe(0.25);
    expect(column(raw, 0, 7)).toBe(0.25);
    expect(column(transformFeatures(raw), 0, 2)).toBeCloseTo(Math.log1p(40_000), 12);
  });
});
