import type { CategoryPool, DemoItem } from './catalog.ts';
import type { DemoMember } from './members.ts';
import { Rng } from './random.ts';
import { promotionAt, sampleSessionTime } from './seasonality.ts';
import { contextOf, type EventContext, MemberTimeline, type SimulationSettings } from './timeline.ts';

// A member's ordinary shopping, driven by the latent traits drawn in members.ts: sessions arrive
// at the member's rate (shaped by seasonality) until the member lapses; each session browses a
// preferred category, where items are picked by popularity, brand affinity and price fit; views
// lead to carts and carts to orders at funnel rates lifted by promotions.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 86_400_000;

/** Funnel rates before the member's propensity, item quality and promotions scale them. */
const RATES = {
  login: 0.35,
  search: 0.35,
  favorite: 0.04,
  share: 0.012,
  cartPerView: 0.085,
  cartRemove: 0.2,
  checkout: 0.5,
  coupon: 0.12,
  partnerView: 0.2,
  partnerBuy: 0.25,
  repeatSession: 0.12,
  explore: 0.1,
};

/** Simulates the member's signup and sessions into a new timeline (after-sales not yet settled). */
export function simulateMember(
  seed: number,
  member: DemoMember,
  settings: SimulationSettings,
): MemberTimeline {
  const timeline = new MemberTimeline(member, Rng.stream(seed, 'behaviour', member.index), settings);
  const { rng } = timeline;
  const device = member.devices[0];
  if (!device) return timeline;
  timeline.add('signup', member.registeredAt, {
    context: contextOf(device, member.ips[0] as string),
    properties: { method: rng.pick(['phone', 'phone', 'wechat', 'email']) },
  });
  const end = Math.min(member.latent.churnAt ?? settings.now, settings.now);
  const starts: number[] = [];
  if (rng.chance(0.7)) starts.push(member.registeredAt + rng.between(1, 10) * MINUTE);
  const days = Math.max(0, (end - member.registeredAt) / DAY);
  const count = rng.poisson(member.latent.sessionsPerDay * days * settings.intensity);
  for (let k = 0; k < count; k++) {
    const start = sampleSessionTime(rng, member.registeredAt + MINUTE, end);
    if (start !== null) starts.push(start);
  }
  starts.sort((a, b) => a - b);
  for (const start of starts) runSession(timeline, start);
  return timeline;
}

function sessionContext(timeline: MemberTimeline): EventContext {
  const { member, rng } = timeline;
  const device = rng.chance(0.8)
    ? (member.devices[0] as DemoMember['devices'][number])
    : rng.pick(member.devices);
  return contextOf(device, rng.chance(0.7) ? (member.ips[0] as string) : rng.pick(member.ips));
}

function runSession(timeline: MemberTimeline, start: number): void {
  const { rng, member } = timeline;
  const context = sessionContext(timeline);
  if (rng.chance(RATES.login)) timeline.add('login', start, { context });
  const clock = { time: start + rng.between(5, 40) * SECOND };
  const bought = timeline.lines;
  const cart =
    bought.length > 0 && rng.chance(RATES.repeatSession)
      ? rebuy(timeline, rng.pick(bought).item, context, clock)
      : browse(timeline, context, clock);
  for (let k = cart.length - 1; k >= 0; k--) {
    if (!rng.chance(RATES.cartRemove)) continue;
    clock.time += rng.between(5, 60) * SECOND;
    timeline.add('cart_remove', clock.time, { itemId: (cart[k] as DemoItem).id, context });
    cart.splice(k, 1);
  }
  if (cart.length === 0) return;
  const promotion = promotionAt(clock.time);
  const checkout =
    RATES.checkout * (promotion?.conversionBoost ?? 1) * Math.min(1.6, member.latent.buyPropensity);
  if (!rng.chance(Math.min(0.95, checkout))) return;
  for (const item of [...cart]) {
    const partner = timeline.settings.catalog.items[item.partner];
    if (partner?.inStock && !cart.includes(partner) && rng.chance(RATES.partnerBuy)) cart.push(partner);
  }
  const couponRate = RATES.coupon + (promotion ? 0.25 : 0);
  const coupon = rng.chance(couponRate)
    ? promotion
      ? `${promotion.name.toUpperCase()}-SAVE`
      : 'MEMBER-10'
    : null;
  timeline.payOrder(clock.time + rng.between(1, 5) * MINUTE, cart, context, coupon);
}

