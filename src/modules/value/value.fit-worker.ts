// The arithmetic of a value model's training — purchase-model fits, churn trees, tier backtest —
// as one pure function over plain data, so value.train can run it in a worker thread.
import type { AppError } from '../../errors.ts';
import { Errors } from '../../errors.ts';
import type { Collected } from './value.collect.ts';
import { backtestTiers, fitChurn, fitPurchaseModels, summaryColumns } from './value.fit.ts';
import { type LadderStep, predictStanding, type TierSettings } from './value.forecast.ts';
import { DAY_MS } from './value.history.ts';

export interface ValueFitInput {
  collected: Collected;
  horizonDays: number;
  tiers: TierSettings;
  ladder: LadderStep[];
  now: number;
}

type PurchaseFit = ReturnType<typeof fitPurchaseModels>;

export interface ValueFitOutput {
  full: PurchaseFit;
  /** The last moment of the calibration period (dataThrough − horizon). */
  cut: number;
  /** Fits on the calibration period; null when it holds too few purchasers. */
  cal: PurchaseFit | null;
  churnMetrics: Record<string, unknown> | null;
  /** The churn trees as saved JSON (a class instance does not cross to another thread). */
  churnModelJson: string | null;
  backtest: ReturnType<typeof backtestTiers> | null;
  purchaseFitMs: number;
  churnMs: number;
}

/** Fits everything a value model holds from the collected purchase histories. */
export function runValueFit(input: ValueFitInput): ValueFitOutput {
  const { collected, horizonDays, tiers, ladder, now } = input;
  const started = performance.now();
  const f = collected.full;
  const full = fitPurchaseModels(summaryColumns(f.x, f.tx, f.T, f.m), 'in the shop');
  const purchaseFitMs = performance.now() - started;
  const c = collected.cal;
  const cut = (Math.floor(now / DAY_MS) - horizonDays + 1) * DAY_MS - 1;
  const none = { full, cut, cal: null, churnMetrics: null, churnModelJson: null, backtest: null, churnMs: 0 };
  let cal: PurchaseFit;
  try {
    cal = fitPurchaseModels(summaryColumns(c.x, c.tx, c.T, c.m), 'before the calibration end');
  } catch (e) {
    if ((e as AppError)?.code === Errors.VALUE_NOT_ENOUGH_DATA.code) return { ...none, purchaseFitMs };
    throw e;
  }
  const churnStarted = performance.now();
  const churn = fitChurn(c, cal.bgnbd, horizonDays);
  const churnMs = performance.now() - churnStarted;
  const backtest = backtestTiers(c, cal, {
    ladder,
    window: tiers.window,
    horizonDays,
    shares: predictStanding([], tiers.window, cut, now, 1),
    pointsPerMinorUnit: collected.pointsPerMinorUnit,
  });
  return {
    full,
    cut,
    cal,
    churnMetrics: churn.metrics,
    churnModelJson: churn.model ? JSON.stringify(churn.model) : null,
    backtest,
    purchaseFitMs,
    churnMs,
  };
}
