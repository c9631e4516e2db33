import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { getProgrammeSettings } from '../loyalty/index.ts';
import { getPointsSummary } from '../points/index.ts';
import { listMemberSegments } from '../segments/index.ts';
import { getMemberTier } from '../tiers/index.ts';
import { getMemberValue } from '../value/index.ts';
import { decayedTop, emptyProfile, type ProfileState, rowToState } from './profiles.fold.ts';
import { findPriceQuartiles, findProfileRow, liveMemberExists } from './profiles.repository.ts';
import { DAY_MS, type MemberProfileDto } from './profiles.types.ts';

/** Catalogue price quartiles change slowly; each process reads them at most this often. */
export const QUARTILES_TTL_MS = 5 * 60_000;
const TOP = 5;

type Quartiles = [number, number, number] | null;
const quartileCache = new WeakMap<Database, { currency: string; until: number; value: Quartiles }>();

async function priceQuartiles(ctx: AppContext, currency: string): Promise<Quartiles> {
  const now = ctx.clock.now();
  const slot = quartileCache.get(ctx.db);
  // A clock moved backwards (tests) also reloads.
  if (slot && slot.currency === currency && now < slot.until && now >= slot.until - QUARTILES_TTL_MS) {
    return slot.value;
  }
  const value = await findPriceQuartiles(ctx.db, currency);
  quartileCache.set(ctx.db, { currency, until: now + QUARTILES_TTL_MS, value });
  return value;
}

/** The band of a mean item price against the catalogue's price quartiles. */
export function priceBandOf(
  price: number,
  quartiles: [number, number, number],
): MemberProfileDto['priceBand'] {
  if (price < quartiles[0]) return 'budget';
  if (price < quartiles[1]) return 'mid';
  if (price < quartiles[2]) return 'premium';
  return 'luxury';
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function behaviour(s: ProfileState, now: number, currency: string) {
  const money = (amount: number) => ({ amount: Math.round(amount), currency });
  return {
    recencyDays: s.lastOrderAt === null ? null : Math.max(0, Math.floor((now - s.lastOrderAt) / DAY_MS)),
    frequency: s.orders,
    orderDays: s.orderDays,
    monetary: money(s.revenue),
    averageOrderValue: s.orders > 0 ? money(s.revenue / s.orders) : null,
    purchaseIntervalDays:
      s.orderDays > 1 && s.firstOrderAt !== null && s.lastOrderAt !== null
        ? (s.lastOrderAt - s.firstOrderAt) / DAY_MS / (s.orderDays - 1)
        : null,
    firstOrderAt: iso(s.firstOrderAt),
    lastOrderAt: iso(s.lastOrderAt),
    firstEventAt: iso(s.firstEventAt),
    lastEventAt: iso(s.lastEventAt),
    activeDays: s.activeDays,
    counts: {
      ...{ events: s.events, views: s.views, searches: s.searches, cartAdds: s.cartAdds },
      ...{ favorites: s.favorites, logins: s.logins, shares: s.shares, couponUses: s.couponUses },
    },
    cartAbandonmentRate: s.cartDays > 0 ? 1 - s.cartDaysOrdered / s.cartDays : null,
    refunds: s.refunds,
    refundAmount: money(s.refundAmount),
    refundRate: ratio(s.refunds, s.orders),
    reviews: s.reviews,
    meanRating: ratio(s.ratingSum, s.ratings),
    topCategories: decayedTop(s.categoryAffinity, s.affinityAt, now, TOP),
    topBrands: decayedTop(s.brandAffinity, s.affinityAt, now, TOP),
    meanItemPrice: s.itemsBought > 0 ? money(s.itemPriceSum / s.itemsBought) : null,
    channels: s.channels,
    devices: s.devices,
  };
}

/**
 * `GET /v1/members/{id}/profile`: behaviour figures derived from the stored profile, with the
 * member's tier and points. A live member without events gets zeros and nulls; an unknown or
 * deleted member is 404 MEMBER_NOT_FOUND.
 */
export async function getMemberProfile(ctx: AppContext, memberId: string): Promise<MemberProfileDto> {
  if (!(await liveMemberExists(ctx.db, memberId))) throw appError(Errors.MEMBER_NOT_FOUND);
  const now = ctx.clock.now();
  const { currency } = await getProgrammeSettings(ctx);
  const row = await findProfileRow(ctx.db, memberId);
  const s = row ? rowToState(row) : emptyProfile(memberId);
  const figures = behaviour(s, now, currency);
  const quartiles = figures.meanItemPrice ? await priceQuartiles(ctx, currency) : null;
  const tier = (await getMemberTier(ctx, memberId)).tier;
  const points = await getPointsSummary(ctx, memberId);
  return {
    memberId,
    updatedAt: row ? iso(Number(row.updatedAt)) : null,
    ...figures,
    priceBand:
      figures.meanItemPrice && quartiles ? priceBandOf(figures.meanItemPrice.amount, quartiles) : null,
    tier: { id: tier.id, nameEn: tier.nameEn, nameZh: tier.nameZh },
    points: { available: points.available, pending: points.pending, lifetimeEarned: points.lifetimeEarned },
    value: await getMemberValue(ctx, memberId),
    segments: await listMemberSegments(ctx, memberId),
  };
}
