import type { AppContext } from '../../context.ts';
import { churnFeatureRow, FEATURE_NAMES, summaryOf } from '../../ml/churn/index.ts';
import type { TierSettings } from './value.forecast.ts';
import {
  type LadderStep,
  type MetricEvent,
  moveTo,
  predictStanding,
  standingAt,
  tierByEntry,
} from './value.forecast.ts';
import {
  DAY_MS,
  groupHistories,
  hashUnit,
  historyUntil,
  type MemberHistory,
  paidOrdersUntil,
  repeatMeanSpend,
} from './value.history.ts';
import { orderRowsOf, purchaserIdsAfter, qualifyingRowsOf } from './value.repository.ts';

// The fit phase streams every purchaser's orders once, member by member, and keeps only a few
// numbers per member: the purchase summaries (now and at the calibration end), the calibration
// churn features and label, and what the tier backtest needs. Large shops are sampled.

/** Members per read while collecting. */
const READ_CHUNK = 5_000;
/** At most this many members go into the fits (a seeded sample beyond it). */
export const FIT_SAMPLE = 200_000;
const SAMPLE_SALT = 11;
const YEAR_MS = 366 * DAY_MS;

export interface CollectOptions {
  currency: string;
  tiers: TierSettings;
  ladder: LadderStep[];
  now: number;
  horizonDays: number;
  purchasers: number;
}

/** Columns of numbers, one entry per member. */
export interface Collected {
  full: { x: number[]; tx: number[]; T: number[]; m: number[] };
  cal: {
    ids: string[];
    x: number[];
    tx: number[];
    T: number[];
    m: number[];
    features: number[][];
    label: number[];
    /** Tier backtest: position at the cut, actual move, standing without new purchases. */
    from: number[];
    actualMove: number[];
    baseCurrent: number[];
    basePrevious: number[];
    ratio: number[];
    /** Spend actually paid in the horizon after the calibration end (the spend forecast's truth). */
    actualSpend: number[];
  };
  /** Σ qualifying points / Σ spend over the sample (points metric only; 0 otherwise). */
  pointsPerMinorUnit: number;
  fitted: number;
}

function emptyCollected(): Collected {
  const cal = {
    ids: [],
    x: [],
    tx: [],
    T: [],
    m: [],
    label: [],
    from: [],
    actualMove: [],
    baseCurrent: [],
    basePrevious: [],
    ratio: [],
    actualSpend: [],
  };
  return {
    full: { x: [], tx: [], T: [], m: [] },
    cal: { ...cal, features: FEATURE_NAMES.map(() => []) },
    pointsPerMinorUnit: 0,
    fitted: 0,
  };
}

const sumDeltas = (events: readonly MetricEvent[], from: number, to: number) =>
  events.reduce((acc, e) => (e.at > from && e.at <= to ? acc + e.delta : acc), 0);

/** Reads every purchaser (sampled beyond FIT_SAMPLE) and collects the per-member numbers. */
export async function collectMembers(ctx: AppContext, options: CollectOptions): Promise<Collected> {
  const out = emptyCollected();
  const keep = Math.min(1, FIT_SAMPLE / Math.max(1, options.purchasers));
  const points = { qualifying: 0, spend: 0 };
  let after: string | null = null;
  for (;;) {
    const ids = await purchaserIdsAfter(ctx.db, options.currency, after, READ_CHUNK);
    if (ids.length === 0) break;
    after = ids[ids.length - 1] as string;
    const chosen = keep < 1 ? ids.filter((id) => hashUnit(id, SAMPLE_SALT) < keep) : ids;
    const histories = groupHistories(await orderRowsOf(ctx.db, options.currency, chosen, options.now));
    const ledger =
      options.tiers.metric === 'qualifying_points'
        ? await qualifyingRowsOf(
            ctx.db,
            chosen,
            options.now - options.horizonDays * DAY_MS - 2 * YEAR_MS,
            options.now,
          )
        : null;
    for (const h of histories) {
      const metricEvents = ledger ? (ledger.get(h.memberId) ?? []) : h.spendEvents;
      addMember(out, h, metricEvents, options, points);
    }
    if (ids.length < READ_CHUNK) break;
  }
  out.pointsPerMinorUnit = points.spend > 0 ? points.qualifying / points.spend : 0;
  return out;
}

function addMember(
  out: Collected,
  h: MemberHistory,
  metricEvents: readonly MetricEvent[],
  o: CollectOptions,
  points: { qualifying: number; spend: number },
): void {
  const endDay = Math.floor(o.now / DAY_MS);
  const cutDay = endDay - o.horizonDays;
  const full = summaryOf(h, endDay);
  out.fitted += 1;
  out.full.x.push(full.x);
  out.full.tx.push(full.tx);
  out.full.T.push(full.T);
  out.full.m.push(repeatMeanSpend(h));
  const cal = historyUntil(h, cutDay, paidOrdersUntil(h, cutDay));
  if (!cal) return;
  const s = summaryOf(cal, cutDay);
  const c = out.cal;
  c.ids.push(h.memberId);
  c.x.push(s.x);
  c.tx.push(s.tx);
  c.T.push(s.T);
  c.m.push(repeatMeanSpend(cal));
  // The two BG/NBD features are filled in once the calibration fit is known.
  const row = churnFeatureRow(cal, cutDay, { r: 1, alpha: 1, a: 1, b: 1 }, o.horizonDays / 7);
  row.forEach((v, f) => {
    c.features[f]?.push(v);
  });
  c.label.push(h.days.some((d) => d > cutDay && d <= endDay) ? 0 : 1);
  let later = 0;
  h.days.forEach((d, k) => {
    if (d > cutDay && d <= endDay) later += h.spend[k] as number;
  });
  c.actualSpend.push(later);
  addBacktest(c, h, metricEvents, o, cutDay, points);
}

/** The tier backtest's numbers: tier at the cut (by entry thresholds), actual move by the end. */
function addBacktest(
  c: Collected['cal'],
  h: MemberHistory,
  metricEvents: readonly MetricEvent[],
  o: CollectOptions,
  cutDay: number,
  points: { qualifying: number; spend: number },
): void {
  const cut = (cutDay + 1) * DAY_MS - 1;
  const atCut = standingAt(metricEvents, o.tiers.window, cut);
  const from = tierByEntry(o.ladder, atCut.current);
  const actual = moveTo(o.ladder, from, standingAt(metricEvents, o.tiers.window, o.now), o.tiers.window);
  const base = predictStanding(metricEvents, o.tiers.window, cut, o.now, 0);
  c.from.push(from);
  c.actualMove.push(Math.sign(actual - from));
  c.baseCurrent.push(base.current);
  c.basePrevious.push(base.previous);
  if (o.tiers.metric === 'spend') {
    c.ratio.push(1);
    return;
  }
  const spend = sumDeltas(h.spendEvents, cut - YEAR_MS, cut);
  const earned = sumDeltas(metricEvents, cut - YEAR_MS, cut);
  points.spend += Math.max(0, spend);
  points.qualifying += Math.max(0, earned);
  c.ratio.push(spend > 0 && earned > 0 ? earned / spend : Number.NaN);
}
