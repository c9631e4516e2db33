import { classifyDevice } from './profiles.device.ts';
import type { MemberProfilesTable } from './profiles.table.ts';
import {
  AFFINITY_HALF_LIFE_MS,
  AFFINITY_TOP_KEYS,
  AFFINITY_WEIGHTS,
  DAY_ACTIVE,
  DAY_CART,
  DAY_MS,
  DAY_ORDER,
  type DeviceClass,
  type ItemFacets,
  type ProfileEvent,
} from './profiles.types.ts';

// The one definition of how events move a profile, shared by the ingest path (a batch added to
// the stored state) and the rebuild (all of a member's events added to an empty state), so both
// produce the same rows. Every step is commutative: sums, min/max, flag unions, and affinities
// kept relative to the latest event time, so the order events arrive in does not matter.

type Maps = 'categoryAffinity' | 'brandAffinity' | 'channels' | 'devices';
export type ProfileState = Omit<MemberProfilesTable, Maps | 'updatedAt'> &
  Record<Maps, Record<string, number>>;

const COUNTER_OF_TYPE: Readonly<Record<string, keyof ProfileState>> = {
  view: 'views',
  search: 'searches',
  cart_add: 'cartAdds',
  favorite: 'favorites',
  login: 'logins',
  share: 'shares',
  coupon_use: 'couponUses',
};

/** A member without events. */
export function emptyProfile(memberId: string): ProfileState {
  return {
    memberId,
    events: 0,
    views: 0,
    searches: 0,
    cartAdds: 0,
    favorites: 0,
    logins: 0,
    shares: 0,
    couponUses: 0,
    orders: 0,
    orderDays: 0,
    revenue: 0,
    itemsBought: 0,
    itemPriceSum: 0,
    refunds: 0,
    refundAmount: 0,
    reviews: 0,
    ratings: 0,
    ratingSum: 0,
    activeDays: 0,
    cartDays: 0,
    cartDaysOrdered: 0,
    firstEventAt: null,
    lastEventAt: null,
    firstOrderAt: null,
    lastOrderAt: null,
    affinityAt: null,
    categoryAffinity: {},
    brandAffinity: {},
    channels: {},
    devices: {},
  };
}

// A shop sees few distinct user agents: classify each once (bounded, cleared when full).
const agentClasses = new Map<string, DeviceClass | null>();
function classifyAgent(agent: string): DeviceClass | null {
  let found = agentClasses.get(agent);
  if (found === undefined) {
    if (agentClasses.size >= 5_000) agentClasses.clear();
    found = classifyDevice(agent);
    agentClasses.set(agent, found);
  }
  return found;
}

const min = (a: number | null, b: number) => (a === null ? b : Math.min(a, b));
const max = (a: number | null, b: number) => (a === null ? b : Math.max(a, b));

function bump(map: Record<string, number>, key: string, by: number): void {
  map[key] = (map[key] ?? 0) + by;
}

function scale(map: Record<string, number>, factor: number): void {
  for (const key of Object.keys(map)) map[key] = (map[key] as number) * factor;
}

/**
 * Adds weight `w` at time `at` to the affinity maps. Scores are stored as of `affinityAt`, the
 * latest contributing event: an older event adds w·2^(−Δ/h); a newer one first rescales every
 * score by 2^(−Δ/h) and becomes the reference.
 */
function addAffinity(s: ProfileState, facets: ItemFacets, w: number, at: number): void {
  let weight = w;
  if (s.affinityAt === null) s.affinityAt = at;
  else if (at > s.affinityAt) {
    const factor = 2 ** (-(at - s.affinityAt) / AFFINITY_HALF_LIFE_MS);
    scale(s.categoryAffinity, factor);
    scale(s.brandAffinity, factor);
    s.affinityAt = at;
  } else weight = w * 2 ** (-(s.affinityAt - at) / AFFINITY_HALF_LIFE_MS);
  bump(s.categoryAffinity, facets.category, weight);
  if (facets.brand) bump(s.brandAffinity, facets.brand, weight);
}

function applyMoney(s: ProfileState, e: ProfileEvent, currency: string): void {
  const inCurrency = e.currency === currency && typeof e.amount === 'number';
  if (e.type === 'order_paid') {
    s.orders += 1;
    s.firstOrderAt = min(s.firstOrderAt, e.occurredAt);
    s.lastOrderAt = max(s.lastOrderAt, e.occurredAt);
    if (!inCurrency) return;
    const quantity = e.quantity ?? 1;
    s.revenue += e.amount as number;
    // Unit price × quantity when the store sent a price, else the order total.
    s.itemsBought += quantity;
    s.itemPriceSum += typeof e.priceAmount === 'number' ? e.priceAmount * quantity : (e.amount as number);
  } else if (e.type === 'order_refunded') {
    s.refunds += 1;
    if (inCurrency) s.refundAmount += e.amount as number;
  }
}

