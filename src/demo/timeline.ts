import type { NormalisedEvent } from '../modules/events/index.ts';
import type { Catalog, DemoItem } from './catalog.ts';
import type { DemoMember, Device } from './members.ts';
import type { Rng } from './random.ts';
import { drawRating, reviewText } from './reviews.ts';
import { promotionAt } from './seasonality.ts';

// A member's events as the API would receive them (NormalisedEvent: the one form that is
// hashed and stored), with helpers for the steps every story shares: orders and after-sales.

const MINUTE = 60_000;
const DAY = 86_400_000;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type EventContext = NonNullable<NormalisedEvent['context']>;
type EventFields = Omit<NormalisedEvent, 'id' | 'type' | 'memberId' | 'occurredAt'>;

/** One line of an order as it was paid. */
export interface OrderLine {
  orderId: string;
  item: DemoItem;
  quantity: number;
  unitPrice: number;
  paidAt: number;
}

/** Shop-wide inputs every member's simulation reads. */
export interface SimulationSettings {
  catalog: Catalog;
  /** End of the behaviour window (ctx.clock.now()); nothing happens after it. */
  now: number;
  /** Multiplies session rates (1 = the documented default of ~35 events a member). */
  intensity: number;
}

/** A ULID-shaped id (`evt_` + 10 time + 16 random characters) drawn from the member's stream. */
export function eventId(rng: Rng, time: number): string {
  let timePart = '';
  let rest = time;
  for (let i = 0; i < 10; i++) {
    timePart = CROCKFORD[rest % 32] + timePart;
    rest = Math.floor(rest / 32);
  }
  return `evt_${timePart}${rng.chars(CROCKFORD, 16)}`;
}

/** Context of a session on one of the member's devices. */
export function contextOf(device: Device, ip: string): EventContext {
  return { ip, deviceId: device.deviceId, userAgent: device.userAgent, channel: device.channel };
}

/** Collects one member's events in API form; never emits an event after `now`. */
export class MemberTimeline {
  readonly events: NormalisedEvent[] = [];
  readonly lines: OrderLine[] = [];
  private orders = 0;

  constructor(
    readonly member: DemoMember,
    readonly rng: Rng,
    readonly settings: SimulationSettings,
  ) {}

  /** Appends an event unless it would lie in the future; returns whether it was kept. */
  add(type: NormalisedEvent['type'], time: number, fields: EventFields = {}): boolean {
    const at = Math.floor(time);
    if (at > this.settings.now) return false;
    this.events.push({
      id: eventId(this.rng, at),
      type,
      memberId: this.member.id,
      occurredAt: at,
      ...fields,
    });
    return true;
  }

  /** A new order id, unique across the shop: `ord-<member number>-<n>`. */
  nextOrderId(): string {
    this.orders += 1;
    return `ord-${this.member.id.slice(1)}-${this.orders}`;
  }

  /**
   * Pays for `items` as one order: optional coupon_use, then one order_paid per line (amount =
   * line total, the lines of an order share its orderId). Returns the lines, or [] if too late.
   * `afterSales: false` keeps the lines out of settleOrders (planted abuse settles its own).
   */
  payOrder(
    time: number,
    items: readonly DemoItem[],
    context: EventContext,
    coupon: string | null,
    afterSales = true,
  ): OrderLine[] {
    if (time > this.settings.now || items.length === 0) return [];
    const orderId = this.nextOrderId();
    const promotion = promotionAt(time);
    const discount = promotion?.discount ?? 0;
    if (coupon) {
      const value = Math.min(
        5000,
        Math.max(500, Math.round(((items[0] as DemoItem).priceAmount * 0.1) / 100) * 100),
      );
      this.add('coupon_use', time - 20_000, {
        orderId,
        amount: cny(value),
        context,
        properties: { couponCode: coupon },
      });
    }
    const lines: OrderLine[] = [];
    for (const item of items) {
      const quantity = this.rng.chance(0.86) ? 1 : this.rng.chance(0.7) ? 2 : 3;
      const unitPrice = Math.round((item.priceAmount * (1 - discount)) / 10) * 10;
      const properties = promotion ? { promotion: promotion.name } : undefined;
      this.add('order_paid', time, {
        itemId: item.id,
        orderId,
        quantity,
        price: cny(unitPrice),
        amount: cny(unitPrice * quantity),
        context,
        ...(properties ? { properties } : {}),
      });
      lines.push({ orderId, item, quantity, unitPrice, paidAt: time });
    }
    if (afterSales) this.lines.push(...lines);
    return lines;
  }

  /** Refunds a line (whole quantity) at `time`. */
  refund(line: OrderLine, time: number, reason: string): boolean {
    return this.add('order_refunded', time, {
      itemId: line.item.id,
      orderId: line.orderId,
      quantity: line.quantity,
      price: cny(line.unitPrice),
      amount: cny(line.unitPrice * line.quantity),
      properties: { reason },
    });
  }

  /**
   * After-sales for every paid line: poor quality raises refunds; kept items are sometimes
   * reviewed with stars from their quality and a text that matches the stars.
   */
  settleOrders(): void {
    const english = this.member.locale === 'en-US';
    for (const line of this.lines) {
      const { item } = line;
      const refunded =
        this.rng.chance(0.02 + 0.2 * (1 - item.quality) ** 2) &&
        this.refund(
          line,
          line.paidAt + this.rng.uniform(2, 20) * DAY,
          this.rng.pick(['quality', 'not_as_described', 'changed_mind', 'size']),
        );
      if (!this.rng.chance(refunded ? 0.3 : 0.22)) continue;
      const rating = refunded
        ? Math.min(2, drawRating(this.rng, item.quality * 0.3))
        : drawRating(this.rng, item.quality);
      const withText = this.rng.chance(0.85);
      this.add('review', line.paidAt + this.rng.uniform(3, 15) * DAY + this.rng.int(60) * MINUTE, {
        itemId: item.id,
        orderId: line.orderId,
        rating,
        ...(withText
          ? { text: reviewText(this.rng, rating, english, english ? item.leafEn : item.leafZh) }
          : {}),
      });
    }
  }
}

/** Money in fen. */
export function cny(amount: number): { amount: number; currency: string } {
  return { amount, currency: 'CNY' };
}
