import { type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { MemberProfilesTable } from '../profiles/profiles.table.ts';
import type { MemberScoresTable } from '../value/value.table.ts';
import {
  days,
  daysSince,
  divide,
  memberString,
  profileCount,
  ratio,
  scoreField,
  tierRead,
  tierSql,
  topKey,
  topKeySql,
} from './segments.field-readers.ts';
import { FIELD_OPS, type FieldOp } from './segments.types.ts';

// The field catalogue: every field a segment can test, with how to read it in SQL (over the
// aliases the compiler joins: sm = members, p = member_profiles, s = member_scores,
// pa = points_accounts, t = member_tiers) and in memory (over one member's loaded facts). The two
// readings must agree, null for null: the property test in segments.property.test.ts checks it.

export { DAY_MS } from './segments.field-readers.ts';

/** The tables a field reads beside members; the compiler left-joins only those used. */
export type FieldSource = 'member' | 'profile' | 'scores' | 'points' | 'tier';

/** What SQL compilation needs to know beyond the definition. */
export interface SqlScope {
  now: number;
  dialect: DialectName;
  /** Programme currency: only amounts in it count as money. */
  currency: string;
  /** The entry tier (position 0), for members the tiers module has not evaluated yet. */
  entryTier: string | null;
}

/** One member's rows, as the in-memory evaluation reads them. */
export interface MemberFacts {
  member: {
    id: string;
    region: string | null;
    gender: string | null;
    channel: string | null;
    registeredAt: number;
  };
  profile: MemberProfilesTable | null;
  scores: MemberScoresTable | null;
  points: { available: number; lifetimeEarned: number } | null;
  tier: {
    tierId: string;
    overrideTierId: string | null;
    overrideUntil: number | null;
  } | null;
}

export type FieldValue = number | string | null;

export interface FieldSpec {
  field: string;
  type: 'number' | 'string' | 'enum';
  label: { en: string; zh: string };
  unit?: 'days' | 'money' | 'points' | 'ratio' | 'count';
  /** Enum values fixed by the code; `tier` takes its values from the ladder at request time. */
  values?: readonly string[];
  /** Integer-valued fields take integer operands (PostgreSQL compares them as bigint). */
  integer?: boolean;
  source: FieldSource;
  sql(scope: SqlScope): RawBuilder<unknown>;
  read(facts: MemberFacts, scope: SqlScope): FieldValue;
}

const NUMBER_OPS: readonly FieldOp[] = FIELD_OPS;
const STRING_OPS: readonly FieldOp[] = ['eq', 'ne', 'in', 'notIn', 'exists', 'notExists'];

/** The operators a field type takes; strings are not ordered (collations differ between databases). */
export function opsOf(spec: FieldSpec): readonly FieldOp[] {
  return spec.type === 'number' ? NUMBER_OPS : STRING_OPS;
}

const profileFields: FieldSpec[] = [
  profileCount('orders', 'orders', 'orders', { en: 'Paid orders', zh: '支付订单数' }),
  profileCount('orderDays', 'order_days', 'orderDays', { en: 'Days with an order', zh: '下单天数' }),
  profileCount('revenue', 'revenue', 'revenue', { en: 'Revenue', zh: '消费金额' }, 'money'),
  profileCount('activeDays', 'active_days', 'activeDays', { en: 'Active days', zh: '活跃天数' }, 'days'),
  profileCount('events', 'events', 'events', { en: 'Events', zh: '行为次数' }),
  profileCount('views', 'views', 'views', { en: 'Views', zh: '浏览次数' }),
  profileCount('cartAdds', 'cart_adds', 'cartAdds', { en: 'Cart additions', zh: '加购次数' }),
  profileCount('favorites', 'favorites', 'favorites', { en: 'Favourites', zh: '收藏次数' }),
  profileCount('refunds', 'refunds', 'refunds', { en: 'Refunds', zh: '退款次数' }),
  profileCount('reviews', 'reviews', 'reviews', { en: 'Reviews', zh: '评价数' }),
  {
    field: 'profile.averageOrderValue',
    type: 'number',
    label: { en: 'Average order value', zh: '客单价' },
    unit: 'money',
    integer: true,
    source: 'profile',
    // Integer division on both databases (and Math.trunc here): whole minor units, rounded down.
    sql: () => sql.raw('(p.revenue / nullif(p.orders, 0))'),
    read: (f) =>
      f.profile && f.profile.orders !== 0 ? Math.trunc(f.profile.revenue / f.profile.orders) : null,
  },
  {
    field: 'profile.recencyDays',
    type: 'number',
    label: { en: 'Days since last order', zh: '距上次下单天数' },
    unit: 'days',
    integer: true,
    source: 'profile',
    sql: (s) => daysSince(s, 'p.last_order_at'),
    read: (f, s) => days(s.now, f.profile?.lastOrderAt ?? null),
  },
  {
    field: 'profile.lastEventDays',
    type: 'number',
    label: { en: 'Days since last activity', zh: '距上次活跃天数' },
    unit: 'days',
    integer: true,
    source: 'profile',
    sql: (s) => daysSince(s, 'p.last_event_at'),
    read: (f, s) => days(s.now, f.profile?.lastEventAt ?? null),
  },
  {
    field: 'profile.refundRate',
    type: 'number',
    label: { en: 'Refunds per order', zh: '退款率' },
    unit: 'ratio',
    source: 'profile',
    sql: () => ratio('p.refunds', 'p.orders'),
    read: (f) => (f.profile ? divide(f.profile.refunds, f.profile.orders) : null),
  },
  {
    field: 'profile.cartAbandonmentRate',
    type: 'number',
    label: { en: 'Cart abandonment rate', zh: '弃购率' },
    unit: 'ratio',
    source: 'profile',
    sql: () => ratio('p.cart_days - p.cart_days_ordered', 'p.cart_days'),
    read: (f) =>
      f.profile ? divide(f.profile.cartDays - f.profile.cartDaysOrdered, f.profile.cartDays) : null,
  },
  {
    field: 'profile.meanRating',
    type: 'number',
    label: { en: 'Mean review rating', zh: '平均评分' },
    source: 'profile',
    sql: () => ratio('p.rating_sum', 'p.ratings'),
    read: (f) => (f.profile ? divide(f.profile.ratingSum, f.profile.ratings) : null),
  },
  {
    field: 'profile.topCategory',
    type: 'string',
    label: { en: 'Favourite category', zh: '最偏好品类' },
    source: 'profile',
    sql: (s) => topKeySql(s, 'p.category_affinity'),
    read: (f) => (f.profile ? topKey(f.profile.categoryAffinity) : null),
  },
  {
    field: 'profile.topBrand',
    type: 'string',
    label: { en: 'Favourite brand', zh: '最偏好品牌' },
    source: 'profile',
    sql: (s) => topKeySql(s, 'p.brand_affinity'),
    read: (f) => (f.profile ? topKey(f.profile.brandAffinity) : null),
  },
];

const valueFields: FieldSpec[] = [
  scoreField('clv', 'clv', 'clv', { en: 'Customer lifetime value', zh: '客户终身价值' }, 'money', true),
  scoreField(
    'pAlive',
    'p_alive',
    'pAlive',
    { en: 'Probability still active', zh: '存活概率' },
    'ratio',
    false,
  ),
  scoreField('churnRisk', 'churn_risk', 'churnRisk', { en: 'Churn risk', zh: '流失风险' }, 'ratio', false),
  scoreField(
    'expectedSpend',
    'expected_spend',
    'expectedSpend',
    { en: 'Expected spend', zh: '预期消费' },
    'money',
    true,
  ),
  scoreField(
    'expectedPurchases',
    'expected_purchases',
    'expectedPurchases',
    { en: 'Expected purchases', zh: '预期购买次数' },
    'count',
    false,
  ),
  scoreField(
    'tierMove',
    'tier_move',
    'tierMove',
    { en: 'Predicted tier move (-1, 0, 1)', zh: '预测等级变化' },
    undefined,
    true,
  ),
];

const memberFields: FieldSpec[] = [
  {
    field: 'tier',
    type: 'enum',
    label: { en: 'Tier in force', zh: '当前等级' },
    source: 'tier',
    sql: tierSql,
    read: tierRead,
  },
  {
    field: 'points.available',
    type: 'number',
    label: { en: 'Available points', zh: '可用积分' },
    unit: 'points',
    integer: true,
    source: 'points',
    // A member without a points account has none: 0, not absent.
    sql: () => sql.raw('coalesce(pa.available, 0)'),
    read: (f) => f.points?.available ?? 0,
  },
  {
    field: 'points.lifetimeEarned',
    type: 'number',
    label: { en: 'Points earned (lifetime)', zh: '累计获得积分' },
    unit: 'points',
    integer: true,
    source: 'points',
    sql: () => sql.raw('coalesce(pa.lifetime_earned, 0)'),
    read: (f) => f.points?.lifetimeEarned ?? 0,
  },
  memberString('region', { en: 'Region', zh: '地区' }),
  memberString('gender', { en: 'Gender', zh: '性别' }),
  memberString('channel', { en: 'Registration channel', zh: '注册渠道' }),
  {
    field: 'member.registeredDays',
    type: 'number',
    label: { en: 'Days since registration', zh: '注册天数' },
    unit: 'days',
    integer: true,
    source: 'member',
    sql: (s) => daysSince(s, 'sm.registered_at'),
    read: (f, s) => days(s.now, f.member.registeredAt),
  },
];

/** Every field, in the order the dashboard lists them. Encrypted personal data is never a field. */
export const SEGMENT_FIELDS: readonly FieldSpec[] = [...profileFields, ...valueFields, ...memberFields];

const byName = new Map(SEGMENT_FIELDS.map((spec) => [spec.field, spec]));

/** The spec of `field`, or undefined when the catalogue has no such field. */
export function segmentField(field: string): FieldSpec | undefined {
  return byName.get(field);
}
