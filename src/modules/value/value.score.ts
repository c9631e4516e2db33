import { churnFeatureRow, FEATURE_NAMES, summaryOf } from '../../ml/churn/index.ts';
import {
  type BgNbdParams,
  bgnbdConditionalExpectedPurchases,
  bgnbdProbabilityAlive,
  bgnbdProbabilityAtLeast,
  customerLifetimeValue,
  type GammaGammaParams,
  gammaGammaExpectedAverageSpend,
  type SpendHistory,
  spendReach,
} from '../../ml/clv/index.ts';
import type { GbdtModel } from '../../ml/gbdt/index.ts';
import {
  type AtLeast,
  forecastMove,
  type LadderStep,
  type MetricEvent,
  predictStanding,
  type Reach,
  standingAt,
  tierByEntry,
} from './value.forecast.ts';
import { DAY_MS, type MemberHistory, repeatMeanSpend } from './value.history.ts';
import { featureLabel } from './value.labels.ts';
import type { MemberScoresTable } from './value.table.ts';
import type { ChurnReason, ValueModelParams } from './value.types.ts';

/** Weeks in an average month (the CLV step). */
const MONTH_WEEKS = 365.25 / 12 / 7;
const YEAR_MS = 366 * DAY_MS;

/** Everything scoring needs besides the member. */
export interface Scorer {
  modelId: string;
  now: number;
  params: ValueModelParams;
  trees: GbdtModel | null;
  ladder: LadderStep[];
}

/** The top three features pushing the member towards churn (positive TreeSHAP contributions). */
export function churnReasons(trees: GbdtModel, row: Float64Array): ChurnReason[] {
  const { values } = trees.contributions(row);
  return FEATURE_NAMES.map((feature, f) => ({ f, feature, contribution: values[f] as number }))
    .filter((c) => c.contribution > 0)
    .sort((a, b) => b.contribution - a.contribution)
    .slice(0, 3)
    .map(({ f, feature, contribution }) => ({
      feature,
      label: featureLabel(feature),
      value: Number.isFinite(row[f]) ? (row[f] as number) : null,
      contribution,
    }));
}

/** P(Y ≥ k) over the horizon for one member, each k computed once (the ladder asks for a few). */
export function purchaseTail(p: BgNbdParams, weeks: number, x: number, tx: number, T: number): AtLeast {
  const memo = new Map<number, number>();
  return (k) => {
    let value = memo.get(k);
    if (value === undefined) {
      value = bgnbdProbabilityAtLeast(p, weeks, x, tx, T, k);
      memo.set(k, value);
    }
    return value;
  };
}

/**
 * The tier forecast's Reach with the spread of spend per purchase: `worth` expected purchases'
 * worth is that many times the expected spend per purchase, reached with the probability that
 * the horizon's spend (Gamma-Gamma over the BG/NBD count) gets there.
 */
export function spreadReach(
  fits: { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams },
  weeks: number,
  history: SpendHistory,
  spendPerPurchase: number,
): Reach {
  const spend = spendReach(fits.bgnbd, fits.gammaGamma, history, weeks);
  return (worth) => (Number.isFinite(worth) && spendPerPurchase > 0 ? spend(worth * spendPerPurchase) : 0);
}

interface TierForecast {
  current: string | null;
  predicted: string | null;
  move: number;
  probability: number | null;
}

/**
 * The tier the member is forecast to hold at now + horizon, from the ladder position they hold:
 * what stays in the window plus the spend of the purchases the BG/NBD posterior expects, each
 * drawn from the member's Gamma-Gamma spend distribution, in metric units (docs/value.md).
 */
