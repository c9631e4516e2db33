import type { DemoItem } from './catalog.ts';
import type { DemoAbuseLabelsTable } from './demo.table.ts';
import { type Device, drawDevice, type MemberOverride, type MemberWindow, memberId } from './members.ts';
import { CITIES, cityIpBlock } from './people-data.ts';
import { Rng } from './random.ts';
import { cny, contextOf, type MemberTimeline } from './timeline.ts';

// Planted abuse with ground truth. The plan is drawn up front from the seed (a few dozen cases
// per 10,000 members, so it stays small even at 10M members); each case is then played into
// the member's timeline, and one demo_abuse_labels row per member records what was planted.

export type AbusePattern = 'account_takeover' | 'points_farming' | 'multi_account';

/** Cases per 10,000 members (multi_account: groups of 3–8 accounts). */
export const ABUSE_RATES: Readonly<Record<AbusePattern, number>> = {
  account_takeover: 30,
  points_farming: 25,
  multi_account: 8,
};

export interface AbuseRole {
  pattern: AbusePattern;
  override: MemberOverride;
  /** multi_account: the group's id and member indexes. */
  groupId?: string;
  group?: number[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Which members play which abuse role, decided before any member is generated. */
export function planAbuse(seed: number, window: MemberWindow): Map<number, AbuseRole> {
  const rng = Rng.stream(seed, 'abuse-plan');
  const n = window.population;
  const roles = new Map<number, AbuseRole>();
  const count = (pattern: AbusePattern) => Math.max(2, Math.round((n * ABUSE_RATES[pattern]) / 10_000));
  const span = window.end - window.start;
  for (let g = 0; g < count('multi_account'); g++) {
    const size = rng.between(3, 8);
    const first = freeRun(rng, roles, n, size);
    if (first < 0) break;
    const device = drawDevice(rng, rng.chance(0.7) ? 'app' : 'mini-program');
    const ip = `${cityIpBlock(rng.int(CITIES.length))}.${rng.int(256)}.${rng.between(1, 254)}`;
    const base = window.start + span * rng.uniform(0.05, 0.95) - 3 * DAY;
    const group = Array.from({ length: size }, (_, k) => first + k);
    group.forEach((index, k) => {
      const registeredAt = Math.floor(base + k * rng.between(3, 40) * MINUTE);
      roles.set(index, {
        pattern: 'multi_account',
        override: { registeredAt, device, ip, disposable: true },
        groupId: `mag-${g + 1}`,
        group,
      });
    });
  }
  for (const pattern of ['account_takeover', 'points_farming'] as const) {
    for (let k = 0; k < count(pattern); k++) {
      const index = freeRun(rng, roles, n, 1);
      if (index < 0) break;
      // Victims and farmers join in the first half, so there is history before the abuse.
      roles.set(index, {
        pattern,
        override: { registeredAt: Math.floor(window.start + span * rng.uniform(0, 0.5)) },
      });
    }
  }
  return roles;
}

/** A random start of `size` consecutive member indexes none of which has a role yet (-1 if none found). */
function freeRun(rng: Rng, roles: Map<number, AbuseRole>, n: number, size: number): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = rng.int(Math.max(1, n - size + 1));
    let free = first + size <= n;
    for (let k = 0; k < size && free; k++) free = !roles.has(first + k);
    if (free) return first;
  }
  return -1;
}

/** Plays the member's planted case into its timeline and returns the ground-truth row. */
export function playAbuse(
  timeline: MemberTimeline,
  role: AbuseRole,
  seed: number,
  now: number,
): DemoAbuseLabelsTable {
  const rng = Rng.stream(seed, 'abuse', timeline.member.index);
  const details =
    role.pattern === 'account_takeover'
      ? playTakeover(timeline, rng)
      : role.pattern === 'points_farming'
        ? playFarming(timeline, rng)
        : playMultiAccount(timeline, rng, role);
  return {
    memberId: timeline.member.id,
    pattern: role.pattern,
    details: JSON.stringify(details),
    createdAt: now,
  };
}

