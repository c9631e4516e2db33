import type { RiskAction, RiskRule, ScenarioDefinition } from './risk.types.ts';

// The scenarios a shop starts with, one per action (version 1, live). Banded rules: a stronger
// band adds to a weaker one (3 members on a device +20, 10 or more +20 more), so a score says how
// many signals agree. Review at 50, block at 80: a single strong signal sends to review, two block.
// The signup-to-order rule is the one the e-commerce fraud data set shows catching half its
// frauds at full precision (docs/risk.md).

const gte = (feature: string, value: number) => ({ feature, op: '>=' as const, value });
const lt = (feature: string, value: number) => ({ feature, op: '<' as const, value });
const is = (feature: string, value: number) => ({ feature, op: '==' as const, value });

function rule(
  code: string,
  score: number,
  when: RiskRule['when'],
  description: string,
  descriptionZh: string,
): RiskRule {
  return { code, score, when, description, descriptionZh };
}

const newDevice = (score: number) =>
  rule(
    'NEW_DEVICE',
    score,
    is('device.newForMember', 1),
    'First use of this device by the member',
    '会员首次使用该设备',
  );
const newAccount = (code: string, hours: number, score: number, zh: string) =>
  rule(code, score, lt('account.ageHours', hours), `Account younger than ${hours} hours`, zh);
const countryMismatch = rule(
  'COUNTRY_MISMATCH',
  15,
  is('country.mismatch', 1),
  'The IP is in another country than the one declared',
  'IP 所在国家与填写的国家不一致',
);

const order: ScenarioDefinition = {
  name: 'Orders',
  reviewAt: 50,
  blockAt: 80,
  rules: [
    rule(
      'ORDER_WITHIN_MINUTE_OF_SIGNUP',
      50,
      lt('account.ageHours', 1 / 60),
      'Ordered within a minute of registering',
      '注册后一分钟内下单',
    ),
    newAccount('NEW_ACCOUNT_DAY', 24, 10, '账户注册不足 24 小时'),
    rule(
      'DEVICE_SHARED_3',
      20,
      gte('device.members.7d', 3),
      '3 or more members used this device in 7 days',
      '7 天内该设备被 3 个以上会员使用',
    ),
    rule(
      'DEVICE_SHARED_10',
      20,
      gte('device.members.7d', 10),
      '10 or more members used this device in 7 days',
      '7 天内该设备被 10 个以上会员使用',
    ),
    rule(
      'IP_SHARED_5',
      20,
      gte('ip.members.24h', 5),
      '5 or more members on this IP in 24 hours',
      '24 小时内该 IP 有 5 个以上会员',
    ),
    rule(
      'IP_ORDER_BURST',
      20,
      gte('ip.actions.1m', 3),
      '3 or more orders from this IP in a minute',
      '一分钟内该 IP 下单 3 次以上',
    ),
    rule(
      'MEMBER_ORDER_BURST',
      20,
      gte('member.actions.1h', 5),
      '5 or more orders by the member in an hour',
      '会员一小时内下单 5 次以上',
    ),
    rule(
      'PAYMENT_SHARED',
      25,
      gte('payment.members.7d', 3),
      'The payment instrument is used by 3 or more members',
      '该支付方式被 3 个以上会员使用',
    ),
    rule(
      'ADDRESS_SHARED',
      15,
      gte('address.members.7d', 4),
      '4 or more members ship to this address',
      '4 个以上会员使用该收货地址',
    ),
    newDevice(10),
    rule(
      'AMOUNT_5X_USUAL',
      15,
      gte('amount.toUsual', 5),
      'Amount is 5 times the member’s usual order or more',
      '金额达到会员平均订单的 5 倍以上',
    ),
    countryMismatch,
    rule(
      'REFUND_CYCLING',
      20,
      { all: [gte('member.orders', 3), gte('member.refundRate', 0.5)] },
      'Half or more of the member’s orders were refunded',
      '会员一半以上的订单被退款',
    ),
    rule(
      'ESTABLISHED_CUSTOMER',
      -15,
      { all: [gte('member.orders', 5), lt('member.refundRate', 0.2)] },
      'Established customer: 5 or more orders, few refunds',
      '老客户：5 单以上且退款少',
    ),
  ],
};

