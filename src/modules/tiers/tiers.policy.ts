import type { TierSettings } from '../loyalty/programme.settings.ts';
import { type MetricEvent, type Standing, shiftYears, type TierWindow, yearStart } from './tiers.metric.ts';
import type { MemberTiersTable } from './tiers.table.ts';

// The rules of movement, as pure functions over a ladder, a member's row and their metric:
// - upgrade at once to the highest tier whose entry threshold the metric reaches (any number of steps);
// - below the retain threshold, a grace period starts; once it has lasted longer than graceDays,
//   one downgrade to the highest lower tier whose retain threshold is still met;
// - an override wins while active; an expired one ends at the next full evaluation.

export const DAY_MS = 86_400_000;

/** The part of a tier the rules read. */
export interface LadderStep {
  id: string;
  entryThreshold: number;
  retainThreshold: number;
}

/** The ladder index of a tier id; an unknown id counts as the entry tier. */
export function tierIndex(ladder: readonly LadderStep[], id: string | null | undefined): number {
  const index = ladder.findIndex((t) => t.id === id);
  return Math.max(index, 0);
}

/** The highest tier whose entry threshold `value` reaches. */
export function reachedIndex(ladder: readonly LadderStep[], value: number): number {
  let reached = 0;
  ladder.forEach((tier, i) => {
    if (value >= tier.entryThreshold) reached = i;
  });
  return reached;
}

/** The highest tier below `below` whose retain threshold `value` meets (the entry tier at least). */
export function retainedIndex(ladder: readonly LadderStep[], value: number, below: number): number {
  for (let i = below - 1; i > 0; i--) if (value >= (ladder[i] as LadderStep).retainThreshold) return i;
  return 0;
}

/**
 * The value the retain threshold is checked against. A calendar year starts at zero every
 * 1 January, so there the better of this year and last year counts: a tier earned or kept in
 * one year holds through the next.
 */
export function keepValue(window: TierWindow, standing: Standing): number {
  return window === 'calendar_year' ? Math.max(standing.current, standing.previous) : standing.current;
}

/** An override is active until its `until` (exclusive); without one it lasts until removed. */
export function activeOverride(row: MemberTiersTable | null, now: number): string | null {
  if (!row?.overrideTierId) return null;
  if (row.overrideUntil !== null && Number(row.overrideUntil) <= now) return null;
  return row.overrideTierId;
}

export interface DecisionInput {
  ladder: readonly LadderStep[];
  row: MemberTiersTable | null;
  standing: Standing;
  settings: TierSettings;
  now: number;
  /** `upgrade`: the ingest path, which only ever moves members up; `full`: recalculation. */
  mode: 'upgrade' | 'full';
}

export interface Decision {
  from: number;
  to: number;
  change: 'upgrade' | 'downgrade' | null;
  belowRetainSince: number | null;
  overrideEnded: boolean;
}

/** Where the rules move this member now; `change` null keeps the earned tier. */
export function decide({ ladder, row, standing, settings, now, mode }: DecisionInput): Decision {
  const from = tierIndex(ladder, row?.tierId);
  const stored = row?.belowRetainSince == null ? null : Number(row.belowRetainSince);
  const overrideEnded = mode === 'full' && row?.overrideTierId != null && activeOverride(row, now) === null;
  const reached = reachedIndex(ladder, standing.current);
  if (reached > from) return { from, to: reached, change: 'upgrade', belowRetainSince: null, overrideEnded };

  const keep = keepValue(settings.window, standing);
  const retain = (ladder[from] as LadderStep).retainThreshold;
  if (keep >= retain) return { from, to: from, change: null, belowRetainSince: null, overrideEnded };
  // Below the retain threshold: only a full evaluation starts the grace or ends it in a downgrade.
  if (mode === 'upgrade') return { from, to: from, change: null, belowRetainSince: stored, overrideEnded };
  if (stored === null) return { from, to: from, change: null, belowRetainSince: now, overrideEnded };
  if (now - stored <= settings.graceDays * DAY_MS)
    return { from, to: from, change: null, belowRetainSince: stored, overrideEnded };
  const to = retainedIndex(ladder, keep, from);
  return { from, to, change: 'downgrade', belowRetainSince: null, overrideEnded };
}

/**
 * When the member would stop meeting `retain` if they earned nothing more: `null` never,
 * `'below'` already. Rolling windows drop the oldest activity first, so the lapse is one year
 * after the event whose departure takes the sum below the threshold.
 */
export function qualificationLapse(
  window: TierWindow,
  retain: number,
  standing: Standing,
  events: readonly MetricEvent[],
  now: number,
): number | null | 'below' {
  if (retain <= 0) return null;
  if (keepValue(window, standing) < retain) return 'below';
  if (window === 'lifetime') return null;
  if (window === 'calendar_year') return standing.current >= retain ? yearStart(now, 2) : yearStart(now, 1);
  let remaining = events.reduce((sum, e) => sum + e.delta, 0);
  for (const event of events) {
    remaining -= event.delta;
    if (remaining < retain) return shiftYears(event.at, 1);
  }
  return null;
}

/**
 * The earliest moment the earned tier can be lost: the lapse of the qualification plus the
 * grace days (from the start of a grace already running). Null for the entry tier and for a
 * qualification that never lapses.
 */
export function validUntilFor(
  lapse: number | null | 'below',
  tierIndexValue: number,
  belowRetainSince: number | null,
  settings: TierSettings,
  now: number,
): number | null {
  if (tierIndexValue === 0 || lapse === null) return null;
  const grace = settings.graceDays * DAY_MS;
  if (lapse === 'below') return (belowRetainSince ?? now) + grace;
  return lapse + grace;
}
