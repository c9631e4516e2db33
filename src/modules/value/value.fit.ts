import { appError, Errors } from '../../errors.ts';
import { CHURN_GBDT, FEATURE_NAMES } from '../../ml/churn/index.ts';
import {
  type BgNbdParams,
  bgnbdConditionalExpectedPurchases,
  bgnbdProbabilityAlive,
  fitBgNbdBounded,
  fitGammaGammaFast,
  type GammaGammaParams,
  gammaGammaExpectedAverageSpend,
  type RfmSummary,
} from '../../ml/clv/index.ts';
import { type GbdtModel, train } from '../../ml/gbdt/index.ts';
import { rocAuc } from '../../ml/metrics/index.ts';
import { moveCalibration } from './value.calibration.ts';
import type { Collected } from './value.collect.ts';
import {
  countReach,
  forecastMove,
  type LadderStep,
  likelyPurchases,
  moveMetrics,
  moveTo,
} from './value.forecast.ts';
import { hashUnit } from './value.history.ts';
import { purchaseTail, spreadReach } from './value.score.ts';

/** Fewer members with repeat purchases than this and the models are not fitted. */
export const MIN_REPEAT_PURCHASERS = 20;
/** The churn trees need this many calibration members (and both outcomes) or are skipped. */
export const MIN_CHURN_MEMBERS = 100;
const SPLIT_SALT = 29;
const P_ALIVE = FEATURE_NAMES.indexOf('p_alive');
const EXPECTED = FEATURE_NAMES.indexOf('expected_purchases');

function summary(x: number[], tx: number[], T: number[], m: number[]): RfmSummary {
  return {
    ids: x.map((_, i) => String(i)),
    frequency: Float64Array.from(x),
    recency: Float64Array.from(tx),
    T: Float64Array.from(T),
    monetary: Float64Array.from(m),
  };
}

/** Gamma-Gamma, falling back to a flat mean when the fit has no finite population mean (q ≤ 1). */
function fitSpend(s: RfmSummary): GammaGammaParams {
  const fit = fitGammaGammaFast(s).params;
  if (fit.q > 1) return fit;
  let total = 0;
  let n = 0;
  s.monetary?.forEach((m, i) => {
    if ((s.frequency[i] as number) > 0 && m > 0) {
      total += m;
      n++;
    }
  });
  // p large and q = p + 1 with γ = mean·p makes every member's expected spend the shop's mean.
  return { p: 1e3, q: 1e3 + 1, gamma: (total / Math.max(1, n)) * 1e3 };
}

/** BG/NBD and Gamma-Gamma on a set of summaries; VALUE_NOT_ENOUGH_DATA with too few repeat buyers. */
export function fitPurchaseModels(
  s: RfmSummary,
  what: string,
): { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams; atBound: boolean } {
  const repeat = s.frequency.reduce((acc, x) => acc + (x > 0 ? 1 : 0), 0);
  if (repeat < MIN_REPEAT_PURCHASERS)
    throw appError(
      Errors.VALUE_NOT_ENOUGH_DATA,
      `${repeat} members with repeat purchases ${what}; the value models need at least ${MIN_REPEAT_PURCHASERS}`,
      [{ message: 'repeat purchasers', repeatPurchasers: repeat, required: MIN_REPEAT_PURCHASERS }],
    );
  const bg = fitBgNbdBounded(s);
  return { bgnbd: bg.params, gammaGamma: fitSpend(s), atBound: bg.atBound };
}

export interface ChurnFit {
  model: GbdtModel | null;
  metrics: Record<string, unknown> | null;
}

function pick(columns: number[][], rows: number[]): Float64Array[] {
  return columns.map((col) => Float64Array.from(rows, (i) => col[i] as number));
}

/** Trains the churn trees on the calibration members: 60 % train, 20 % validation, 20 % test. */
export function fitChurn(c: Collected['cal'], calBgnbd: BgNbdParams, horizonDays: number): ChurnFit {
  const n = c.ids.length;
  for (let i = 0; i < n; i++) {
    (c.features[P_ALIVE] as number[])[i] = bgnbdProbabilityAlive(
      calBgnbd,
      c.x[i] as number,
      c.tx[i] as number,
      c.T[i] as number,
    );
    (c.features[EXPECTED] as number[])[i] = bgnbdConditionalExpectedPurchases(
      calBgnbd,
      horizonDays / 7,
      c.x[i] as number,
      c.tx[i] as number,
      c.T[i] as number,
    );
  }
  const churned = c.label.reduce((a, b) => a + b, 0);
  if (n < MIN_CHURN_MEMBERS || churned === 0 || churned === n) return { model: null, metrics: null };
  const parts: number[][] = [[], [], []];
  c.ids.forEach((id, i) => {
    const u = hashUnit(id, SPLIT_SALT);
    parts[u < 0.6 ? 0 : u < 0.8 ? 1 : 2]?.push(i);
  });
  const [trainRows, validRows, testRows] = parts as [number[], number[], number[]];
  const set = (rows: number[]) => ({
    columns: pick(c.features, rows),
    labels: Float64Array.from(rows, (i) => c.label[i] as number),
  });
  const result = train(
    set(trainRows),
    { ...CHURN_GBDT, rounds: 400, evalMetric: 'auc', earlyStoppingRounds: 40 },
    set(validRows),
  );
  const test = set(testRows);
  const auc = (scores: number[]) =>
    testRows.length > 1 ? rocAuc(test.labels, Float64Array.from(scores)) : null;
  const importance = result.model.importance();
  return {
    model: result.model,
    metrics: {
      auc: auc(testRows.map((_, k) => result.model.predict(test.columns.map((col) => col[k] as number)))),
      pAliveAuc: auc(testRows.map((i) => 1 - (c.features[P_ALIVE]?.[i] as number))),
      expectedPurchasesAuc: auc(testRows.map((i) => -(c.features[EXPECTED]?.[i] as number))),
      bestRound: result.bestRound,
      members: { train: trainRows.length, valid: validRows.length, test: testRows.length },
      churnRate: churned / n,
      topFeatures: FEATURE_NAMES.map((feature, f) => ({ feature, gain: importance.gain[f] as number }))
        .sort((a, b) => b.gain - a.gain)
        .slice(0, 5),
    },
  };
}

