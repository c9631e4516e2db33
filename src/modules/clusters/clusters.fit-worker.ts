// Loaded in a worker thread by clusters.fit-thread.ts: the pure fit, nothing else.
import { fitStandardised, type StandardisedFit } from './clusters.fit.ts';

/** Fits the standardised sample sent by the main thread. */
export function runFit(input: {
  data: Float64Array;
  rows: number;
  cols: number;
  k: number | undefined;
  seed: number;
}): StandardisedFit {
  return fitStandardised({ data: input.data, rows: input.rows, cols: input.cols }, input.k, input.seed);
}
