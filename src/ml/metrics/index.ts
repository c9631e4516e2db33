export {
  averagePrecision,
  brierScore,
  expectedCalibrationError,
  logLoss,
  recallAtFpr,
  rmse,
  rocAuc,
} from './metrics.ts';
