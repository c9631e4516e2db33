// k-means clustering over dense row-major Float64Array matrices: pure, seeded, no I/O.

export { createRng } from '../gbdt/prng.ts';
export { type BlobOptions, type Blobs, gaussianBlobs } from './blobs.ts';
export { type ChooseKOptions, type ChooseKResult, chooseK, chooseKSteps } from './choose-k.ts';
export {
  assignInto,
  assignLabels,
  fitKMeans,
  type KMeansOptions,
  type KMeansResult,
  lloyd,
  nearestCentroid,
  seedPlusPlus,
} from './kmeans.ts';
export { fromRows, type Matrix, squaredDistance, takeRows, zeros } from './matrix.ts';
export { silhouetteScore } from './silhouette.ts';
export {
  type ColumnStats,
  columnStats,
  informativeColumns,
  selectColumns,
  standardizeInPlace,
} from './standardize.ts';
