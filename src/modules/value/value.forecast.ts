import type { ProgrammeSettings } from '../loyalty/index.ts';

/** How members qualify for tiers (the programme settings' `tiers`). */
export type TierSettings = ProgrammeSettings['tiers'];

// The tier forecast: the member's tier metric at now + horizon, from what stays in the window,
// what falls out of it by then, and the spend the purchase models expect (spread evenly over
// the horizon). Pure functions over a member's metric events.

type Window = TierSettings['window'];

/** One change of the tier metric (an order +, a refund −, a qualifying ledger entry). */
export interface MetricEvent {
  at: number;
  delta: number;
}

/** The minimum a tier rule reads: thresholds in the metric's unit, lowest tier first. */
export interface LadderStep {
  id: string;
  entryThreshold: number;
  retainThreshold: number;
}

export interface Standing {
  current: number;
  /** Last calendar year (calendar_year only, else 0): a tier held last year is kept through this one. */
  previous: number;
}

interface Range {
  from: number;
  until: number;
}

function shiftYears(t: number, years: number): number {
  const d = new Date(t);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
}

const yearStart = (t: number, years = 0) => Date.UTC(new Date(t).getUTCFullYear() + years, 0, 1);

/** The window(s) the metric sums at time `t` (as tiers.metric defines them). */
export function windowsAt(window: Window, t: number): { current: Range; previous: Range | null } {
  if (window === 'rolling_12_months')
    return { current: { from: shiftYears(t, -1), until: t + 1 }, previous: null };
  if (window === 'lifetime')
    return { current: { from: Number.NEGATIVE_INFINITY, until: t + 1 }, previous: null };
  return {
    current: { from: yearStart(t), until: yearStart(t, 1) },
    previous: { from: yearStart(t, -1), until: yearStart(t) },
  };
}

function sumIn(events: readonly MetricEvent[], range: Range, through: number): number {
  let sum = 0;
  for (const e of events) if (e.at >= range.from && e.at < range.until && e.at <= through) sum += e.delta;
  return Math.max(0, sum);
}

/** Share of the period (start, end] that lies inside `range`. */
function share(range: Range, start: number, end: number): number {
  if (end <= start) return 0;
  const overlap = Math.min(end, range.until) - Math.max(start, range.from);
  return Math.max(0, Math.min(1, overlap / (end - start)));
}

/** The standing at `t` from the events known up to `through` (default: all of them). */
export function standingAt(events: readonly MetricEvent[], window: Window, t: number, through = t): Standing {
  const { current, previous } = windowsAt(window, t);
  return {
    current: sumIn(events, current, through),
    previous: previous ? sumIn(events, previous, through) : 0,
  };
}

/**
 * The predicted standing at `end` from events known at `now` plus `addition` (metric units)
 * earned evenly over (now, end]: what is still in the window at `end`, plus the share of the
 * addition that falls inside it.
 */
export function predictStanding(
  events: readonly MetricEvent[],
  window: Window,
  now: number,
  end: number,
  addition: number,
): Standing {
  const base = standingAt(events, window, end, now);
  const { current, previous } = windowsAt(window, end);
  return {
    current: base.current + addition * share(current, now, end),
    previous: previous ? base.previous + addition * share(previous, now, end) : 0,
  };
}

/** The highest tier whose entry threshold the metric reaches. */
export function tierByEntry(ladder: readonly LadderStep[], metric: number): number {
  let position = 0;
  ladder.forEach((t, i) => {
    if (metric >= t.entryThreshold) position = i;
  });
  return position;
}

/**
 * Where the rules would put a member holding ladder position `from` with this standing: up to
 * the highest tier whose entry it reaches; down (grace aside) only below the held tier's retain
 * threshold, to the highest lower tier whose retain it meets; otherwise where they are.
 */
export function moveTo(
  ladder: readonly LadderStep[],
  from: number,
  standing: Standing,
  window: Window,
): number {
  const up = tierByEntry(ladder, standing.current);
  if (up > from) return up;
  const kept = window === 'calendar_year' ? Math.max(standing.current, standing.previous) : standing.current;
  const held = ladder[from];
  if (!held || kept >= held.retainThreshold) return from;
  for (let p = from - 1; p > 0; p--) if (kept >= (ladder[p] as LadderStep).retainThreshold) return p;
  return 0;
}

/** P(at least k purchases in the horizon) for one member; k may be Infinity (then 0). */
export type AtLeast = (k: number) => number;

/**
 * P(the horizon's purchases add at least `worth` expected purchases' worth to the metric) for
 * one member (worth > 0, may be Infinity). The tier forecast asks in these units so that it can
 * count whole purchases (countReach) or model the spend of each one (spendReach in src/ml/clv).
 */
export type Reach = (worth: number) => number;

/** The count-only rule: each purchase adds exactly the expected spend, so `worth` rounds up to whole purchases. */
export function countReach(atLeast: AtLeast): Reach {
  return (worth) => atLeast(Math.max(1, Math.ceil(worth - 1e-9)));
}

/** The probabilistic tier forecast of one member (ladder positions and probabilities). */
export interface MoveForecast {
  to: number;
  move: -1 | 0 | 1;
  /** P(reaching the next tier's entry), P(falling below the held tier's retain threshold). */
  pUp: number;
  pDown: number;
  /** P of the predicted move, or of the more likely move when none is predicted. */
  probability: number;
}

