import type { Matrix } from '../../ml/kmeans/index.ts';

const DAY_MS = 86_400_000;
/** Recency of members who never ordered, and the most any member counts: two years. */
export const RECENCY_CAP_DAYS = 730;

/** What the repository reads per member: profile counters and the member's scores, if any. */
export interface FeatureRow {
  memberId: string;
  events: number;
  views: number;
  orders: number;
  orderDays: number;
  revenue: number;
  refunds: number;
  reviews: number;
  ratings: number;
  ratingSum: number;
  activeDays: number;
  cartDays: number;
  cartDaysOrdered: number;
  firstOrderAt: number | null;
  lastOrderAt: number | null;
  clv: number | null;
  pAlive: number | null;
  churnRisk: number | null;
}

export interface Label {
  en: string;
  zh: string;
}

/** One clustering feature: how it is read and whether it goes through log1p before the z-score. */
export interface FeatureSpec {
  name: string;
  label: Label;
  /** log1p for skewed counts and money, so a few large spenders do not stretch the scale. */
  transform: 'log1p' | 'none';
  /** The raw value, or null when it does not apply (it then counts as the mean, z = 0). */
  value(row: FeatureRow, asOf: number): number | null;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** The features, in a fixed order (the column order of every matrix). */
export const CLUSTER_FEATURES: readonly FeatureSpec[] = [
  {
    name: 'recencyDays',
    label: { en: 'Days since last order', zh: '距上次下单天数' },
    transform: 'none',
    value: (r, asOf) =>
      r.lastOrderAt === null
        ? RECENCY_CAP_DAYS
        : Math.min(RECENCY_CAP_DAYS, Math.max(0, (asOf - Number(r.lastOrderAt)) / DAY_MS)),
  },
  { name: 'orders', label: { en: 'Orders', zh: '订单数' }, transform: 'log1p', value: (r) => r.orders },
  { name: 'revenue', label: { en: 'Revenue', zh: '消费金额' }, transform: 'log1p', value: (r) => r.revenue },
  {
    name: 'averageOrderValue',
    label: { en: 'Average order value', zh: '客单价' },
    transform: 'log1p',
    value: (r) => ratio(r.revenue, r.orders),
  },
  {
    name: 'activeDays',
    label: { en: 'Active days', zh: '活跃天数' },
    transform: 'log1p',
    value: (r) => r.activeDays,
  },
  {
    name: 'purchaseIntervalDays',
    label: { en: 'Days between orders', zh: '购买间隔天数' },
    transform: 'log1p',
    value: (r) =>
      r.orderDays >= 2 && r.firstOrderAt !== null && r.lastOrderAt !== null
        ? (Number(r.lastOrderAt) - Number(r.firstOrderAt)) / DAY_MS / (r.orderDays - 1)
        : null,
  },
  {
    name: 'refundRate',
    label: { en: 'Refund rate', zh: '退款率' },
    transform: 'none',
    value: (r) => {
      const v = ratio(r.refunds, r.orders);
      return v === null ? null : Math.min(1, v);
    },
  },
  {
    name: 'cartAbandonmentRate',
    label: { en: 'Cart abandonment', zh: '弃购率' },
    transform: 'none',
    value: (r) => (r.cartDays > 0 ? 1 - Math.min(r.cartDaysOrdered, r.cartDays) / r.cartDays : null),
  },
  { name: 'reviews', label: { en: 'Reviews', zh: '评价数' }, transform: 'log1p', value: (r) => r.reviews },
  {
    name: 'meanRating',
    label: { en: 'Mean rating', zh: '平均评分' },
    transform: 'none',
    value: (r) => ratio(r.ratingSum, r.ratings),
  },
  {
    name: 'viewShare',
    label: { en: 'Share of events that are views', zh: '浏览占比' },
    transform: 'none',
    value: (r) => ratio(r.views, r.events),
  },
  { name: 'clv', label: { en: 'Lifetime value', zh: '终身价值' }, transform: 'log1p', value: (r) => r.clv },
  { name: 'pAlive', label: { en: 'P(alive)', zh: '存活概率' }, transform: 'none', value: (r) => r.pAlive },
  {
    name: 'churnRisk',
    label: { en: 'Churn risk', zh: '流失风险' },
    transform: 'none',
    value: (r) => r.churnRisk,
  },
];

/** Every feature's raw value for each row (null as NaN), rows × CLUSTER_FEATURES.length. */
export function rawFeatureMatrix(rows: readonly FeatureRow[], asOf: number): Matrix {
  const cols = CLUSTER_FEATURES.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    CLUSTER_FEATURES.forEach((f, j) => {
      const v = f.value(row, asOf);
      data[i * cols + j] = v === null || !Number.isFinite(v) ? Number.NaN : v;
    });
  });
  return { data, rows: rows.length, cols };
}

/** The transformed matrix (log1p where the feature says so), a new matrix; NaN stays NaN. */
export function transformFeatures(raw: Matrix): Matrix {
  const out = Float64Array.from(raw.data);
  for (let i = 0; i < raw.rows; i++)
    CLUSTER_FEATURES.forEach((f, j) => {
      const k = i * raw.cols + j;
      if (f.transform === 'log1p') out[k] = Math.log1p(Math.max(0, out[k] as number));
    });
  return { data: out, rows: raw.rows, cols: raw.cols };
}