function forecastTier(
  s: Scorer,
  h: MemberHistory,
  metricEvents: readonly MetricEvent[],
  earned: string | undefined,
  spendPerPurchase: number,
  reach: Reach,
): TierForecast {
  if (s.ladder.length === 0) return { current: null, predicted: null, move: 0, probability: null };
  const window = s.params.settings.tiers.window;
  const held = earned ? s.ladder.findIndex((t) => t.id === earned) : 0;
  const from = held >= 0 ? held : tierByEntry(s.ladder, standingAt(metricEvents, window, s.now).current);
  let ratio = 1;
  if (s.params.settings.tiers.metric === 'qualifying_points') {
    const spend = h.spendEvents.reduce((a, e) => (e.at > s.now - YEAR_MS ? a + e.delta : a), 0);
    const points = metricEvents.reduce((a, e) => (e.at > s.now - YEAR_MS ? a + e.delta : a), 0);
    ratio = spend > 0 && points > 0 ? points / spend : s.params.pointsPerMinorUnit;
  }
  const end = s.now + s.params.settings.horizonDays * DAY_MS;
  const base = predictStanding(metricEvents, window, s.now, end, 0);
  // Each purchase counts in a window only for the share of the horizon that falls inside it.
  const perPurchase = predictStanding([], window, s.now, end, spendPerPurchase * ratio);
  const f = forecastMove(s.ladder, from, base, perPurchase, window, reach);
  return {
    current: s.ladder[from]?.id ?? null,
    predicted: s.ladder[f.to]?.id ?? null,
    move: f.move,
    probability: f.probability,
  };
}

/** One member's scores as of the model's dataThrough (orders after it were already left out). */
export function scoreMember(
  s: Scorer,
  h: MemberHistory,
  metricEvents: readonly MetricEvent[],
  earned: string | undefined,
): MemberScoresTable {
  const endDay = Math.floor(s.now / DAY_MS);
  const { x, tx, T } = summaryOf(h, endDay);
  const { bgnbd, gammaGamma, settings } = s.params;
  const horizonWeeks = settings.horizonDays / 7;
  const expectedPurchases = bgnbdConditionalExpectedPurchases(bgnbd, horizonWeeks, x, tx, T);
  const m = repeatMeanSpend(h);
  const spendPerPurchase = gammaGammaExpectedAverageSpend(gammaGamma, x, m);
  const clv = customerLifetimeValue(
    (t) => bgnbdConditionalExpectedPurchases(bgnbd, t, x, tx, T),
    spendPerPurchase,
    {
      steps: settings.clvMonths,
      stepLength: MONTH_WEEKS,
      discountRate: settings.discountRate,
      margin: settings.margin,
    },
  );
  let churnRisk: number | null = null;
  let reasons: ChurnReason[] = [];
  if (s.trees) {
    const row = churnFeatureRow(h, endDay, bgnbd, horizonWeeks);
    churnRisk = s.trees.predict(row);
    reasons = churnReasons(s.trees, row);
  }
  const expectedSpend = expectedPurchases * spendPerPurchase;
  const reach = spreadReach(s.params, horizonWeeks, { x, tx, T, m }, spendPerPurchase);
  const tier = forecastTier(s, h, metricEvents, earned, spendPerPurchase, reach);
  return {
    memberId: h.memberId,
    modelId: s.modelId,
    scoredAt: s.now,
    currency: settings.currency,
    frequency: x,
    recencyDays: tx * 7,
    ageDays: T * 7,
    pAlive: bgnbdProbabilityAlive(bgnbd, x, tx, T),
    expectedPurchases,
    expectedSpend: Math.round(expectedSpend),
    clv: Math.round(clv),
    churnRisk,
    churnReasons: JSON.stringify(reasons),
    currentTier: tier.current,
    predictedTier: tier.predicted,
    tierMove: tier.move,
    tierMoveProbability: tier.probability,
  };
}

/**
 * P(alive) at each UTC month end from the first purchase to `now` (and at `now`), from the
 * member's purchase days: it falls between purchases and jumps back at each one.
 */
export function pAliveHistory(s: Scorer, h: MemberHistory): { at: number; pAlive: number }[] {
  const first = h.days[0] as number;
  const out: { at: number; pAlive: number }[] = [];
  const start = new Date(first * DAY_MS);
  for (let k = 1; ; k++) {
    const at = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + k, 1) - 1;
    if (at >= s.now) break;
    out.push({ at, pAlive: pAliveAt(s, h, Math.floor(at / DAY_MS)) });
  }
  out.push({ at: s.now, pAlive: pAliveAt(s, h, Math.floor(s.now / DAY_MS)) });
  return out.slice(-60);
}

function pAliveAt(s: Scorer, h: MemberHistory, day: number): number {
  let n = 0;
  while (n < h.days.length && (h.days[n] as number) <= day) n++;
  const first = h.days[0] as number;
  const last = h.days[n - 1] as number;
  return bgnbdProbabilityAlive(s.params.bgnbd, n - 1, (last - first) / 7, (day - first) / 7);
}