/**
 * How many expected purchases' worth `base` lacks to reach `threshold` at `perPurchase` metric
 * units each: 0 when already reached, Infinity when purchases add nothing.
 */
export function shortfall(threshold: number, base: number, perPurchase: number): number {
  if (base >= threshold) return 0;
  if (!(perPurchase > 0)) return Number.POSITIVE_INFINITY;
  return (threshold - base) / perPurchase;
}

/**
 * Purchases needed for `base` to reach `threshold` at `perPurchase` metric units each: 0 when
 * already reached, Infinity when purchases add nothing. The small slack keeps an exact multiple
 * (5,000 / 5,000) from rounding up through floating-point noise.
 */
export function purchasesNeeded(threshold: number, base: number, perPurchase: number): number {
  const worth = shortfall(threshold, base, perPurchase);
  return worth === 0 ? 0 : Math.max(1, Math.ceil(worth - 1e-9));
}

/** Shortfall against a retain threshold (calendar years: this year's or last year's, whichever is smaller). */
function keepShortfall(retain: number, base: Standing, perPurchase: Standing, window: Window): number {
  const current = shortfall(retain, base.current, perPurchase.current);
  if (window !== 'calendar_year') return current;
  return Math.min(current, shortfall(retain, base.previous, perPurchase.previous));
}

/**
 * The tier forecast as probabilities. `base` is the standing at the horizon's end without new
 * purchases; each purchase adds `perPurchase` (metric units, already times the share of the
 * horizon that counts in each window) on average, and `worthReached` says how likely the horizon
 * adds a given multiple of it. Up: P(reaching the next tier's entry); the predicted tier is the
 * highest one reached with P ≥ 0.5. Down: P(staying below the held tier's retain threshold), 0
 * when the base (or last calendar year) keeps it; then the highest lower tier whose retain is
 * reached with P ≥ 0.5. A move is predicted when its P ≥ 0.5.
 */
export function forecastMove(
  ladder: readonly LadderStep[],
  from: number,
  base: Standing,
  perPurchase: Standing,
  window: Window,
  worthReached: Reach,
): MoveForecast {
  const reach = (threshold: number) => {
    const worth = shortfall(threshold, base.current, perPurchase.current);
    return worth === 0 ? 1 : worthReached(worth);
  };
  const keep = (p: number) => {
    const worth = keepShortfall((ladder[p] as LadderStep).retainThreshold, base, perPurchase, window);
    return worth === 0 ? 1 : worthReached(worth);
  };
  const next = ladder[from + 1];
  const pUp = next ? reach(next.entryThreshold) : 0;
  const pDown = from > 0 && from < ladder.length ? 1 - keep(from) : 0;
  if (pUp >= 0.5) {
    let to = from + 1;
    while (to + 1 < ladder.length && reach((ladder[to + 1] as LadderStep).entryThreshold) >= 0.5) to++;
    return { to, move: 1, pUp, pDown, probability: pUp };
  }
  if (pDown < 0.5) return { to: from, move: 0, pUp, pDown, probability: Math.max(pUp, pDown) };
  let to = from - 1;
  while (to > 0 && keep(to) < 0.5) to--;
  return { to, move: -1, pUp, pDown, probability: pDown };
}

/**
 * The most likely number of purchases for an expected count: the median of a Poisson with that
 * mean. The tier forecast uses it rather than the mean because the mean of a skewed count
 * (0.8 expected purchases: most likely none) pushes too many members over a threshold.
 */
export function likelyPurchases(mean: number): number {
  if (!(mean > 0)) return 0;
  let term = Math.exp(-mean);
  let cdf = term;
  let k = 0;
  while (cdf < 0.5 && k < 10_000) {
    k += 1;
    term *= mean / k;
    cdf += term;
  }
  return k;
}

/** Accuracy of predicted moves, and precision/recall of the "up" and "down" movers. */
export function moveMetrics(predicted: ArrayLike<number>, actual: ArrayLike<number>) {
  const n = predicted.length;
  let right = 0;
  let stay = 0;
  const counts = { up: { tp: 0, predicted: 0, actual: 0 }, down: { tp: 0, predicted: 0, actual: 0 } };
  for (let i = 0; i < n; i++) {
    const p = predicted[i] as number;
    const a = actual[i] as number;
    if (p === a) right++;
    if (a === 0) stay++;
    for (const [key, sign] of [
      ['up', 1],
      ['down', -1],
    ] as const) {
      if (p === sign) counts[key].predicted++;
      if (a === sign) counts[key].actual++;
      if (p === sign && a === sign) counts[key].tp++;
    }
  }
  const pr = (c: { tp: number; predicted: number; actual: number }) => ({
    precision: c.predicted > 0 ? c.tp / c.predicted : null,
    recall: c.actual > 0 ? c.tp / c.actual : null,
    predicted: c.predicted,
    actual: c.actual,
  });
  return {
    members: n,
    accuracy: n > 0 ? right / n : null,
    noChangeAccuracy: n > 0 ? stay / n : null,
    up: pr(counts.up),
    down: pr(counts.down),
  };
}
