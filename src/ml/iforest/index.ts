export {
  averagePathLength,
  averagePathLengthTable,
  EXACT_HARMONIC_LIMIT,
  harmonicNumber,
} from './average-path-length.ts';
export {
  IsolationForest,
  type IsolationForestOptions,
  positiveShares,
  type SerializedIsolationForest,
  type SerializedIsolationTree,
} from './isolation-forest.ts';
export { growIsolationTree, type IsolationTree } from './itree.ts';
