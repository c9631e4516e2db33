export { type DatasetFormat, type LoadOptions, loadInteractions } from './datasets.ts';
export {
  type EvaluateOptions,
  type EvaluationResult,
  evaluateRecommender,
  fullRank,
  ndcgAt,
  type Recommender,
  recommendTopK,
  sampledRank,
  sampleNegatives,
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
export { type PopularityOptions, PopularityRecommender } from './popularity.ts';
export { type LeaveOneOutOptions, type LeaveOneOutSplit, splitLeaveOneOut } from './split.ts';
export { topK, topKAmong } from './top-k.ts';
