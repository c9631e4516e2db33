import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blindIndex } from '../crypto/blind-index.ts';
import type { DB } from '../db/database.ts';
import { EVENT_TYPES, eventContentHash, type NormalisedEvent } from '../modules/events/index.ts';
import { createTestContext, type TestContext, testDatabases } from '../testing/test-context.ts';
import {
  type DemoProgress,
  type DemoShopResult,
  generateDemoShop,
  isDatabaseEmpty,
  NEGATIVE_MARKERS,
  POSITIVE_MARKERS,
} from './index.ts';

type EventRow = Selectable<DB['events']>;
const MINUTE = 60_000;
const DAY = 86_400_000;

/** The event as the API would have received it, rebuilt from its row. */
function apiEventOf(row: EventRow): NormalisedEvent {
  const money = (amount: number | null) =>
    amount === null ? undefined : { amount, currency: row.currency as string };
  const context = Object.fromEntries(
    Object.entries({
      ip: row.ip,
      deviceId: row.deviceId,
      userAgent: row.userAgent,
      channel: row.channel,
    }).filter(([, v]) => v !== null),
  );
  const event = {
    id: row.id,
    type: row.type,
    memberId: row.memberId,
    itemId: row.itemId ?? undefined,
    orderId: row.orderId ?? undefined,
    occurredAt: row.occurredAt,
    quantity: row.quantity ?? undefined,
    price: money(row.priceAmount),
    amount: money(row.amount),
    rating: row.rating ?? undefined,
    text: row.text ?? undefined,
    context: Object.keys(context).length > 0 ? context : undefined,
    properties: row.properties ? JSON.parse(row.properties) : undefined,
  };
  return event as NormalisedEvent;
}

async function fingerprint(ctx: TestContext): Promise<string> {
  const hash = createHash('sha256');
  const members = await ctx.db
    .selectFrom('members')
    .select([
      'id',
      'emailBidx',
      'phoneBidx',
      'gender',
      'region',
      'locale',
      'channel',
      'registeredAt',
      'attributes',
      'consents',
    ])
    .orderBy('id')
    .execute();
  const items = await ctx.db.selectFrom('items').selectAll().orderBy('id').execute();
  const events = await ctx.db.selectFrom('events').selectAll().orderBy('id').execute();
  const labels = await ctx.db.selectFrom('demoAbuseLabels').selectAll().orderBy('memberId').execute();
  for (const rows of [members, items, events, labels]) hash.update(JSON.stringify(rows));
  return hash.digest('hex');
}

