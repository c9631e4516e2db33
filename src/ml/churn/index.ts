export {
  CHURN_GBDT,
  type ChurnOptions,
  type ChurnResult,
  evaluateChurn,
  type SplitStats,
} from './evaluate.ts';
export { buildChurnFrame, type ChurnFrame, type ChurnSplit, FEATURE_NAMES } from './features.ts';
export { churnFeatureRow, type PurchaseDays, summaryOf } from './member-features.ts';
