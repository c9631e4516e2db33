export { type AlsIteration, type AlsOptions, AlsRecommender, closeAlsWorkers } from './als.ts';
export { type ContentOptions, ContentRecommender, type ItemFeatures } from './content.ts';
export { type DatasetFormat, type LoadOptions, loadInteractions } from './datasets.ts';
export { type EaseOptions, EaseRecommender } from './ease.ts';
export {
  type EvaluateOptions,
  type EvaluationResult,
  evaluateRecommender,
  evaluateTargets,
  fullRank,
  ndcgAt,
  type Recommender,
  recommendTopK,
  sampledRank,
  sampleNegatives,
  type UserTargets,
} from './evaluate.ts';
export {
  buildFromEntries,
  buildInteractions,
  type Csr,
  type Entries,
  type Interaction,
  type Interactions,
  InteractionsBuilder,
  transpose,
} from './interactions.ts';
export {
  type ItemKnnOptions,
  ItemKnnRecommender,
  itemNeighbours,
  type Neighbours,
  transposeNeighbours,
} from './item-knn.ts';
export { type CreateContext, createRecommender, loadRecommender } from './load.ts';
export { type PopularityOptions, PopularityRecommender } from './popularity.ts';
export {
  bestCandidate,
  type Candidate,
  type CurvePoint,
  defaultGrid,
  type Selection,
  type SelectOptions,
  selectRecommender,
} from './select.ts';
export {
  type Contribution,
  decodeSavedRecommender,
  encodeSavedRecommender,
  type History,
  RECOMMENDER_KINDS,
  type RecommenderKind,
  type SavedArray,
  type SavedRecommender,
  type ScoredItems,
  type ServingRecommender,
} from './serving.ts';
export {
  type LeaveOneOutOptions,
  type LeaveOneOutSplit,
  splitByTime,
  splitLeaveOneOut,
  type TimeSplit,
  type TimeSplitOptions,
} from './split.ts';
export { topK, topKAmong } from './top-k.ts';
