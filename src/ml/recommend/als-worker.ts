import { parentPort } from 'node:worker_threads';
import { servePhases } from './als-pool.ts';

/** Entry point of an ALS worker thread (loaded by the bootstrap in als-pool.ts). */
export function serveAlsWorker(control: SharedArrayBuffer): void {
  const port = parentPort;
  if (!port) throw new Error('serveAlsWorker runs in a worker thread');
  servePhases(control, (handler) => port.on('message', handler));
}
