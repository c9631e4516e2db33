/** Deterministic batches of behaviour events for the ingest benchmark. */
export const BATCH = 1000;
export const MEMBERS = 1000;
const TYPES = ['view', 'view', 'view', 'cart_add', 'favorite', 'order_paid'] as const;

export type BenchEvent = Record<string, unknown> & {
  id: string;
  type: string;
  memberId: string;
  occurredAt: string;
};

export function makeBatch(tag: string, batch: number): BenchEvent[] {
  const events: BenchEvent[] = [];
  const base = Date.UTC(2026, 5, 1);
  for (let i = 0; i < BATCH; i++) {
    const n = batch * BATCH + i;
    const type = TYPES[n % TYPES.length] as string;
    const event: BenchEvent = {
      id: `${tag}-${n}`,
      type,
      memberId: `m-${n % MEMBERS}`,
      itemId: `sku-${(n * 7919) % 5000}`,
      occurredAt: new Date(base + n * 1000).toISOString(),
      context: { ip: `10.0.${n % 250}.${n % 200}`, deviceId: `d-${n % MEMBERS}`, channel: 'app' },
    };
    if (type === 'order_paid') {
      event.orderId = `o-${tag}-${n}`;
      event.quantity = 1;
      event.amount = { amount: 1000 + (n % 50_000), currency: 'CNY' };
    }
    events.push(event);
  }
  return events;
}
