import { createHmac } from 'node:crypto';
import type { FeatureValues, RiskAction, RiskCheckInput } from './risk.types.ts';
import type { VelocityObservation, VelocityStats, VelocityStore, VelocityWindow } from './risk.velocity.ts';

// The features a decision sees. Velocity comes from the online store (in memory, or Redis shared
// by replicas): every check is recorded on the keys of its member, device, IP, payment
// fingerprint and shipping address, so attempts count whether they were allowed or not (card
// testing is a burst of attempts). Keys hold keyed hashes of the identifiers, never the values.
// The member's history (account age, orders, refunds) comes from the database. A feature that
// cannot be known for this request (no device sent, no orders yet) is null, and a rule on it
// does not fire.

const WINDOWS: readonly VelocityWindow[] = ['1m', '1h', '24h', '7d'];

/** Every feature a rule may name, with what it means. */
export const FEATURE_CATALOGUE: Readonly<Record<string, string>> = Object.freeze({
  amount: 'order or coupon amount in minor units',
  points: 'points redeemed or transferred',
  'account.known': '1 when the member exists in Membrain, else 0',
  'account.ageHours': 'hours since the member registered at the store',
  'member.orders': 'paid orders in the member’s history',
  'member.avgOrderValue': 'the member’s average paid order, minor units',
  'member.refundRate': 'refunded orders ÷ paid orders in the member’s history',
  'amount.toUsual': 'this amount ÷ the member’s average order',
  'redeem.toDailyAverage':
    'these points ÷ the member’s average daily redemption over 7 days (before this one)',
  'device.newForMember': '1 when the member has not used this device before (within retention)',
  'ip.newForMember': '1 when the member has not used this IP before (within retention)',
  'ip.country': 'country of the IP from the loaded IP ranges',
  'country.mismatch': '1 when the IP’s country differs from the declared country',
  'transfer.recipientKnown': '1 when the transfer’s recipient is a member',
  ...windowed('member.actions', 'checks of this action by the member'),
  ...windowed('member.amount', 'amount (or points) of this action by the member'),
  ...windowed('device.actions', 'checks of this action from the device'),
  ...windowed('device.members', 'distinct members seen on the device'),
  ...windowed('ip.actions', 'checks of this action from the IP'),
  ...windowed('ip.members', 'distinct members seen on the IP'),
  ...windowed('payment.actions', 'checks of this action with the payment instrument'),
  ...windowed('payment.members', 'distinct members using the payment instrument'),
  ...windowed('address.members', 'distinct members shipping to the address'),
});

function windowed(prefix: string, description: string): Record<string, string> {
  return Object.fromEntries(WINDOWS.map((w) => [`${prefix}.${w}`, `${description}, last ${w}`]));
}

/** Where features come from besides the request. */
export interface FeatureSources {
  velocity: VelocityStore;
  /** Key for the keyed hashes of identifiers in velocity keys. */
  hashKey: Buffer;
  ipCountry(ip: string): string | null;
  member(memberId: string): Promise<MemberFacts | null>;
}

/** What the database knows about a member. */
export interface MemberFacts {
  registeredAt: number;
  orders: number;
  revenue: number;
  refunds: number;
}

/** A keyed hash of an identifier: velocity keys never hold IPs, devices or addresses. */
export function pseudonym(hashKey: Buffer, kind: string, value: string): string {
  return createHmac('sha256', hashKey).update(`${kind}\0${value}`).digest('base64url').slice(0, 22);
}

/** Which velocity keys a check touches, and which feature prefix each one feeds. */
interface Probe {
  observation: VelocityObservation;
  read: (stats: VelocityStats, features: FeatureValues) => void;
}

