import type { Insertable } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRulesList } from '../../cli/loyalty.command.ts';
import type { Database } from '../../db/database.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import type { EventsTable } from '../events/events.table.ts';
import { ingestEvents } from '../events/index.ts';
import { createJob, runJob } from '../jobs/index.ts';
import { upsertMember } from '../members/index.ts';
import { getPointsSummary } from '../points/index.ts';
import {
  archiveRule,
  awardPointsForEvents,
  createRule,
  ensureDefaultProgramme,
  getProgramme,
  listRules,
  type RuleInput,
  updateProgramme,
} from './index.ts';

const DAY = 86_400_000;
const system = { actorType: 'system', actorId: 'test' };

describe.each(testDatabases())('earning from events on %s', (database) => {
  let ctx: TestContext;
  let seq = 0;

  beforeEach(async () => {
    ctx = await createTestContext(database);
    seq = 0;
    await ctx.db.transaction().execute(async (trx) => {
      await upsertMember(ctx, trx, { id: 'm1', birthday: '1990-01-20' }, system);
      await upsertMember(ctx, trx, { id: 'm2', birthday: '1991-06-02' }, system);
    });
  });
  afterEach(async () => ctx.close());

  function ev(
    type: string,
    memberId: string,
    extra: Partial<Insertable<EventsTable>> = {},
  ): Insertable<EventsTable> {
    seq += 1;
    return {
      id: `e${seq}`,
      type,
      memberId,
      occurredAt: ctx.clock.now(),
      receivedAt: ctx.clock.now(),
      contentHash: `h${seq}`,
      ...extra,
    };
  }

  const order = (
    memberId: string,
    orderId: string,
    amount: number,
    extra: Partial<Insertable<EventsTable>> = {},
  ) => ev('order_paid', memberId, { orderId, amount, currency: 'CNY', ...extra });

  const award = (rows: Insertable<EventsTable>[], options?: Parameters<typeof awardPointsForEvents>[3]) =>
    ctx.db.transaction().execute((trx) => awardPointsForEvents(ctx, trx, rows, options));

  const rule = (input: Partial<RuleInput> & Pick<RuleInput, 'name' | 'trigger' | 'action'>) =>
    createRule(ctx, { status: 'active', priority: 100, stacking: 'stack', ...input }, system);

  async function entries(memberId: string) {
    const rows = await ctx.db
      .selectFrom('pointsLedger')
      .select([
        'kind',
        'ruleId',
        'ruleVersion',
        'points',
        'pendingDelta',
        'qualifying',
        'reason',
        'createdAt',
      ])
      .where('memberId', '=', memberId)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      kind: r.kind,
      reason: r.reason,
      points: Number(r.points) + Number(r.pendingDelta),
      qualifying: Number(r.qualifying),
      createdAt: Number(r.createdAt),
    }));
  }

  async function goldTier(memberId: string): Promise<void> {
    const now = ctx.clock.now();
    const tier = (id: string, position: number, benefits: string) => ({
      id,
      position,
      nameZh: id,
      nameEn: id,
      entryThreshold: position,
      retainThreshold: position,
      benefits,
      color: null,
      updatedAt: now,
    });
    await ctx.db
      .insertInto('loyaltyTiers')
      .values([tier('base', 0, '{}'), tier('gold', 1, '{"earningMultiplier":1.5}')])
      .execute();
    await ctx.db
      .insertInto('memberTiers')
      .values({
        memberId,
        tierId: 'gold',
        since: now,
        validUntil: null,
        metricValue: 0,
        overrideTierId: null,
        overrideUntil: null,
        overrideReason: null,
        belowRetainSince: null,
        evaluatedAt: now,
        version: 1,
      })
      .execute();
  }

  it('a paid order earns base points and the tier bonus, pending for the return window', async () => {
    await ensureDefaultProgramme(ctx);
    await goldTier('m1');
    const now = ctx.clock.now();
    expect(await award([order('m1', 'o1', 12_999), order('m2', 'o2', 5_000)])).toEqual(['m1', 'm2']);
    expect(await entries('m1')).toEqual([
      { kind: 'earn', reason: 'Points on paid orders', points: 129, qualifying: 129, createdAt: now },
      { kind: 'earn', reason: 'Tier bonus', points: 64, qualifying: 0, createdAt: now },
    ]);
    // m2 has no member_tiers row: the entry tier, which has no multiplier.
    expect((await entries('m2')).map((e) => e.points)).toEqual([50]);
    expect(await getPointsSummary(ctx, 'm1')).toMatchObject({ available: 0, pending: 193, tierPoints: 129 });
    const lots = await ctx.db
      .selectFrom('pointsLots')
      .select(['pendingUntil', 'expiresAt', 'state'])
      .where('memberId', '=', 'm1')
      .execute();
    expect(lots.map((l) => [Number(l.pendingUntil), Number(l.expiresAt), l.state])).toEqual([
      [now + 7 * DAY, now + 365 * DAY, 'pending'],
      [now + 7 * DAY, now + 365 * DAY, 'pending'],
    ]);
    // The same rows again (a retried batch) change nothing.
    await award([order('m1', 'o1', 12_999, { id: 'e1' })]);
    expect(await entries('m1')).toHaveLength(2);
  });

  it('caps hold across one batch and across batches; periods are UTC days', async () => {
    await ensureDefaultProgramme(ctx);
    await award(Array.from({ length: 5 }, () => ev('share', 'm1')));
    expect((await getPointsSummary(ctx, 'm1')).available).toBe(20);
    await award([ev('share', 'm1')]);
    expect((await getPointsSummary(ctx, 'm1')).available).toBe(20);
    ctx.clock.advance(DAY);
    await award([ev('share', 'm1'), ev('share', 'm1')]);
    expect((await getPointsSummary(ctx, 'm1')).available).toBe(30);
    await award([ev('signup', 'm2'), ev('signup', 'm2')]);
    await award([ev('signup', 'm2')]);
    await award(Array.from({ length: 7 }, () => ev('review', 'm2', { rating: 5 })));
    await award([ev('review', 'm2', { text: 'short' })]);
    expect((await getPointsSummary(ctx, 'm2')).available).toBe(150);
  });

  it('a refund takes back its share of the order, even in the same batch as the order', async () => {
    await ensureDefaultProgramme(ctx);
    const now = ctx.clock.now();
    const refund = ev('order_refunded', 'm1', {
      orderId: 'o1',
      amount: 5_000,
      currency: 'CNY',
      occurredAt: now + 1,
    });
    expect(await award([refund, order('m1', 'o1', 10_000)])).toEqual(['m1']);
    expect(await getPointsSummary(ctx, 'm1')).toMatchObject({ pending: 50, tierPoints: 50 });
  });

  it('views and searches cost no query once the rules are cached', async () => {
    await ensureDefaultProgramme(ctx);
    await award([ev('share', 'm1')]);
    const untouchable = new Proxy({} as Database, {
      get(_target, name) {
        throw new Error(`unexpected database use: ${String(name)}`);
      },
    });
    const rows = [ev('view', 'm1', { itemId: 'sku' }), ev('search', 'm2', { text: 'shoes' })];
    expect(await awardPointsForEvents(ctx, untouchable, rows)).toEqual([]);
  });

  it('orders with no rule earn nothing but still report the member (spend changed)', async () => {
    const base = await rule({
      name: 'Base',
      trigger: 'order_paid',
      action: { type: 'per_amount', points: 1, per: 1 },
    });
    await archiveRule(ctx, base.id, undefined, system);
    expect(await award([order('m1', 'o1', 10_000), ev('login', 'm2')])).toEqual(['m1']);
    expect(await entries('m1')).toEqual([]);
  });

  it('birthday-month, item and member-attribute conditions read what they need', async () => {
    const now = ctx.clock.now();
    await ctx.db
      .insertInto('items')
      .values({
        id: 'sku-1',
        title: 'Dress',
        titleEn: null,
        categoryPath: '服饰 > 女装',
        category: '服饰',
        brand: 'Acme',
        priceAmount: 29_900,
        currency: 'CNY',
        attributes: '{}',
        inStock: 1,
        createdAt: now,
        updatedAt: now,
      })
      .execute();
    await rule({
      name: 'Birthday month',
      trigger: 'order_paid',
      condition: { field: 'date.isBirthdayMonth', op: 'eq', value: true },
      action: { type: 'fixed', points: 200 },
    });
    await rule({
      name: 'Fashion favourite',
      trigger: 'favorite',
      condition: {
        all: [
          { field: 'item.category', op: 'eq', value: '服饰' },
          { field: 'item.brand', op: 'eq', value: 'Acme' },
        ],
      },
      action: { type: 'fixed', points: 3 },
    });
    await award([
      order('m1', 'o1', 100),
      order('m2', 'o2', 100),
      ev('favorite', 'm1', { itemId: 'sku-1' }),
      ev('favorite', 'm2', { itemId: 'unknown-sku' }),
    ]);
    expect((await entries('m1')).map((e) => [e.reason, e.points])).toEqual([
      ['Birthday month', 200],
      ['Fashion favourite', 3],
    ]);
    expect(await entries('m2')).toEqual([]);
  });

  it('imported events earn only when the programme says so', async () => {
    await ensureDefaultProgramme(ctx);
    expect(await award([ev('share', 'm1'), order('m2', 'o2', 1_000)], { imported: true })).toEqual(['m2']);
    expect((await entries('m1')).length + (await entries('m2')).length).toBe(0);
    const programme = await getProgramme(ctx);
    await updateProgramme(
      ctx,
      { settings: { ...programme.settings, earnOnImport: true }, version: programme.version },
      system,
    );
    await award([ev('share', 'm1')], { imported: true });
    expect((await getPointsSummary(ctx, 'm1')).available).toBe(5);
  });

  it('the backfill job replays a time range in order, dated at each event, and reruns change nothing', async () => {
    await ensureDefaultProgramme(ctx);
    const start = Date.UTC(2025, 10, 11, 10);
    const rows = [
      order('m1', 'old-1', 20_000, { occurredAt: start }),
      ev('share', 'm1', { occurredAt: start + 1_000 }),
      ev('order_refunded', 'm1', {
        orderId: 'old-1',
        amount: 20_000,
        currency: 'CNY',
        occurredAt: start + DAY,
      }),
      order('m2', 'old-2', 3_000, { occurredAt: start + 2 * DAY }),
      ev('view', 'm2', { itemId: 'x', occurredAt: start + 2 * DAY }),
      order('m2', 'outside', 9_900, { occurredAt: start + 40 * DAY }),
    ];
    await ctx.db.insertInto('events').values(rows).execute();
    const params = { from: new Date(start).toISOString(), to: new Date(start + 30 * DAY).toISOString() };
    const job = await createJob(ctx, 'loyalty.backfill', params, 'test');
    const done = await runJob(ctx, job.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      progress: { done: 4, total: 4 },
      result: { events: 4 },
    });
    expect(await entries('m1')).toEqual([
      { kind: 'earn', reason: 'Points on paid orders', points: 200, qualifying: 200, createdAt: start },
      { kind: 'earn', reason: 'Share reward', points: 5, qualifying: 0, createdAt: start + 1_000 },
      {
        kind: 'reverse',
        reason: 'refund of order old-1',
        points: -200,
        qualifying: -200,
        createdAt: start + DAY,
      },
    ]);
    expect((await entries('m2')).map((e) => [e.points, e.createdAt])).toEqual([[30, start + 2 * DAY]]);
    const again = await runJob(ctx, (await createJob(ctx, 'loyalty.backfill', params, 'test')).id);
    expect(again?.status).toBe('succeeded');
    expect(await entries('m1')).toHaveLength(3);
    const bad = createJob(ctx, 'loyalty.backfill', { from: params.to, to: params.from }, 'test');
    await expect(bad).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('events sent through ingest earn in the same transaction; a retried batch earns nothing more', async () => {
    await ensureDefaultProgramme(ctx);
    const batch = [
      {
        id: 'api-1',
        type: 'order_paid',
        memberId: 'm1',
        orderId: 'SO-1',
        occurredAt: new Date(ctx.clock.now()).toISOString(),
        amount: { amount: 25_900, currency: 'CNY' },
      },
      { id: 'api-2', type: 'share', memberId: 'm1', occurredAt: new Date(ctx.clock.now()).toISOString() },
      {
        id: 'api-3',
        type: 'view',
        memberId: 'm1',
        itemId: 'sku',
        occurredAt: new Date(ctx.clock.now()).toISOString(),
      },
    ];
    expect((await ingestEvents(ctx, batch)).accepted).toBe(3);
    expect(await getPointsSummary(ctx, 'm1')).toMatchObject({ pending: 259, available: 5 });
    expect((await ingestEvents(ctx, batch)).duplicates).toBe(3);
    expect(await getPointsSummary(ctx, 'm1')).toMatchObject({ pending: 259, available: 5 });
  });

  it('`loyalty rules list` prints rules in evaluation order', async () => {
    await ensureDefaultProgramme(ctx);
    const lines: string[] = [];
    expect(await runRulesList(ctx, { trigger: 'order_paid' }, (l) => lines.push(l))).toBe(2);
    expect(lines[0]).toMatch(
      /order_paid\s+active\s+p10\s+v1\s+Points on paid orders: 1 per 1 major unit\s+qualifying/,
    );
    expect(lines[1]).toMatch(/Tier bonus: × tier multiplier$/);
    const errors: string[] = [];
    expect(await runRulesList(ctx, { status: 'gone' }, (l) => errors.push(l))).toBe(-1);
    expect(errors[0]).toMatch(/^--status/);
    expect((await listRules(ctx, { limit: 50 })).data).toHaveLength(5);
  });
});
