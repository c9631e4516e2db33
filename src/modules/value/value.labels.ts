import type { FEATURE_NAMES } from '../../ml/churn/index.ts';

type Label = { en: string; zh: string };

/** What each churn feature means, in words an operator reads beside a member's churn reasons. */
export const FEATURE_LABELS: Record<(typeof FEATURE_NAMES)[number], Label> = {
  recency_weeks: { en: 'Weeks from first to last purchase', zh: '首次到最近一次购买的周数' },
  frequency: { en: 'Repeat purchase days', zh: '重复购买天数' },
  T_weeks: { en: 'Weeks since first purchase', zh: '首次购买至今周数' },
  monetary_mean: { en: 'Average spend per purchase day', zh: '每个购买日的平均消费' },
  interval_mean_days: { en: 'Average days between purchases', zh: '平均购买间隔天数' },
  interval_std_days: { en: 'Irregularity of purchase intervals (days)', zh: '购买间隔的波动（天）' },
  invoices: { en: 'Orders', zh: '订单数' },
  days_since_first: { en: 'Days since first purchase', zh: '距首次购买天数' },
  days_since_last: { en: 'Days since last purchase', zh: '距最近一次购买天数' },
  last90_days: { en: 'Purchase days in the last 90 days', zh: '近 90 天购买天数' },
  last90_spend: { en: 'Spend in the last 90 days', zh: '近 90 天消费' },
  p_alive: { en: 'Probability still active (BG/NBD)', zh: '仍活跃概率（BG/NBD）' },
  expected_purchases: {
    en: 'Expected purchases in the horizon (BG/NBD)',
    zh: '预测期内预计购买次数（BG/NBD）',
  },
};

/** The label of a feature (the name itself for an unknown one). */
export function featureLabel(feature: string): Label {
  return (FEATURE_LABELS as Record<string, Label>)[feature] ?? { en: feature, zh: feature };
}
