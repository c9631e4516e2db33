import { callOffThread, type WorkerLogger } from '../../lib/worker-call.ts';
import type { Matrix } from '../../ml/kmeans/index.ts';
import type { StandardisedFit } from './clusters.fit.ts';
import { runFit } from './clusters.fit-worker.ts';

/**
 * Runs the fit (seconds of arithmetic on a 5,000-member sample) in a worker thread so the API
 * sharing this process keeps answering. If no worker can be started it fits here instead: the
 * result is the same, only the event loop waits.
 */
export async function fitOffThread(
  x: Matrix,
  k: number | undefined,
  seed: number,
  log?: WorkerLogger,
): Promise<StandardisedFit> {
  return callOffThread(
    new URL('./clusters.fit-worker.ts', import.meta.url).href,
    'runFit',
    { data: x.data, rows: x.rows, cols: x.cols, k, seed },
    runFit,
    log,
  );
}
