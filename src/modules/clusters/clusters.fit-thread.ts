import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Matrix } from '../../ml/kmeans/index.ts';
import type { StandardisedFit } from './clusters.fit.ts';

/** The little of a pino logger this needs. */
export interface Logger {
  warn(object: object, message: string): void;
}

// The sources are TypeScript loaded through tsx; a worker thread does not inherit the main
// thread's loader, so the bootstrap registers tsx itself before importing the worker module.
const BOOT = `
const { workerData, parentPort } = await import('node:worker_threads');
if (workerData.tsx) (await import(workerData.tsx)).register();
const worker = await import(workerData.module);
parentPort.postMessage(worker.runFit(workerData.input));
`;

/** tsx's ESM API, resolved here (the worker's own resolution would start from the working directory). */
function tsxApiUrl(): string | null {
  try {
    if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
    // Test runners without import.meta.resolve: require's answer is the CommonJS twin of the ESM entry.
    const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
    return pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
  } catch {
    return null;
  }
}

function runInWorker(x: Matrix, k: number | undefined, seed: number): Promise<StandardisedFit> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: {
        tsx: tsxApiUrl(),
        module: new URL('./clusters.fit-worker.ts', import.meta.url).href,
        input: { data: x.data, rows: x.rows, cols: x.cols, k, seed },
      },
    });
    worker.once('message', (fit: StandardisedFit) => {
      resolve(fit);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`fit worker exited with code ${code}`)));
  });
}

/**
 * Runs the fit (seconds of arithmetic on a 5,000-member sample) in a worker thread so the API
 * sharing this process keeps answering. If no worker can be started it fits here instead: the
 * result is the same, only the event loop waits.
 */
export async function fitOffThread(
  x: Matrix,
  k: number | undefined,
  seed: number,
  log?: Logger,
): Promise<StandardisedFit> {
  try {
    return await runInWorker(x, k, seed);
  } catch (error) {
    log?.warn({ err: error }, 'clusters: fit worker failed; fitting on the main thread');
    const { fitStandardised } = await import('./clusters.fit.ts');
    return fitStandardised(x, k, seed);
  }
}