const login: ScenarioDefinition = {
  name: 'Logins',
  reviewAt: 50,
  blockAt: 80,
  rules: [
    rule(
      'IP_LOGIN_BURST',
      40,
      gte('ip.actions.1m', 10),
      '10 or more logins from this IP in a minute',
      '一分钟内该 IP 登录 10 次以上',
    ),
    rule(
      'IP_MANY_ACCOUNTS',
      30,
      gte('ip.members.1h', 5),
      '5 or more accounts logged in from this IP in an hour',
      '一小时内该 IP 登录了 5 个以上账户',
    ),
    rule(
      'MEMBER_LOGIN_BURST',
      30,
      gte('member.actions.1h', 10),
      '10 or more logins to the account in an hour',
      '账户一小时内登录 10 次以上',
    ),
    newDevice(15),
    rule(
      'NEW_IP',
      5,
      is('ip.newForMember', 1),
      'First login of the member from this IP',
      '会员首次从该 IP 登录',
    ),
    countryMismatch,
  ],
};

const signup: ScenarioDefinition = {
  name: 'Sign-ups',
  reviewAt: 50,
  blockAt: 80,
  rules: [
    rule(
      'DEVICE_SIGNUPS',
      40,
      gte('device.actions.24h', 3),
      '3 or more sign-ups from this device in 24 hours',
      '24 小时内该设备注册 3 次以上',
    ),
    rule(
      'IP_SIGNUPS_HOUR',
      30,
      gte('ip.actions.1h', 5),
      '5 or more sign-ups from this IP in an hour',
      '一小时内该 IP 注册 5 次以上',
    ),
    rule(
      'IP_SIGNUP_BURST',
      30,
      gte('ip.actions.1m', 3),
      '3 or more sign-ups from this IP in a minute',
      '一分钟内该 IP 注册 3 次以上',
    ),
    countryMismatch,
  ],
};

const redeem: ScenarioDefinition = {
  name: 'Points redemption',
  reviewAt: 50,
  blockAt: 80,
  rules: [
    rule(
      'REDEEM_SPIKE',
      25,
      gte('redeem.toDailyAverage', 5),
      'Redeeming 5 times the member’s daily average or more',
      '兑换积分达到会员日均的 5 倍以上',
    ),
    rule(
      'REDEEM_BURST',
      30,
      gte('member.actions.1h', 5),
      '5 or more redemptions in an hour',
      '一小时内兑换 5 次以上',
    ),
    newAccount('NEW_ACCOUNT_WEEK', 168, 15, '账户注册不足 7 天'),
    newDevice(20),
    rule(
      'DEVICE_SHARED_3',
      25,
      gte('device.members.7d', 3),
      '3 or more members used this device in 7 days',
      '7 天内该设备被 3 个以上会员使用',
    ),
    countryMismatch,
  ],
};

const transfer: ScenarioDefinition = {
  name: 'Points transfers',
  reviewAt: 50,
  blockAt: 80,
  rules: [
    rule(
      'RECIPIENT_UNKNOWN',
      30,
      is('transfer.recipientKnown', 0),
      'The recipient is not a member',
      '接收方不是会员',
    ),
    rule(
      'TRANSFER_BURST',
      30,
      gte('member.actions.24h', 5),
      '5 or more transfers in 24 hours',
      '24 小时内转赠 5 次以上',
    ),
    newAccount('NEW_ACCOUNT_WEEK', 168, 20, '账户注册不足 7 天'),
    newDevice(20),
    rule('LARGE_TRANSFER', 10, gte('points', 10_000), '10,000 points or more', '转赠 10,000 积分以上'),
  ],
};

const coupon: ScenarioDefinition = {
  name: 'Coupons',
  reviewAt: 50,
  blockAt: 80,
  rules: [
    rule(
      'COUPON_DEVICE_ACCOUNTS',
      35,
      gte('device.members.7d', 3),
      'Coupons from 3 or more accounts on this device in 7 days',
      '7 天内该设备 3 个以上账户用券',
    ),
    rule(
      'COUPON_IP_ACCOUNTS',
      25,
      gte('ip.members.24h', 5),
      'Coupons from 5 or more accounts on this IP in 24 hours',
      '24 小时内该 IP 5 个以上账户用券',
    ),
    newAccount('NEW_ACCOUNT_DAY', 24, 20, '账户注册不足 24 小时'),
    rule(
      'COUPON_BURST',
      20,
      gte('member.actions.24h', 5),
      '5 or more coupons by the member in 24 hours',
      '会员 24 小时内用券 5 次以上',
    ),
  ],
};

export const DEFAULT_SCENARIOS: Readonly<Record<RiskAction, ScenarioDefinition>> = {
  order,
  login,
  signup,
  redeem,
  transfer,
  coupon,
};
