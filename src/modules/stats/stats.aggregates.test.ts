import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../db/database.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { ingestEvents } from '../events/index.ts';
import { saveItems } from '../items/index.ts';
import { deleteMember, updateMember, upsertMember } from '../members/index.ts';
import { rebuildDailyStats } from './index.ts';

const TABLES = [
  'dailyEventCounts',
  'dailyOrders',
  'dailyCategorySales',
  'dailyNewMembers',
  'memberActivity',
] as const satisfies readonly (keyof DB)[];
const DAY = 86_400_000;
const actor = { actorType: 'system', actorId: 'test' };

/** A small seeded generator (mulberry32), so a failure reproduces. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] as T,
  };
}

type Rng = ReturnType<typeof random>;
const TYPES = [
  'view',
  'view',
  'cart_add',
  'order_paid',
  'order_paid',
  'order_refunded',
  'login',
  'search',
  'review',
];
// sku-9 is never saved as an item: its sales count as orders but fall in no category.
const SKUS = ['sku-1', 'sku-2', 'sku-3', 'sku-4', 'sku-9'];

function randomEvent(rng: Rng, n: number, now: number): Record<string, unknown> {
  const type = rng.pick(TYPES);
  // Ten days back, on exact midnights now and then, to exercise day boundaries.
  const occurredAt = rng.next() < 0.15 ? Math.floor(now / DAY - rng.int(10)) * DAY : now - rng.int(10 * DAY);
  const event: Record<string, unknown> = {
    id: `ev-${n}`,
    type,
    memberId: `m-${rng.int(12)}`,
    occurredAt: new Date(occurredAt).toISOString(),
  };
  if (type !== 'login') event.itemId = rng.pick(SKUS);
  if (type === 'order_paid' || type === 'order_refunded') {
    event.orderId = `o-${rng.int(40)}`;
    event.amount = { amount: 100 + rng.int(50_000), currency: rng.next() < 0.8 ? 'CNY' : 'USD' };
  }
  if (type === 'search') event.text = 'red shoes';
  if (type === 'review') event.rating = 1 + rng.int(5);
  return event;
}

async function snapshot(ctx: TestContext): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const rows = await ctx.db.selectFrom(table).selectAll().execute();
    out[table] = rows
      .map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? v : Number(v)])),
      )
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

describe.each(testDatabases())('daily aggregates on $name', (database) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(database);
    await ctx.db.transaction().execute(async (trx) => {
      await saveItems(ctx, trx, [
        {
          id: 'sku-1',
          title: 'A',
          categoryPath: ['Shoes'],
          price: { amount: 100, currency: 'CNY' },
          inStock: true,
        },
        {
          id: 'sku-2',
          title: 'B',
          categoryPath: ['Shoes', 'Kids'],
          price: { amount: 100, currency: 'CNY' },
          inStock: true,
        },
        {
          id: 'sku-3',
          title: 'C',
          categoryPath: ['Bags'],
          price: { amount: 100, currency: 'CNY' },
          inStock: true,
        },
        {
          id: 'sku-4',
          title: 'D',
          categoryPath: ['Books'],
          price: { amount: 100, currency: 'CNY' },
          inStock: true,
        },
      ]);
      for (let i = 0; i < 8; i++) {
        const registeredAt = new Date(ctx.clock.now() - i * 1.7 * DAY).toISOString();
        await upsertMember(ctx, trx, { id: `m-${i}`, registeredAt }, actor);
      }
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('match a full rebuild after random batches with retries, refunds and new members', async () => {
    const rng = random(20260115);
    const sent: Record<string, unknown>[] = [];
    let accepted = 0;
    for (let batch = 0; batch < 8; batch++) {
      const fresh = Array.from({ length: 40 }, (_, i) =>
        randomEvent(rng, batch * 40 + i + 1, ctx.clock.now()),
      );
      sent.push(...fresh);
      // A third of each batch re-sends events already stored: acknowledged, never counted again.
      const retries = Array.from({ length: 20 }, () => rng.pick(sent)).filter((e) => !fresh.includes(e));
      const events = [...new Map([...fresh, ...retries].map((e) => [e.id, e])).values()];
      const result = await ingestEvents(ctx, events, { mode: 'lenient', autoCreateMembers: true });
      expect(result.rejected).toEqual([]);
      accepted += result.accepted;
      ctx.clock.advance(3 * 3600_000);
    }
    // A corrected registration day moves the member between days; a deletion keeps it counted.
    await updateMember(ctx, 'm-1', { registeredAt: '2025-06-01T00:00:00Z' }, actor);
    await updateMember(ctx, 'm-2', { region: 'Shanghai' }, actor);
    await deleteMember(ctx, 'm-3', actor);

    const incremental = await snapshot(ctx);
    expect(accepted).toBe(8 * 40);
    const events = (incremental.dailyEventCounts as { events: number }[]).reduce((s, r) => s + r.events, 0);
    expect(events).toBe(accepted);
    expect(incremental.dailyCategorySales?.length).toBeGreaterThan(3);
    expect(incremental.dailyOrders?.some((r) => (r as { refunds: number }).refunds > 0)).toBe(true);
    expect(incremental.memberActivity).toHaveLength(12);

    const progress: string[] = [];
    const result = await rebuildDailyStats(ctx, {
      onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.table}`),
    });
    expect(progress).toEqual([
      '1/5 daily_event_counts',
      '2/5 daily_orders',
      '3/5 daily_category_sales',
      '4/5 daily_new_members',
      '5/5 member_activity',
    ]);
    expect(result.rows.member_activity).toBe(12);
    expect(await snapshot(ctx)).toEqual(incremental);
  });

  it('writes nothing when a strict batch fails', async () => {
    const before = await snapshot(ctx);
    const good = {
      id: 'ok-1',
      type: 'login',
      memberId: 'm-0',
      occurredAt: new Date(ctx.clock.now()).toISOString(),
    };
    const conflict = {
      id: 'ev-1',
      type: 'login',
      memberId: 'm-0',
      occurredAt: new Date(ctx.clock.now()).toISOString(),
    };
    await expect(ingestEvents(ctx, [good, conflict])).rejects.toMatchObject({ code: 'EVENT_ID_CONFLICT' });
    expect(await snapshot(ctx)).toEqual(before);
  });
});