/** A login from a new device and an IP in another city, then a dear order within minutes. */
function playTakeover(timeline: MemberTimeline, rng: Rng): Record<string, unknown> {
  const { member, settings } = timeline;
  const from = member.registeredAt + 7 * DAY;
  const at = Math.floor(from + rng.next() * Math.max(DAY, settings.now - from - DAY));
  let city = rng.int(CITIES.length);
  if (city === member.cityIndex) city = (city + 1) % CITIES.length;
  const device: Device = drawDevice(rng, rng.chance(0.6) ? 'web' : 'app');
  const ip = `${cityIpBlock(city)}.${rng.int(256)}.${rng.between(1, 254)}`;
  const context = contextOf(device, ip);
  timeline.add('login', at, { context, properties: { method: 'password' } });
  const item = settings.catalog.items[
    settings.catalog.highValue[rng.int(settings.catalog.highValue.length)] as number
  ] as DemoItem;
  const orderAt = at + rng.between(2, 15) * MINUTE;
  timeline.add('view', orderAt - MINUTE, { itemId: item.id, context, properties: { source: 'search' } });
  const coupon = rng.chance(0.4) ? 'POINTS-REDEEM' : null;
  const [line] = timeline.payOrder(orderAt, [item], context, coupon, false);
  return {
    at: new Date(at).toISOString(),
    deviceId: device.deviceId,
    ip,
    region: CITIES[city]?.[0],
    homeRegion: member.region,
    orderId: line?.orderId ?? null,
    amount: line ? cny(line.unitPrice * line.quantity) : null,
    minutesToOrder: Math.round((orderAt - at) / MINUTE),
  };
}

/** Repeated buy-then-refund cycles (points earned on payment, the refund comes days later). */
function playFarming(timeline: MemberTimeline, rng: Rng): Record<string, unknown> {
  const { member, settings } = timeline;
  const cycles = rng.between(4, 10);
  let at = member.registeredAt + rng.uniform(3, 20) * DAY;
  const context = contextOf(member.devices[0] as Device, member.ips[0] as string);
  const pool = settings.catalog.pools[rng.weighted(member.latent.prefCumulative)];
  const orderIds: string[] = [];
  for (let k = 0; k < cycles && at < settings.now - 4 * DAY; k++) {
    const item = settings.catalog.items[pool?.items[rng.int(pool.items.length)] ?? 0] as DemoItem;
    timeline.add('login', at - rng.between(1, 5) * MINUTE, { context });
    const [line] = timeline.payOrder(at, [item], context, null, false);
    if (!line) break;
    timeline.refund(line, at + rng.uniform(1, 3) * DAY, 'changed_mind');
    orderIds.push(line.orderId);
    at += rng.uniform(2, 7) * DAY;
  }
  return { cycles: orderIds.length, orderIds };
}

/** One of a group of accounts on one device and IP: signup (already played), login, coupon first order. */
function playMultiAccount(timeline: MemberTimeline, rng: Rng, role: AbuseRole): Record<string, unknown> {
  const { member, settings } = timeline;
  const context = contextOf(member.devices[0] as Device, member.ips[0] as string);
  const at = member.registeredAt + rng.between(2, 20) * MINUTE;
  timeline.add('login', at, { context });
  const pool = settings.catalog.pools[rng.int(settings.catalog.pools.length)];
  const item = settings.catalog.items[pool?.items[rng.int(pool.items.length)] ?? 0] as DemoItem;
  timeline.add('view', at + MINUTE, { itemId: item.id, context, properties: { source: 'new_user_deal' } });
  timeline.payOrder(at + 3 * MINUTE, [item], context, 'NEWUSER-20');
  return {
    groupId: role.groupId,
    deviceId: context.deviceId,
    ip: context.ip,
    memberIds: (role.group ?? []).map(memberId),
  };
}