export interface BacktestOptions {
  ladder: LadderStep[];
  window: Parameters<typeof moveTo>[3];
  horizonDays: number;
  shares: { current: number; previous: number };
  pointsPerMinorUnit: number;
}

/**
 * One calibration member's forecasts at the cut: the probabilistic one (with the spread of spend
 * per purchase), the count-only one (each purchase worth exactly the expected spend), the point
 * one, and the spend.
 */
function backtestMember(
  c: Collected['cal'],
  i: number,
  fits: { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams },
  o: BacktestOptions,
) {
  const [x, tx, T] = [c.x[i] as number, c.tx[i] as number, c.T[i] as number];
  const weeks = o.horizonDays / 7;
  const purchases = bgnbdConditionalExpectedPurchases(fits.bgnbd, weeks, x, tx, T);
  const perPurchase = gammaGammaExpectedAverageSpend(fits.gammaGamma, x, c.m[i] as number);
  const unit = perPurchase * (Number.isFinite(c.ratio[i]) ? (c.ratio[i] as number) : o.pointsPerMinorUnit);
  const from = c.from[i] as number;
  const base = { current: c.baseCurrent[i] as number, previous: c.basePrevious[i] as number };
  const per = { current: unit * o.shares.current, previous: unit * o.shares.previous };
  const history = { x, tx, T, m: c.m[i] as number };
  const forecast = forecastMove(
    o.ladder,
    from,
    base,
    per,
    o.window,
    spreadReach(fits, weeks, history, perPurchase),
  );
  const tail = countReach(purchaseTail(fits.bgnbd, weeks, x, tx, T));
  const countOnly = forecastMove(o.ladder, from, base, per, o.window, tail);
  const likely = likelyPurchases(purchases);
  const standing = {
    current: base.current + likely * per.current,
    previous: base.previous + likely * per.previous,
  };
  const point = Math.sign(moveTo(o.ladder, from, standing, o.window) - from);
  return { forecast, countOnly, point, spend: purchases * perPurchase };
}

/** Predicted moves and P(up) / P(down) per member, and their metrics against the actual moves. */
function moveSet(n: number) {
  return { moves: new Int8Array(n), pUp: new Float64Array(n), pDown: new Float64Array(n) };
}

function record(set: ReturnType<typeof moveSet>, i: number, f: ReturnType<typeof forecastMove>) {
  set.moves[i] = f.move;
  set.pUp[i] = f.pUp;
  set.pDown[i] = f.pDown;
}

function scoreSet(set: ReturnType<typeof moveSet>, actual: ArrayLike<number>) {
  return {
    ...moveMetrics(set.moves, actual),
    calibration: moveCalibration(set.moves, set.pUp, set.pDown, actual),
  };
}

/**
 * The tier forecast made at the calibration end against the tier the actual metric gave at
 * dataThrough — the probabilistic rule scoring uses (with the spread of spend per purchase, and
 * its calibration); beside it the count-only rule (`countOnly`) and the former point forecast
 * (median purchase count) for comparison — and the spend forecast against the spend actually
 * paid in the horizon.
 */
export function backtestTiers(
  c: Collected['cal'],
  fits: { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams },
  o: BacktestOptions,
) {
  const n = c.ids.length;
  const spread = moveSet(n);
  const count = moveSet(n);
  const point = new Int8Array(n);
  let predictedSpend = 0;
  let actualSpend = 0;
  let absError = 0;
  for (let i = 0; i < n; i++) {
    const m = backtestMember(c, i, fits, o);
    record(spread, i, m.forecast);
    record(count, i, m.countOnly);
    point[i] = m.point;
    predictedSpend += m.spend;
    actualSpend += c.actualSpend[i] as number;
    absError += Math.abs(m.spend - (c.actualSpend[i] as number));
  }
  const old = moveMetrics(point, c.actualMove);
  const countOnly = scoreSet(count, c.actualMove);
  return {
    ...scoreSet(spread, c.actualMove),
    countOnly: {
      accuracy: countOnly.accuracy,
      up: countOnly.up,
      down: countOnly.down,
      calibration: countOnly.calibration,
    },
    pointForecast: { accuracy: old.accuracy, up: old.up, down: old.down },
    spend: {
      predicted: Math.round(predictedSpend),
      actual: Math.round(actualSpend),
      aggregateError: actualSpend > 0 ? (predictedSpend - actualSpend) / actualSpend : null,
      meanAbsoluteError: n > 0 ? absError / n : null,
    },
  };
}

export { summary as summaryColumns };