/** Adds one event (its item's facets when the catalogue knows it) to the counters and maps. */
export function applyEvent(
  s: ProfileState,
  e: ProfileEvent,
  facets: ItemFacets | undefined,
  currency: string,
): void {
  s.events += 1;
  s.firstEventAt = min(s.firstEventAt, e.occurredAt);
  s.lastEventAt = max(s.lastEventAt, e.occurredAt);
  const counter = COUNTER_OF_TYPE[e.type];
  if (counter) (s[counter] as number) += 1;
  applyMoney(s, e, currency);
  if (e.type === 'review') {
    s.reviews += 1;
    if (typeof e.rating === 'number') {
      s.ratings += 1;
      s.ratingSum += e.rating;
    }
  }
  const weight = AFFINITY_WEIGHTS[e.type];
  if (weight !== undefined && facets) addAffinity(s, facets, weight, e.occurredAt);
  if (e.channel) bump(s.channels, e.channel, 1);
  const device = e.userAgent ? classifyAgent(e.userAgent) : e.deviceId ? 'app' : null;
  if (device) bump(s.devices, device, 1);
}

/** The UTC day number of an event and the flags it sets on that day. */
export function dayFlagsOf(e: ProfileEvent): { day: number; flags: number } {
  const flags =
    DAY_ACTIVE | (e.type === 'cart_add' ? DAY_CART : 0) | (e.type === 'order_paid' ? DAY_ORDER : 0);
  return { day: Math.floor(e.occurredAt / DAY_MS), flags };
}

const both = DAY_CART | DAY_ORDER;

/** Moves the day counters for one day whose flags go from `before` to `after` (a superset). */
export function applyDayFlags(s: ProfileState, before: number, after: number): void {
  const added = after & ~before;
  if (added & DAY_ACTIVE) s.activeDays += 1;
  if (added & DAY_CART) s.cartDays += 1;
  if (added & DAY_ORDER) s.orderDays += 1;
  if ((after & both) === both && (before & both) !== both) s.cartDaysOrdered += 1;
}

function topKeys(map: Record<string, number>): Record<string, number> {
  const entries = Object.entries(map);
  if (entries.length <= AFFINITY_TOP_KEYS) return map;
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return Object.fromEntries(entries.slice(0, AFFINITY_TOP_KEYS));
}

/** Keeps the strongest AFFINITY_TOP_KEYS keys of each affinity map (after a batch). */
export function trimAffinities(s: ProfileState): void {
  s.categoryAffinity = topKeys(s.categoryAffinity);
  s.brandAffinity = topKeys(s.brandAffinity);
}

/** Scores decayed from `affinityAt` to `now`, highest first. */
export function decayedTop(
  map: Record<string, number>,
  affinityAt: number | null,
  now: number,
  limit: number,
): { name: string; score: number }[] {
  if (affinityAt === null) return [];
  const factor = 2 ** (-Math.max(0, now - affinityAt) / AFFINITY_HALF_LIFE_MS);
  return Object.entries(map)
    .map(([name, score]) => ({ name, score: score * factor }))
    .sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : 1))
    .slice(0, limit);
}

const time = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** A stored row as state (PostgreSQL may hand bigints back as strings: every number is coerced). */
export function rowToState(r: MemberProfilesTable): ProfileState {
  return {
    memberId: r.memberId,
    events: Number(r.events),
    views: Number(r.views),
    searches: Number(r.searches),
    cartAdds: Number(r.cartAdds),
    favorites: Number(r.favorites),
    logins: Number(r.logins),
    shares: Number(r.shares),
    couponUses: Number(r.couponUses),
    orders: Number(r.orders),
    orderDays: Number(r.orderDays),
    revenue: Number(r.revenue),
    itemsBought: Number(r.itemsBought),
    itemPriceSum: Number(r.itemPriceSum),
    refunds: Number(r.refunds),
    refundAmount: Number(r.refundAmount),
    reviews: Number(r.reviews),
    ratings: Number(r.ratings),
    ratingSum: Number(r.ratingSum),
    activeDays: Number(r.activeDays),
    cartDays: Number(r.cartDays),
    cartDaysOrdered: Number(r.cartDaysOrdered),
    firstEventAt: time(r.firstEventAt),
    lastEventAt: time(r.lastEventAt),
    firstOrderAt: time(r.firstOrderAt),
    lastOrderAt: time(r.lastOrderAt),
    affinityAt: time(r.affinityAt),
    categoryAffinity: JSON.parse(r.categoryAffinity),
    brandAffinity: JSON.parse(r.brandAffinity),
    channels: JSON.parse(r.channels),
    devices: JSON.parse(r.devices),
  };
}

/** The row to store for a state. */
export function stateToRow(s: ProfileState, updatedAt: number): MemberProfilesTable {
  return {
    ...s,
    categoryAffinity: JSON.stringify(s.categoryAffinity),
    brandAffinity: JSON.stringify(s.brandAffinity),
    channels: JSON.stringify(s.channels),
    devices: JSON.stringify(s.devices),
    updatedAt,
  };
}

/** The row of a member with no events yet (also what tests start a hand-made profile from). */
export function emptyProfileRow(memberId: string, updatedAt: number): MemberProfilesTable {
  return stateToRow(emptyProfile(memberId), updatedAt);
}