describe.each(testDatabases())('demo shop generator on %s', (database) => {
  let ctx: TestContext;
  let result: DemoShopResult;
  let events: EventRow[];
  const progress: DemoProgress[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(database);
    expect(await isDatabaseEmpty(ctx)).toBe(true);
    result = await generateDemoShop(ctx, {
      members: 300,
      seed: 7,
      chunkSize: 120,
      onProgress: (p) => progress.push(p),
    });
    events = await ctx.db.selectFrom('events').selectAll().orderBy('occurredAt').orderBy('id').execute();
  }, 120_000);
  afterAll(async () => {
    await ctx?.close();
  });

  describe('happy path', () => {
    it('fills an empty database and reports progress chunk by chunk', async () => {
      expect(await isDatabaseEmpty(ctx)).toBe(false);
      expect(progress.map((p) => p.membersDone)).toEqual([120, 240, 300]);
      expect(progress.at(-1)?.eventsWritten).toBe(events.length);
      expect(result.events).toBe(events.length);
      expect(result.members).toBe(300);
      // About 35 events a member on average over 12 months (the documented default).
      expect(events.length / 300).toBeGreaterThan(20);
      expect(events.length / 300).toBeLessThan(60);
    });

    it('is deterministic: the same seed gives identical rows in a fresh database', async () => {
      const other = await createTestContext(database);
      try {
        await generateDemoShop(other, { members: 300, seed: 7 });
        expect(await fingerprint(other)).toBe(await fingerprint(ctx));
      } finally {
        await other.close();
      }
    }, 120_000);

    it('builds about 2,000 items in 20 categories with Chinese and English titles', async () => {
      const items = await ctx.db.selectFrom('items').selectAll().execute();
      expect(items.length).toBeGreaterThan(1900);
      expect(items.length).toBeLessThan(2100);
      const categories = new Map<string, number[]>();
      for (const item of items) {
        const path = item.categoryPath.split(' > ');
        expect(path.length).toBeGreaterThanOrEqual(2);
        expect(path.length).toBeLessThanOrEqual(3);
        expect(item.category).toBe(path[0]);
        expect(item.title).toMatch(/[\u4e00-\u9fff]/);
        expect(item.titleEn).toMatch(/^[\x20-\x7e’]+$/);
        expect(item.currency).toBe('CNY');
        expect(item.priceAmount).toBeGreaterThan(0);
        categories.set(item.category, [...(categories.get(item.category) ?? []), item.priceAmount]);
      }
      expect(categories.size).toBe(20);
      for (const prices of categories.values())
        expect(Math.max(...prices) / Math.min(...prices)).toBeGreaterThan(3);
    });

    it('stores personal data encrypted and indexed exactly as the members module does', async () => {
      const members = await ctx.db.selectFrom('members').selectAll().execute();
      expect(members).toHaveLength(300);
      const emails = new Set<string>();
      for (const m of members) {
        const email = await ctx.crypto.pii.decrypt(m.emailEnc as string, `members:${m.id}:email`);
        const phone = await ctx.crypto.pii.decrypt(m.phoneEnc as string, `members:${m.id}:phone`);
        const birthday = await ctx.crypto.pii.decrypt(m.birthdayEnc as string, `members:${m.id}:birthday`);
        expect(m.emailBidx).toBe(blindIndex(ctx.crypto.blindIndexKey, 'email', email));
        expect(m.phoneBidx).toBe(blindIndex(ctx.crypto.blindIndexKey, 'phone', phone));
        expect(email).toMatch(/^[a-z0-9.]+@[a-z0-9.]+$/);
        expect(phone).toMatch(/^1[3-9]\d{9}$/);
        expect(Number(birthday.slice(0, 4))).toBeGreaterThanOrEqual(1960);
        expect(Number(birthday.slice(0, 4))).toBeLessThanOrEqual(2006);
        expect(m).toMatchObject({ status: 'active', version: 1, deletedAt: null });
        expect(JSON.parse(m.consents)).toHaveProperty('marketingEmail.granted');
        emails.add(email);
      }
      expect(emails.size).toBe(300);
      expect(new Set(members.map((m) => m.locale))).toEqual(new Set(['zh-CN', 'en-US']));
    });

    it('emits every event type, none in the future, each hashed as the events API hashes it', () => {
      expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
      for (const e of events) {
        expect(e.occurredAt).toBeLessThanOrEqual(ctx.clock.now());
        expect(e.contentHash).toBe(eventContentHash(apiEventOf(e)));
      }
      const logins = events.filter((x) => x.type === 'login');
      const incomplete = logins.filter((e) => !(e.deviceId && e.ip && e.userAgent && e.channel));
      expect(logins.length).toBeGreaterThan(0);
      expect(incomplete).toEqual([]);
    });

    it('refunds only orders paid earlier, with the same order and item', () => {
      const paid = new Map<string, number>();
      for (const e of events.filter((x) => x.type === 'order_paid')) {
        paid.set(`${e.orderId}/${e.itemId}`, e.occurredAt);
        expect(e.amount).toBe((e.priceAmount as number) * (e.quantity as number));
        expect(e.currency).toBe('CNY');
      }
      const refunds = events.filter((x) => x.type === 'order_refunded');
      expect(refunds.length).toBeGreaterThan(10);
      for (const r of refunds) expect(paid.get(`${r.orderId}/${r.itemId}`)).toBeLessThan(r.occurredAt);
    });
  });

  describe('learnable structure', () => {
    it('writes review texts whose sentiment matches the stars', () => {
      const reviews = events.filter((e) => e.type === 'review' && e.text);
      const meanRating = (markers: readonly string[]) => {
        const hits = reviews.filter((r) => markers.some((m) => (r.text as string).toLowerCase().includes(m)));
        return hits.reduce((s, r) => s + (r.rating as number), 0) / hits.length;
      };
      expect(reviews.length).toBeGreaterThan(30);
      expect(meanRating(POSITIVE_MARKERS)).toBeGreaterThan(4.3);
      expect(meanRating(NEGATIVE_MARKERS)).toBeLessThan(2.2);
      expect(new Set(reviews.map((r) => r.text)).size).toBeGreaterThan(reviews.length * 0.8);
    });

    it("concentrates purchases in the categories a member's views favour", async () => {
      const categoryOf = new Map(
        (await ctx.db.selectFrom('items').select(['id', 'category']).execute()).map((i) => [
          i.id,
          i.category,
        ]),
      );
      const views = new Map<string, Map<string, number>>();
      for (const e of events.filter((x) => x.type === 'view')) {
        const counts = views.get(e.memberId) ?? new Map<string, number>();
        const category = categoryOf.get(e.itemId as string) as string;
        counts.set(category, (counts.get(category) ?? 0) + 1);
        views.set(e.memberId, counts);
      }
      let inTop = 0;
      let total = 0;
      for (const e of events.filter((x) => x.type === 'order_paid')) {
        const top = [...(views.get(e.memberId) ?? new Map<string, number>())]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 2);
        total += 1;
        if (top.some(([c]) => c === categoryOf.get(e.itemId as string))) inTop += 1;
      }
      expect(total).toBeGreaterThan(200);
      expect(inTop / total).toBeGreaterThan(0.5);
    });

    it('peaks on 双11 and leaves some members lapsed', () => {
      const orders = events.filter((x) => x.type === 'order_paid');
      const singlesDay = Date.UTC(2025, 10, 10, -8);
      const festival =
        orders.filter((e) => e.occurredAt >= singlesDay && e.occurredAt < singlesDay + 2 * DAY).length / 2;
      expect(festival).toBeGreaterThan((orders.length / 365) * 2);
      const lastSeen = new Map<string, number>();
      for (const e of events) lastSeen.set(e.memberId, Math.max(lastSeen.get(e.memberId) ?? 0, e.occurredAt));
      const signups = events.filter((e) => e.type === 'signup' && e.occurredAt < ctx.clock.now() - 120 * DAY);
      const lapsed = signups.filter((s) => (lastSeen.get(s.memberId) as number) < ctx.clock.now() - 90 * DAY);
      expect(lapsed.length / signups.length).toBeGreaterThan(0.2);
      expect(lapsed.length / signups.length).toBeLessThan(0.8);
    });
  });

  describe('planted abuse', () => {
    async function labels(pattern: string) {
      const rows = await ctx.db
        .selectFrom('demoAbuseLabels')
        .selectAll()
        .where('pattern', '=', pattern)
        .execute();
      return rows.map((r) => ({
        memberId: r.memberId,
        details: JSON.parse(r.details) as Record<string, unknown>,
      }));
    }

    it('groups multi_account sign-ups on one device and IP, each with a coupon first order', async () => {
      const rows = await labels('multi_account');
      expect(rows.length).toBeGreaterThanOrEqual(6);
      for (const { memberId, details } of rows) {
        const own = events.filter((e) => e.memberId === memberId);
        const logins = own.filter((e) => e.type === 'login' || e.type === 'signup');
        expect(logins.some((e) => e.type === 'signup')).toBe(true);
        for (const e of logins) expect([e.deviceId, e.ip]).toEqual([details.deviceId, details.ip]);
        expect(own.some((e) => e.type === 'coupon_use')).toBe(true);
        expect(own.some((e) => e.type === 'order_paid')).toBe(true);
        expect((details.memberIds as string[]).length).toBeGreaterThanOrEqual(3);
        expect(details.memberIds).toContain(memberId);
      }
    });

    it('plays account_takeover as a login from a new device in another region, then a dear order', async () => {
      const rows = await labels('account_takeover');
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const { memberId, details } of rows) {
        const own = events.filter((e) => e.memberId === memberId);
        const login = own.find((e) => e.type === 'login' && e.deviceId === details.deviceId) as EventRow;
        expect(login.ip).toBe(details.ip);
        expect(details.region).not.toBe(details.homeRegion);
        expect(
          own
            .filter((e) => e.occurredAt < login.occurredAt)
            .some((e) => e.deviceId === details.deviceId || e.ip === details.ip),
        ).toBe(false);
        const order = own.find((e) => e.type === 'order_paid' && e.orderId === details.orderId) as EventRow;
        expect(order.occurredAt - login.occurredAt).toBeLessThanOrEqual(15 * MINUTE);
        expect(order.deviceId).toBe(details.deviceId);
      }
    });

    it('plays points_farming as repeated paid-then-refunded orders', async () => {
      const rows = await labels('points_farming');
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const { memberId, details } of rows) {
        const orderIds = details.orderIds as string[];
        expect(orderIds.length).toBeGreaterThanOrEqual(3);
        for (const orderId of orderIds) {
          const types = events
            .filter((e) => e.memberId === memberId && e.orderId === orderId)
            .map((e) => e.type);
          expect(types).toEqual(['order_paid', 'order_refunded']);
        }
      }
    });
  });

  describe('errors', () => {
    it('rejects a window outside 6–18 months and a bad member count', async () => {
      await expect(generateDemoShop(ctx, { members: 10, seed: 1, months: 3 })).rejects.toThrow(/months/);
      await expect(generateDemoShop(ctx, { members: 0, seed: 1 })).rejects.toThrow(/members/);
    });
  });
});