function probes(input: RiskCheckInput, hashKey: Buffer): Probe[] {
  const { action, memberId, context } = input;
  const amount = input.amount?.amount ?? input.points ?? 0;
  const member = memberId ? pseudonym(hashKey, 'member', memberId) : undefined;
  const out: Probe[] = [];
  const counts = (prefix: string, key: string, withAmount = false) =>
    out.push({
      observation: { key, amount },
      read: (stats, f) => {
        for (const w of WINDOWS) {
          f[`${prefix}.actions.${w}`] = stats[w].count;
          if (withAmount) f[`${prefix}.amount.${w}`] = stats[w].sum;
        }
      },
    });
  const members = (prefix: string, key: string) => {
    if (!member) return;
    out.push({
      observation: { key, value: member },
      read: (stats, f) => {
        for (const w of WINDOWS) f[`${prefix}.members.${w}`] = stats[w].distinct;
      },
    });
  };
  if (member) counts('member', `m:${member}:${action}`, true);
  if (context.deviceId) {
    const device = pseudonym(hashKey, 'device', context.deviceId);
    counts('device', `d:${device}:${action}`);
    members('device', `d:${device}:members`);
    if (member)
      out.push({
        observation: { key: `m:${member}:devices`, value: device },
        read: (stats, f) => {
          f['device.newForMember'] = stats.valueSeenBefore ? 0 : 1;
        },
      });
  }
  if (context.ip) {
    const ip = pseudonym(hashKey, 'ip', context.ip);
    counts('ip', `i:${ip}:${action}`);
    members('ip', `i:${ip}:members`);
    if (member)
      out.push({
        observation: { key: `m:${member}:ips`, value: ip },
        read: (stats, f) => {
          f['ip.newForMember'] = stats.valueSeenBefore ? 0 : 1;
        },
      });
  }
  if (context.paymentFingerprint) {
    const payment = pseudonym(hashKey, 'payment', context.paymentFingerprint);
    counts('payment', `p:${payment}:${action}`);
    members('payment', `p:${payment}:members`);
  }
  if (context.shippingAddress) {
    const address = pseudonym(hashKey, 'address', normaliseAddress(context.shippingAddress));
    members('address', `a:${address}:members`);
  }
  return out;
}

/** Case, spaces and punctuation differences do not make a new address. */
export function normaliseAddress(address: string): string {
  return address
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s,.#\-_/]+/g, ' ')
    .trim();
}

/** Every feature in the catalogue starts unknown; the sources fill in what they can. */
function unknownFeatures(): FeatureValues {
  return Object.fromEntries(Object.keys(FEATURE_CATALOGUE).map((name) => [name, null]));
}

/**
 * The features of a check at time `at`. With `record: false` the velocity store is only read
 * (a backtest or a preview must not count as an attempt).
 */
export async function computeFeatures(
  input: RiskCheckInput,
  at: number,
  sources: FeatureSources,
  options: { record?: boolean } = {},
): Promise<FeatureValues> {
  const f = unknownFeatures();
  const amount = input.amount?.amount ?? null;
  f.amount = amount;
  f.points = input.points ?? null;
  const list = probes(input, sources.hashKey);
  const observations = list.map((p) => p.observation);
  const [stats, member, recipient] = await Promise.all([
    options.record === false
      ? sources.velocity.peek(observations, at)
      : sources.velocity.observe(observations, at),
    input.memberId ? sources.member(input.memberId) : Promise.resolve(null),
    input.recipientMemberId ? sources.member(input.recipientMemberId) : Promise.resolve(null),
  ]);
  list.forEach((probe, i) => {
    const s = stats[i];
    if (s) probe.read(s, f);
  });
  memberFeatures(f, input.action, member, amount, at);
  if (input.action === 'redeem' && input.points !== undefined) {
    // The store counts this redemption too: the average is of what came before it.
    const before = Number(f['member.amount.7d'] ?? input.points) - input.points;
    f['redeem.toDailyAverage'] = before > 0 ? input.points / (before / 7) : null;
  }
  if (input.action === 'transfer') f['transfer.recipientKnown'] = recipient ? 1 : 0;
  const ipCountry = input.context.ip ? sources.ipCountry(input.context.ip) : null;
  f['ip.country'] = ipCountry;
  f['country.mismatch'] =
    ipCountry !== null && input.context.country !== undefined
      ? Number(ipCountry !== input.context.country)
      : null;
  return f;
}

function memberFeatures(
  f: FeatureValues,
  action: RiskAction,
  member: MemberFacts | null,
  amount: number | null,
  at: number,
): void {
  f['account.known'] = member ? 1 : 0;
  if (!member) return;
  f['account.ageHours'] = Math.max(0, (at - member.registeredAt) / 3_600_000);
  f['member.orders'] = member.orders;
  if (member.orders > 0) {
    const average = member.revenue / member.orders;
    f['member.avgOrderValue'] = average;
    f['member.refundRate'] = member.refunds / member.orders;
    if (amount !== null && average > 0 && (action === 'order' || action === 'coupon'))
      f['amount.toUsual'] = amount / average;
  }
}
