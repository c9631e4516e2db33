import { type RawBuilder, sql } from 'kysely';

/** A numeric member feature computed from a member_profiles row (for clusters and segments). */
export interface ProfileFeature {
  name: string;
  /**
   * SQL over member_profiles with `$t` for the table (or its alias) and `$now` for the time of
   * evaluation (epoch ms); null where undefined (no orders, no cart days …). Render it with
   * `profileFeatureSql`.
   */
  expression: string;
  unit: 'count' | 'money' | 'days' | 'ratio';
  label: { en: string; zh: string };
}

const f = (name: string, expression: string, unit: ProfileFeature['unit'], en: string, zh: string) => ({
  name,
  expression,
  unit,
  label: { en, zh },
});
const per = (a: string, b: string) => `cast($t.${a} as double precision) / nullif($t.${b}, 0)`;
const daysSince = (column: string) => `cast($now - $t.${column} as double precision) / 86400000`;

/** The numeric features of a profile: name, SQL expression, unit and label (en, zh). */
export const PROFILE_FEATURES: readonly ProfileFeature[] = [
  f('orders', '$t.orders', 'count', 'Paid orders', '支付订单数'),
  f('orderDays', '$t.order_days', 'count', 'Days with an order', '下单天数'),
  f('revenue', '$t.revenue', 'money', 'Revenue', '消费金额'),
  f('averageOrderValue', per('revenue', 'orders'), 'money', 'Average order value', '客单价'),
  f('recencyDays', daysSince('last_order_at'), 'days', 'Days since last order', '距上次下单天数'),
  f(
    'purchaseIntervalDays',
    `cast($t.last_order_at - $t.first_order_at as double precision) / 86400000 / nullif($t.order_days - 1, 0)`,
    'days',
    'Mean days between orders',
    '平均下单间隔（天）',
  ),
  f('tenureDays', daysSince('first_event_at'), 'days', 'Days since first event', '首次行为至今天数'),
  f('activeDays', '$t.active_days', 'count', 'Active days', '活跃天数'),
  f('events', '$t.events', 'count', 'Events', '行为次数'),
  f('views', '$t.views', 'count', 'Product views', '浏览次数'),
  f('cartAdds', '$t.cart_adds', 'count', 'Cart additions', '加购次数'),
  f(
    'cartAbandonmentRate',
    `1 - ${per('cart_days_ordered', 'cart_days')}`,
    'ratio',
    'Cart abandonment rate',
    '购物车放弃率',
  ),
  f('refundRate', per('refunds', 'orders'), 'ratio', 'Refunds per order', '退款率'),
  f('reviews', '$t.reviews', 'count', 'Reviews', '评价数'),
  f('meanRating', per('rating_sum', 'ratings'), 'ratio', 'Mean rating', '平均评分'),
  f('meanItemPrice', per('item_price_sum', 'items_bought'), 'money', 'Mean item price', '平均商品单价'),
];

/**
 * A feature as a Kysely expression over `table` at time `now`.
 * @example db.selectFrom('memberProfiles as p').select(profileFeatureSql(feature, now, 'p').as(feature.name))
 */
export function profileFeatureSql(
  feature: ProfileFeature,
  now: number,
  table = 'member_profiles',
): RawBuilder<number | null> {
  const parts = feature.expression.replaceAll('$t', table).split('$now');
  const pieces: RawBuilder<unknown>[] = [];
  parts.forEach((part, i) => {
    if (i > 0) pieces.push(sql`cast(${now} as bigint)`);
    pieces.push(sql.raw(part));
  });
  return sql<number | null>`(${sql.join(pieces, sql``)})`;
}
