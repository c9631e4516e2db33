// Dependency-free on purpose: the dashboard (web/) imports this list too, so the event types the
// API accepts and the ones the dashboard can filter by never drift apart.

/** Every behaviour event type the store can send. */
export const EVENT_TYPES = [
  'view',
  'search',
  'cart_add',
  'cart_remove',
  'favorite',
  'order_paid',
  'order_refunded',
  'review',
  'login',
  'signup',
  'coupon_use',
  'share',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