/** Repeat purchase: straight to a previously bought item. */
function rebuy(
  timeline: MemberTimeline,
  item: DemoItem,
  context: EventContext,
  clock: { time: number },
): DemoItem[] {
  timeline.add('view', clock.time, { itemId: item.id, context, properties: { source: 'orders' } });
  if (!timeline.rng.chance(0.6)) return [];
  clock.time += timeline.rng.between(10, 90) * SECOND;
  timeline.add('cart_add', clock.time, { itemId: item.id, quantity: 1, context });
  return [item];
}

/** Browses one category: optional search, a few views, favourites, carts. */
function browse(timeline: MemberTimeline, context: EventContext, clock: { time: number }): DemoItem[] {
  const { rng, member, settings } = timeline;
  const { catalog } = settings;
  const latent = member.latent;
  const category = rng.chance(RATES.explore)
    ? rng.weighted(catalog.categoryCumulative)
    : rng.weighted(latent.prefCumulative);
  const pool = catalog.pools[category] as CategoryPool;
  const english = member.locale === 'en-US';
  let source = 'home';
  if (rng.chance(RATES.search)) {
    const hint = catalog.items[pool.items[rng.int(pool.items.length)] as number] as DemoItem;
    const query = english
      ? hint.leafEn.toLowerCase()
      : rng.chance(0.3)
        ? `${hint.brand} ${hint.leafZh}`
        : hint.leafZh;
    timeline.add('search', clock.time, { context, properties: { query } });
    clock.time += rng.between(3, 20) * SECOND;
    source = 'search';
  }
  const cart: DemoItem[] = [];
  const views = 1 + rng.poisson(2.2);
  for (let v = 0; v < views; v++) {
    const item = chooseItem(timeline, pool);
    viewItem(timeline, item, context, clock, source, cart);
    const partner = catalog.items[item.partner];
    if (partner && rng.chance(RATES.partnerView))
      viewItem(timeline, partner, context, clock, 'related', cart);
    clock.time += rng.between(15, 120) * SECOND;
  }
  return cart;
}

function viewItem(
  timeline: MemberTimeline,
  item: DemoItem,
  context: EventContext,
  clock: { time: number },
  source: string,
  cart: DemoItem[],
): void {
  const { rng, member } = timeline;
  timeline.add('view', clock.time, { itemId: item.id, context, properties: { source } });
  if (rng.chance(RATES.favorite))
    timeline.add('favorite', clock.time + rng.between(5, 30) * SECOND, { itemId: item.id, context });
  if (rng.chance(RATES.share))
    timeline.add('share', clock.time + rng.between(5, 30) * SECOND, { itemId: item.id, context });
  const boost = promotionAt(clock.time) ? 1.3 : 1;
  const cartRate = RATES.cartPerView * member.latent.buyPropensity * (0.5 + item.quality) * boost;
  if (!cart.includes(item) && item.inStock && rng.chance(cartRate)) {
    clock.time += rng.between(10, 60) * SECOND;
    timeline.add('cart_add', clock.time, { itemId: item.id, quantity: 1, context });
    cart.push(item);
  }
}

/**
 * Picks an item of the pool by popularity, then accepts it with the member's brand and price
 * fit (rejection sampling keeps each draw O(log n) instead of reweighting the pool per member).
 */
function chooseItem(timeline: MemberTimeline, pool: CategoryPool): DemoItem {
  const { rng, member, settings } = timeline;
  const latent = member.latent;
  let item = settings.catalog.items[0] as DemoItem;
  for (let attempt = 0; attempt < 8; attempt++) {
    item = settings.catalog.items[pool.items[rng.weighted(pool.cumulative)] as number] as DemoItem;
    const favourite = latent.favouriteBrand[item.categoryIndex] as number;
    const brandFit = favourite < 0 || favourite === item.brandIndex ? 1 : 1 - latent.brandLoyalty * 0.75;
    const distance = (item.priceZ - latent.pricePref) / latent.priceTolerance;
    if (rng.next() < brandFit * Math.exp(-0.5 * distance * distance)) return item;
  }
  return item;
}
