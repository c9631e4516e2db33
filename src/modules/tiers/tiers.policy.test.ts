import { describe, expect, it } from 'vitest';
import type { TierSettings } from '../loyalty/programme.settings.ts';
import { shiftYears, windowRanges } from './tiers.metric.ts';
import {
  DAY_MS,
  decide,
  keepValue,
  qualificationLapse,
  retainedIndex,
  validUntilFor,
} from './tiers.policy.ts';
import type { MemberTiersTable } from './tiers.table.ts';

const LADDER = [
  { id: 'member', entryThreshold: 0, retainThreshold: 0 },
  { id: 'silver', entryThreshold: 100, retainThreshold: 80 },
  { id: 'gold', entryThreshold: 500, retainThreshold: 400 },
  { id: 'platinum', entryThreshold: 2000, retainThreshold: 1600 },
];
const SETTINGS: TierSettings = { metric: 'spend', window: 'rolling_12_months', graceDays: 30 };
const NOW = Date.UTC(2026, 0, 15, 12);

function row(tierId: string, fields: Partial<MemberTiersTable> = {}): MemberTiersTable {
  return {
    memberId: 'm1',
    tierId,
    since: 0,
    validUntil: null,
    metricValue: 0,
    overrideTierId: null,
    overrideUntil: null,
    overrideReason: null,
    belowRetainSince: null,
    evaluatedAt: 0,
    version: 1,
    ...fields,
  };
}

const full = (r: MemberTiersTable | null, current: number, extra: { now?: number; previous?: number } = {}) =>
  decide({
    ladder: LADDER,
    row: r,
    standing: { current, previous: extra.previous ?? 0 },
    settings: SETTINGS,
    now: extra.now ?? NOW,
    mode: 'full',
  });

describe('tier rules', () => {
  it('upgrades straight to the highest entry threshold reached, several steps at once', () => {
    expect(full(null, 99)).toMatchObject({ change: null, to: 0 });
    expect(full(null, 100)).toMatchObject({ change: 'upgrade', from: 0, to: 1 });
    expect(full(row('silver'), 2500)).toMatchObject({ change: 'upgrade', from: 1, to: 3 });
  });

  it('keeps the tier between retain and entry, and starts the grace below retain', () => {
    expect(full(row('gold'), 450)).toMatchObject({ change: null, belowRetainSince: null });
    expect(full(row('gold'), 399)).toMatchObject({ change: null, belowRetainSince: NOW });
  });

  it('downgrades only after more than graceDays, to the highest tier whose retain is still met', () => {
    const since = NOW - 30 * DAY_MS;
    expect(full(row('platinum', { belowRetainSince: since }), 90)).toMatchObject({ change: null });
    const later = full(row('platinum', { belowRetainSince: since - 1 }), 90);
    expect(later).toMatchObject({ change: 'downgrade', from: 3, to: 1, belowRetainSince: null });
    expect(full(row('gold', { belowRetainSince: 0 }), 10)).toMatchObject({ change: 'downgrade', to: 0 });
  });

  it('clears a running grace once the metric is back above retain', () => {
    expect(full(row('gold', { belowRetainSince: NOW - DAY_MS }), 400)).toMatchObject({
      belowRetainSince: null,
    });
  });

  it('never starts a grace or downgrades in upgrade mode', () => {
    const r = row('gold', { belowRetainSince: 0 });
    const d = decide({
      ladder: LADDER,
      row: r,
      standing: { current: 0, previous: 0 },
      settings: SETTINGS,
      now: NOW,
      mode: 'upgrade',
    });
    expect(d).toMatchObject({ change: null, belowRetainSince: 0, overrideEnded: false });
  });

  it('ends an expired override only in a full evaluation', () => {
    const r = row('silver', { overrideTierId: 'gold', overrideUntil: NOW });
    expect(full(r, 100).overrideEnded).toBe(true);
    expect(full({ ...r, overrideUntil: NOW + 1 }, 100).overrideEnded).toBe(false);
    expect(full({ ...r, overrideUntil: null }, 100).overrideEnded).toBe(false);
  });

  it('keeps a calendar-year tier on last year’s value', () => {
    expect(keepValue('calendar_year', { current: 10, previous: 450 })).toBe(450);
    expect(keepValue('rolling_12_months', { current: 10, previous: 450 })).toBe(10);
  });

  it('finds the highest lower tier whose retain threshold is met', () => {
    expect(retainedIndex(LADDER, 1599, 3)).toBe(2);
    expect(retainedIndex(LADDER, 79, 3)).toBe(0);
  });
});

describe('when a qualification lapses', () => {
  it('rolls: one year after the order whose departure takes the sum below retain', () => {
    const events = [
      { at: NOW - 200 * DAY_MS, delta: 300 },
      { at: NOW - 100 * DAY_MS, delta: 150 },
      { at: NOW - 10 * DAY_MS, delta: 100 },
    ];
    // 550 in the window; retain 400: losing the 300 leaves 250.
    expect(qualificationLapse('rolling_12_months', 400, { current: 550, previous: 0 }, events, NOW)).toBe(
      shiftYears(NOW - 200 * DAY_MS, 1),
    );
    // retain 200: losing 300 leaves 250, losing 150 too leaves 100.
    expect(qualificationLapse('rolling_12_months', 200, { current: 550, previous: 0 }, events, NOW)).toBe(
      shiftYears(NOW - 100 * DAY_MS, 1),
    );
  });

  it('holds a calendar-year tier through the next year', () => {
    const standing = { current: 500, previous: 0 };
    expect(qualificationLapse('calendar_year', 400, standing, [], NOW)).toBe(Date.UTC(2028, 0, 1));
    expect(qualificationLapse('calendar_year', 400, { current: 0, previous: 500 }, [], NOW)).toBe(
      Date.UTC(2027, 0, 1),
    );
  });

  it('never lapses for a lifetime window or a zero retain threshold', () => {
    expect(qualificationLapse('lifetime', 400, { current: 500, previous: 0 }, [], NOW)).toBeNull();
    expect(qualificationLapse('rolling_12_months', 0, { current: 0, previous: 0 }, [], NOW)).toBeNull();
    expect(qualificationLapse('lifetime', 400, { current: 10, previous: 0 }, [], NOW)).toBe('below');
  });

  it('adds the grace days, from a grace already running when below', () => {
    expect(validUntilFor(1000, 2, null, SETTINGS, NOW)).toBe(1000 + 30 * DAY_MS);
    expect(validUntilFor('below', 2, 500, SETTINGS, NOW)).toBe(500 + 30 * DAY_MS);
    expect(validUntilFor(1000, 0, null, SETTINGS, NOW)).toBeNull();
  });

  it('windows: rolling from one year back, calendar years in UTC', () => {
    expect(windowRanges('rolling_12_months', NOW).current).toEqual({
      from: Date.UTC(2025, 0, 15, 12),
      until: null,
    });
    expect(windowRanges('calendar_year', NOW)).toEqual({
      current: { from: Date.UTC(2026, 0, 1), until: Date.UTC(2027, 0, 1) },
      previous: { from: Date.UTC(2025, 0, 1), until: Date.UTC(2026, 0, 1) },
    });
  });
});
