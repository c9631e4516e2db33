import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { ensureDefaultTiers, getMemberTier, setTierOverride } from './index.ts';
import { shiftYears } from './tiers.metric.ts';
import {
  addMember,
  DAY,
  historyOf,
  memberTierRow,
  order,
  recalculate,
  setTierSettings,
  upgrade,
} from './tiers.testing.ts';

const CNY = 100;
const operator = { actorType: 'operator', actorId: 'op_test' };

describe.each(testDatabases())('tier movement on $name', (database) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(database);
    await ensureDefaultTiers(ctx);
    for (const id of ['m1', 'm2', 'm3']) await addMember(ctx, id, '2025-06-01T00:00:00Z');
  });
  afterEach(async () => ctx.close());

  describe('instant upgrades', () => {
    it('upgrades when spend crosses an entry threshold, not before', async () => {
      const first = ctx.clock.now();
      await order(ctx, 'm1', 900 * CNY);
      expect(await upgrade(ctx, 'm1')).toMatchObject({ evaluated: 1, upgraded: 0, unchanged: 1 });
      expect(await memberTierRow(ctx, 'm1')).toBeUndefined();

      ctx.clock.advance(DAY);
      await order(ctx, 'm1', 100 * CNY);
      expect(await upgrade(ctx, 'm1')).toMatchObject({ upgraded: 1 });
      const tier = await getMemberTier(ctx, 'm1');
      expect(tier.tier).toMatchObject({ id: 'silver', nameZh: '白银', nameEn: 'Silver' });
      expect(tier.tier.benefits.earningMultiplier).toBe(1.25);
      expect(tier.since).toBe(new Date(ctx.clock.now()).toISOString());
      expect(tier.progress).toEqual({
        metric: 'spend',
        window: 'rolling_12_months',
        current: 100_000,
        earnedTierId: 'silver',
        nextTier: { id: 'gold', nameZh: '黄金', nameEn: 'Gold', entryThreshold: 500_000 },
        neededForNext: 400_000,
        neededToKeep: 0,
      });
      // Silver keeps at 800 CNY: once the 900 CNY order leaves the window, 100 CNY remain.
      expect(tier.validUntil).toBe(new Date(shiftYears(first, 1) + 30 * DAY).toISOString());
      expect(await historyOf(ctx, 'm1')).toEqual(['upgrade member→silver']);
    });

    it('jumps several tiers at once with one history entry', async () => {
      await order(ctx, 'm1', 25_000 * CNY);
      await upgrade(ctx, 'm1');
      expect((await getMemberTier(ctx, 'm1')).tier.id).toBe('platinum');
      expect(await historyOf(ctx, 'm1')).toEqual(['upgrade member→platinum']);
    });

    it('nets refunds, ignores other currencies and runs one grouped query for many members', async () => {
      await order(ctx, 'm1', 1_200 * CNY);
      await order(ctx, 'm1', -500 * CNY);
      await order(ctx, 'm2', 6_000 * CNY, { currency: 'USD' });
      await order(ctx, 'm3', 5_000 * CNY);
      expect(await upgrade(ctx, 'm1', 'm2', 'm3', 'm3')).toMatchObject({ evaluated: 3, upgraded: 1 });
      expect((await getMemberTier(ctx, 'm1')).progress.current).toBe(70_000);
      expect((await getMemberTier(ctx, 'm1')).tier.id).toBe('member');
      expect((await getMemberTier(ctx, 'm2')).tier.id).toBe('member');
      expect((await getMemberTier(ctx, 'm3')).tier.id).toBe('gold');
    });

    it('never downgrades and a repeated call changes nothing', async () => {
      await order(ctx, 'm1', 5_000 * CNY, { at: ctx.clock.now() - 360 * DAY });
      await upgrade(ctx, 'm1');
      ctx.clock.advance(30 * DAY);
      expect(await upgrade(ctx, 'm1')).toMatchObject({ upgraded: 0, downgraded: 0 });
      const row = await memberTierRow(ctx, 'm1');
      expect(row).toMatchObject({ tierId: 'gold', belowRetainSince: null, version: 1 });
    });

    it('concurrent upgrades of one member move it once', async () => {
      await order(ctx, 'm1', 1_000 * CNY);
      await order(ctx, 'm2', 1_000 * CNY);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => upgrade(ctx, i % 2 ? 'm1' : 'm2', 'm1')),
      );
      expect(results.reduce((sum, r) => sum + r.upgraded, 0)).toBe(2);
      expect(await historyOf(ctx, 'm1')).toEqual(['upgrade member→silver']);
      expect(await historyOf(ctx, 'm2')).toEqual(['upgrade member→silver']);
    });

    it('counts orders in the window only: rolling 12 months back from now', async () => {
      await order(ctx, 'm1', 800 * CNY, { at: ctx.clock.now() - 366 * DAY });
      await order(ctx, 'm1', 300 * CNY);
      await upgrade(ctx, 'm1');
      expect((await getMemberTier(ctx, 'm1')).progress.current).toBe(30_000);
    });
  });

  describe('grace and downgrade', () => {
    it('starts a grace below retain, downgrades after more than graceDays, one move to the tier still kept', async () => {
      const start = ctx.clock.now();
      await order(ctx, 'm1', 4_200 * CNY, { at: start - 100 * DAY });
      await order(ctx, 'm1', 900 * CNY);
      await upgrade(ctx, 'm1');
      expect((await memberTierRow(ctx, 'm1'))?.tierId).toBe('gold');

      // 265 days on, the 4,200 CNY order leaves the window: 900 CNY keep Silver, not Gold.
      ctx.clock.set(shiftYears(start - 100 * DAY, 1) + 1);
      expect(await recalculate(ctx)).toMatchObject({ evaluated: 3, downgraded: 0 });
      const graceStart = ctx.clock.now();
      expect(await memberTierRow(ctx, 'm1')).toMatchObject({ tierId: 'gold', belowRetainSince: graceStart });
      const during = await getMemberTier(ctx, 'm1');
      expect(during.validUntil).toBe(new Date(graceStart + 30 * DAY).toISOString());
      expect(during.progress.neededToKeep).toBe(400_000 - 90_000);

      ctx.clock.set(graceStart + 30 * DAY);
      expect(await recalculate(ctx)).toMatchObject({ downgraded: 0 });
      ctx.clock.advance(1);
      expect(await recalculate(ctx)).toMatchObject({ downgraded: 1, evaluated: 3 });
      expect(await memberTierRow(ctx, 'm1')).toMatchObject({ tierId: 'silver', belowRetainSince: null });
      expect(await historyOf(ctx, 'm1')).toEqual(['upgrade member→gold', 'downgrade gold→silver']);
    });

    it('ends the grace when the member spends enough again', async () => {
      const start = ctx.clock.now();
      await order(ctx, 'm1', 1_000 * CNY);
      await upgrade(ctx, 'm1');
      ctx.clock.set(shiftYears(start, 1) + DAY);
      await recalculate(ctx);
      expect((await memberTierRow(ctx, 'm1'))?.belowRetainSince).not.toBeNull();
      await order(ctx, 'm1', 850 * CNY);
      await upgrade(ctx, 'm1');
      ctx.clock.advance(40 * DAY);
      await recalculate(ctx);
      expect(await memberTierRow(ctx, 'm1')).toMatchObject({ tierId: 'silver', belowRetainSince: null });
    });

    it('holds a calendar-year tier through the next year', async () => {
      await setTierSettings(ctx, { window: 'calendar_year', graceDays: 0 });
      await order(ctx, 'm1', 5_000 * CNY);
      await upgrade(ctx, 'm1');
      expect((await getMemberTier(ctx, 'm1')).validUntil).toBe('2028-01-01T00:00:00.000Z');
      ctx.clock.set(Date.UTC(2027, 11, 31));
      await recalculate(ctx);
      expect((await memberTierRow(ctx, 'm1'))?.tierId).toBe('gold');
      ctx.clock.set(Date.UTC(2028, 0, 1));
      await recalculate(ctx);
      ctx.clock.advance(1);
      await recalculate(ctx);
      expect((await memberTierRow(ctx, 'm1'))?.tierId).toBe('member');
    });

    it('never lapses in a lifetime window', async () => {
      await setTierSettings(ctx, { window: 'lifetime' });
      await order(ctx, 'm1', 1_000 * CNY, { at: Date.UTC(2020, 0, 1) });
      await upgrade(ctx, 'm1');
      ctx.clock.advance(5 * 365 * DAY);
      await recalculate(ctx);
      const tier = await getMemberTier(ctx, 'm1');
      expect([tier.tier.id, tier.validUntil]).toEqual(['silver', null]);
    });
  });

  describe('overrides', () => {
    it('an active override wins over the earned tier and ends at its time', async () => {
      await order(ctx, 'm1', 1_000 * CNY);
      await upgrade(ctx, 'm1');
      const until = ctx.clock.now() + 10 * DAY;
      const pinned = await setTierOverride(
        ctx,
        'm1',
        { tierId: 'platinum', until: new Date(until).toISOString(), reason: 'VIP launch event' },
        operator,
      );
      expect(pinned.tier.id).toBe('platinum');
      expect(pinned.override).toEqual({
        tierId: 'platinum',
        until: new Date(until).toISOString(),
        reason: 'VIP launch event',
      });
      expect(pinned.validUntil).toBe(new Date(until).toISOString());
      expect(pinned.progress.earnedTierId).toBe('silver');

      // The earned tier still moves under the override.
      await order(ctx, 'm1', 4_000 * CNY);
      await upgrade(ctx, 'm1');
      expect((await getMemberTier(ctx, 'm1')).tier.id).toBe('platinum');
      expect(await recalculate(ctx)).toMatchObject({ overridesEnded: 0 });

      ctx.clock.set(until);
      const lapsed = await getMemberTier(ctx, 'm1');
      expect([lapsed.tier.id, lapsed.override]).toEqual(['gold', null]);
      expect(await recalculate(ctx)).toMatchObject({ overridesEnded: 1 });
      expect(await recalculate(ctx)).toMatchObject({ overridesEnded: 0 });
      expect(await memberTierRow(ctx, 'm1')).toMatchObject({ tierId: 'gold', overrideTierId: null });
      expect(await historyOf(ctx, 'm1')).toEqual([
        'upgrade member→silver',
        'override silver→platinum',
        'upgrade silver→gold',
        'override_end platinum→gold',
      ]);
    });

    it('an override can pin a member below what they earned, and holds off a downgrade', async () => {
      await addMember(ctx, 'm4');
      await setTierOverride(ctx, 'm4', { tierId: 'gold', reason: 'partner account' }, operator);
      ctx.clock.advance(400 * DAY);
      await recalculate(ctx);
      expect((await getMemberTier(ctx, 'm4')).tier.id).toBe('gold');
      await order(ctx, 'm1', 6_000 * CNY);
      await upgrade(ctx, 'm1');
      await setTierOverride(ctx, 'm1', { tierId: 'member', reason: 'abuse review' }, operator);
      expect((await getMemberTier(ctx, 'm1')).tier.id).toBe('member');
    });
  });
});
