import { createRng } from '../gbdt/prng.ts';
import { type Matrix, squaredDistance, zeros } from './matrix.ts';

/** Synthetic Gaussian blobs for tests and benchmarks. */
export interface Blobs {
  x: Matrix;
  /** The blob each row was drawn from. */
  truth: Int32Array;
  centers: Float64Array;
}

export interface BlobOptions {
  /** Standard deviation of every coordinate round its centre. Default 1. */
  sd?: number;
  /** Centres are uniform in [−spread, spread]^cols. Default 10. */
  spread?: number;
  /** Least distance between two centres. Default 0. */
  minSeparation?: number;
  seed?: number;
}

/**
 * `n` rows in `cols` dimensions drawn round `k` centres placed uniformly in [−spread, spread]^cols,
 * each coordinate with standard deviation `sd`; row i comes from blob i mod k. Seeded.
 */
export function gaussianBlobs(n: number, cols: number, k: number, options: BlobOptions = {}): Blobs {
  const rng = createRng(options.seed ?? 1);
  const sd = options.sd ?? 1;
  const centers = drawCenters(k, cols, options.spread ?? 10, options.minSeparation ?? 0, rng);
  const x = zeros(n, cols);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const blob = i % k;
    truth[i] = blob;
    for (let j = 0; j < cols; j++)
      x.data[i * cols + j] = (centers[blob * cols + j] as number) + sd * gaussian(rng);
  }
  return { x, truth, centers };
}

/** Centres drawn again while any two are closer than `minSeparation` (rejection, up to 1,000 tries). */
function drawCenters(k: number, cols: number, spread: number, minSeparation: number, rng: () => number) {
  const centers = new Float64Array(k * cols);
  for (let c = 0; c < k; c++) {
    for (let attempt = 0; attempt < 1000; attempt++) {
      for (let j = 0; j < cols; j++) centers[c * cols + j] = (rng() * 2 - 1) * spread;
      let ok = true;
      for (let o = 0; o < c && ok; o++)
        ok = Math.sqrt(squaredDistance(centers, c, centers, o, cols)) >= minSeparation;
      if (ok) break;
    }
  }
  return centers;
}

function gaussian(rng: () => number): number {
  // Box–Muller; 1 − u keeps the logarithm finite.
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
