import type { Label } from './clusters.features.ts';

/** What a cluster far above (high) or below (low) the average on a feature is called. */
const PHRASES: Record<string, { high: Label; low: Label }> = {
  recencyDays: { high: { en: 'Lapsed', zh: '久未购买' }, low: { en: 'Recently active', zh: '近期活跃' } },
  orders: { high: { en: 'Frequent buyers', zh: '高频购买' }, low: { en: 'Rare buyers', zh: '很少购买' } },
  revenue: { high: { en: 'High spend', zh: '高消费' }, low: { en: 'Low value', zh: '低价值' } },
  averageOrderValue: {
    high: { en: 'Big baskets', zh: '客单价高' },
    low: { en: 'Small baskets', zh: '客单价低' },
  },
  activeDays: { high: { en: 'Often active', zh: '经常活跃' }, low: { en: 'Seldom active', zh: '很少活跃' } },
  purchaseIntervalDays: {
    high: { en: 'Long gaps between orders', zh: '购买间隔长' },
    low: { en: 'Short gaps between orders', zh: '购买间隔短' },
  },
  refundRate: { high: { en: 'Frequent refunds', zh: '退款多' }, low: { en: 'Few refunds', zh: '退款少' } },
  cartAbandonmentRate: {
    high: { en: 'Abandon carts', zh: '常弃购物车' },
    low: { en: 'Complete their carts', zh: '加购即买' },
  },
  reviews: { high: { en: 'Active reviewers', zh: '爱写评价' }, low: { en: 'Rarely review', zh: '少写评价' } },
  meanRating: { high: { en: 'Happy raters', zh: '评分高' }, low: { en: 'Critical raters', zh: '评分低' } },
  viewShare: {
    high: { en: 'Window shoppers', zh: '只逛不买' },
    low: { en: 'Purposeful shoppers', zh: '目的明确' },
  },
  clv: {
    high: { en: 'High lifetime value', zh: '高终身价值' },
    low: { en: 'Low lifetime value', zh: '低终身价值' },
  },
  pAlive: {
    high: { en: 'Likely still active', zh: '大概率仍活跃' },
    low: { en: 'Likely gone', zh: '可能已流失' },
  },
  churnRisk: { high: { en: 'Churn risk', zh: '流失风险高' }, low: { en: 'Loyal', zh: '忠诚' } },
};

/** A centroid coordinate must be at least this far from the mean (in deviations) to be named. */
export const DESCRIBE_MIN_Z = 0.5;
/** At most this many traits per description. */
export const DESCRIBE_MAX_TRAITS = 3;

const TYPICAL: Label = { en: 'Typical members', zh: '普通会员' };

/**
 * A cluster in words: its most distinguishing features (largest |z| of the centroid, at least
 * DESCRIBE_MIN_Z, at most three; ties keep feature order), joined by " · ". Deterministic.
 * @example describeCentroid({ revenue: 1.8, orders: 1.2, recencyDays: -0.9 }) // High spend · Frequent buyers · Recently active
 */
export function describeCentroid(centroid: Record<string, number>): Label {
  const traits = Object.entries(centroid)
    .filter(([name, z]) => PHRASES[name] !== undefined && Math.abs(z) >= DESCRIBE_MIN_Z)
    .map(([name, z], order) => ({ name, z, order }))
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.order - b.order)
    .slice(0, DESCRIBE_MAX_TRAITS)
    .map(({ name, z }) => (PHRASES[name] as { high: Label; low: Label })[z > 0 ? 'high' : 'low']);
  if (traits.length === 0) return { ...TYPICAL };
  return { en: traits.map((t) => t.en).join(' · '), zh: traits.map((t) => t.zh).join(' · ') };
}

/** Descriptions for all clusters; a repeated one gets " (2)", " (3)"… in cluster order, so names stay unique. */
export function describeClusters(centroids: Record<string, number>[]): Label[] {
  const seen = new Map<string, number>();
  return centroids.map((c) => {
    const label = describeCentroid(c);
    const n = (seen.get(label.en) ?? 0) + 1;
    seen.set(label.en, n);
    return n === 1 ? label : { en: `${label.en} (${n})`, zh: `${label.zh}（${n}）` };
  });
}
