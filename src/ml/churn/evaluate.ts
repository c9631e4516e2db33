/**
 * Time-based churn evaluation: the GBDT learns on an earlier calibration/holdout pair whose
 * holdout ends at the test calibration end, and is scored on the test split — no row after the
 * test calibration end reaches training, and test labels are never seen while fitting.
 */
import type { Transaction } from '../clv/index.ts';
import { type GbdtParams, train } from '../gbdt/index.ts';
import { rocAuc } from '../metrics/index.ts';
import { buildChurnFrame, FEATURE_NAMES } from './features.ts';

const DAY_MS = 86_400_000;

export interface ChurnOptions {
  /** Last day of the test calibration period (epoch ms). */
  calibrationEnd: number;
  /** Last day of the test holdout (epoch ms). */
  holdoutEnd: number;
  /** Training calibration end; default: calibrationEnd minus the holdout length. */
  trainCalibrationEnd?: number;
  gbdt?: Partial<GbdtParams>;
  /** How many features by gain to report (default 5). */
  topFeatures?: number;
}

export interface SplitStats {
  calibrationEnd: string;
  holdoutEnd: string;
  customers: number;
  churnRate: number;
}

export interface ChurnResult {
  /** AUC of the GBDT churn probability on the test split. */
  auc: number;
  /** AUC of 1 − BG/NBD P(alive) on the test split. */
  pAliveAuc: number;
  /** AUC of −E[purchases in the holdout] (BG/NBD) on the test split. */
  expectedPurchasesAuc: number;
  train: SplitStats;
  test: SplitStats;
  topFeatures: { feature: string; gain: number }[];
}

// Small, slow-learning trees: a few thousand rows, one split, no validation set to stop on.
export const CHURN_GBDT: Partial<GbdtParams> = {
  rounds: 150,
  learningRate: 0.05,
  maxDepth: 3,
  minChildWeight: 5,
  subsample: 0.8,
  colsampleByTree: 0.8,
  seed: 1,
  logTrainMetric: false,
};

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function evaluateChurn(transactions: readonly Transaction[], options: ChurnOptions): ChurnResult {
  const { calibrationEnd, holdoutEnd } = options;
  const lengthDays = Math.floor(holdoutEnd / DAY_MS) - Math.floor(calibrationEnd / DAY_MS);
  if (lengthDays <= 0) throw new Error('the holdout must end after the calibration end');
  const trainCalibrationEnd = options.trainCalibrationEnd ?? calibrationEnd - lengthDays * DAY_MS;
  if (trainCalibrationEnd >= calibrationEnd)
    throw new Error('the training calibration must end before the test calibration end');
  // Training split: everything it reads ends at calibrationEnd (its holdout end).
  const trainFrame = buildChurnFrame(
    transactions.filter((t) => Math.floor(t.time / DAY_MS) <= Math.floor(calibrationEnd / DAY_MS)),
    { calibrationEnd: trainCalibrationEnd, holdoutEnd: calibrationEnd },
  );
  const testFrame = buildChurnFrame(transactions, { calibrationEnd, holdoutEnd });
  const { model } = train(
    { columns: trainFrame.columns, labels: trainFrame.labels },
    { ...CHURN_GBDT, ...options.gbdt },
  );
  const scores = model.predictColumns(testFrame.columns);
  const gain = model.importance().gain;
  const topFeatures = FEATURE_NAMES.map((feature, f) => ({ feature, gain: gain[f] as number }))
    .sort((a, b) => b.gain - a.gain)
    .slice(0, options.topFeatures ?? 5);
  const stats = (frame: typeof testFrame, cal: number, hold: number): SplitStats => ({
    calibrationEnd: isoDay(cal),
    holdoutEnd: isoDay(hold),
    customers: frame.ids.length,
    churnRate: frame.labels.reduce((a, b) => a + b, 0) / Math.max(1, frame.ids.length),
  });
  return {
    auc: rocAuc(testFrame.labels, scores),
    pAliveAuc: rocAuc(
      testFrame.labels,
      testFrame.pAlive.map((p) => 1 - p),
    ),
    expectedPurchasesAuc: rocAuc(
      testFrame.labels,
      (testFrame.columns[FEATURE_NAMES.indexOf('expected_purchases')] as Float64Array).map((e) => -e),
    ),
    train: stats(trainFrame, trainCalibrationEnd, calibrationEnd),
    test: stats(testFrame, calibrationEnd, holdoutEnd),
    topFeatures,
  };
}
