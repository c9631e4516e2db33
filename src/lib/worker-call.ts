import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The little of a pino logger this needs. */
export interface WorkerLogger {
  warn(object: object, message: string): void;
}

// The sources are TypeScript loaded through tsx; a worker thread does not inherit the main
// thread's loader, so the bootstrap registers tsx itself before importing the worker module.
const BOOT = `
const { workerData, parentPort } = await import('node:worker_threads');
if (workerData.tsx) (await import(workerData.tsx)).register();
const worker = await import(workerData.module);
parentPort.postMessage(await worker[workerData.name](workerData.input));
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

/** Calls `name(input)` exported by the module at `moduleUrl` in a new worker thread. */
export function callInWorker<I, O>(moduleUrl: string, name: string, input: I): Promise<O> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: { tsx: tsxApiUrl(), module: moduleUrl, name, input },
    });
    worker.once('message', (output: O) => {
      resolve(output);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)));
  });
}

/**
 * Runs `name(input)` of a pure module in a worker thread, so a long computation (a model fit)
 * does not stop the API sharing this process from answering. Input and output cross by
 * structured clone: plain data only. If no worker can be started, `inThread` computes the same
 * result here instead — only the event loop waits.
 */
export async function callOffThread<I, O>(
  moduleUrl: string,
  name: string,
  input: I,
  inThread: (input: I) => O | Promise<O>,
  log?: WorkerLogger,
): Promise<O> {
  try {
    return await callInWorker<I, O>(moduleUrl, name, input);
  } catch (error) {
    log?.warn({ err: error, module: moduleUrl, name }, 'worker thread failed; computing on the main thread');
    return inThread(input);
  }
}
