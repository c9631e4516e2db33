/**
 * A member's behaviour profile, moved by each stored event (O(1) per event) and rebuilt from
 * the events by the `profiles.rebuild` job. Money in minor units of the programme currency;
 * times in epoch ms.
 */
export interface MemberProfilesTable {
  memberId: string;
  events: number;
  views: number;
  searches: number;
  cartAdds: number;
  favorites: number;
  logins: number;
  shares: number;
  couponUses: number;
  orders: number;
  /** Distinct UTC days with a paid order (BG/NBD counts repeat purchase days). */
  orderDays: number;
  revenue: number;
  itemsBought: number;
  itemPriceSum: number;
  refunds: number;
  refundAmount: number;
  reviews: number;
  /** Reviews that carried a rating, and the sum of those ratings. */
  ratings: number;
  ratingSum: number;
  activeDays: number;
  /** Days with a cart addition, and those of them with a paid order too. */
  cartDays: number;
  cartDaysOrdered: number;
  firstEventAt: number | null;
  lastEventAt: number | null;
  firstOrderAt: number | null;
  lastOrderAt: number | null;
  /** JSON { category: score }, scores decayed to `affinityAt`. */
  categoryAffinity: string;
  /** JSON { brand: score }, scores decayed to `affinityAt`. */
  brandAffinity: string;
  affinityAt: number | null;
  /** JSON { channel: events }. */
  channels: string;
  /** JSON { device class: events }. */
  devices: string;
  updatedAt: number;
}

/** Days (since the epoch, UTC) a member was active; flags: 1 active, 2 cart, 4 ordered. */
export interface MemberActiveDaysTable {
  memberId: string;
  day: number;
  flags: number;
}
