export {
  applyBins,
  binOf,
  computeCuts,
  type FeatureBins,
  fitBins,
  MAX_BINS,
  MISSING_BIN,
} from './binning.ts';
export {
  type Contributions,
  type Dataset,
  DEFAULT_PARAMS,
  type EvalMetric,
  type FeatureImportance,
  GbdtModel,
  type GbdtParams,
  type RoundLog,
  type SerializedModel,
  type TrainResult,
  train,
} from './booster.ts';
export { type Objective, sigmoid } from './objective.ts';
export { createRng } from './prng.ts';
export { findBestSplit, growTree, type Tree, type TreeParams } from './tree.ts';
