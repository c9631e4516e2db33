export { averagePrecision, logLoss, recallAtFpr, rmse, rocAuc } from './metrics.ts';
