import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type Side, type Task, Workspace, type WorkspaceBuffers } from './als-workspace.ts';

// Worker threads for ALS. `fit` is synchronous, so the fitting thread cannot wait for messages:
// the threads coordinate through an Int32Array of control words in shared memory instead. A phase
// (one task over all blocks of one side) is published in shared memory and announced by a
// message; every thread, the fitting one included, claims blocks with Atomics.add until none are
// left. The fitting thread never waits for a worker to start: a worker that is still loading simply
// claims nothing, and one that finishes its claim late is waited for with Atomics.wait.

const PHASE = 0; // current phase number, 0 while closed
const NEXT = 1; // next unclaimed block
const DONE = 2; // finished blocks
const ACTIVE = 3; // workers inside a phase
const SIGNAL = 4; // bumped (and notified) whenever a worker changes DONE or ACTIVE
const ERROR = 5; // set by a worker whose block threw
const TASK_WORD = 6;
const SIDE_WORD = 7;
const COUNT = 8;
const CONTROL_WORDS = 9;

/** How long a phase may make no progress before the fit gives up (a block takes milliseconds). */
const STALL_MS = 300_000;

// A worker thread does not inherit the parent's tsx loader, so the bootstrap registers it before
// importing the TypeScript worker module (as src/lib/worker-call.ts does).
const BOOT = `
const { workerData } = await import('node:worker_threads');
if (workerData.tsx) (await import(workerData.tsx)).register();
const worker = await import(workerData.module);
worker.serveAlsWorker(workerData.control);
`;

function tsxApiUrl(): string | null {
  try {
    if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
    const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
    return pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
  } catch {
    return null;
  }
}

/** Runs phases of a fit: on worker threads plus the calling thread, or on the calling thread alone. */
export interface PhaseRunner {
  run(task: Task, side: Side): void;
  /** Drops the workers' references to this fit's buffers. */
  release(): void;
}

/** Every block on the calling thread, in order. */
export function localRunner(workspace: Workspace): PhaseRunner {
  return {
    run(task, side) {
      const n = workspace.blockCount(task, side);
      for (let b = 0; b < n; b++) workspace.runBlock(task, side, b);
    },
    release() {},
  };
}

class AlsPool {
  readonly control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  private readonly workers: Worker[] = [];
  private phase = 0;
  broken = false;

  constructor(readonly size: number) {
    const tsx = tsxApiUrl();
    const module = new URL('./als-worker.ts', import.meta.url).href;
    for (let w = 0; w < size; w++) {
      const worker = new Worker(BOOT, {
        eval: true,
        workerData: { tsx, module, control: this.control.buffer },
      });
      // A worker that fails (to start, typically: no tsx) claims no blocks, so fits still finish on
      // this thread; later fits of this process then stay on it rather than respawn failing workers.
      worker.on('error', () => {
        this.broken = true;
        workersFailed = true;
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  attach(workspace: Workspace): PhaseRunner {
    for (const worker of this.workers) worker.postMessage({ type: 'setup', buffers: workspace.buffers });
    return {
      run: (task, side) => this.run(workspace, task, side),
      release: () => {
        for (const worker of this.workers) worker.postMessage({ type: 'release' });
      },
    };
  }

  private run(workspace: Workspace, task: Task, side: Side): void {
    const c = this.control;
    const n = workspace.blockCount(task, side);
    Atomics.store(c, TASK_WORD, task);
    Atomics.store(c, SIDE_WORD, side);
    Atomics.store(c, COUNT, n);
    Atomics.store(c, NEXT, 0);
    Atomics.store(c, DONE, 0);
    this.phase = (this.phase % 1_000_000_000) + 1;
    Atomics.store(c, PHASE, this.phase);
    for (const worker of this.workers) worker.postMessage({ type: 'phase', phase: this.phase });
    for (;;) {
      const block = Atomics.add(c, NEXT, 1);
      if (block >= n) break;
      workspace.runBlock(task, side, block);
      Atomics.add(c, DONE, 1);
    }
    this.waitFor(() => Atomics.load(c, DONE) >= n || Atomics.load(c, ERROR) !== 0);
    // Close the phase before its words are reused. A worker raises ACTIVE before it reads PHASE and
    // this thread closes PHASE before it reads ACTIVE (sequentially consistent), so a late worker
    // either sees the phase closed or is waited for here.
    Atomics.store(c, PHASE, 0);
    this.waitFor(() => Atomics.load(c, ACTIVE) === 0);
    if (Atomics.load(c, ERROR) !== 0) {
      this.broken = true;
      throw new Error('ALS worker thread failed while solving a block');
    }
  }

  private waitFor(done: () => boolean): void {
    const c = this.control;
    let last = Date.now();
    let progress = -1;
    for (;;) {
      const signal = Atomics.load(c, SIGNAL);
      if (done()) return;
      Atomics.wait(c, SIGNAL, signal, 1000);
      const now = Date.now();
      const seen = Atomics.load(c, SIGNAL);
      if (seen !== progress) {
        progress = seen;
        last = now;
      } else if (now - last > STALL_MS) {
        this.broken = true;
        throw new Error('ALS worker threads stopped making progress');
      }
    }
  }

  close(): Promise<number[]> {
    return Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

let pool: AlsPool | undefined;
let workersFailed = false;

/**
 * A runner for a fit with `threads` threads in all (the calling one plus threads − 1 workers). The
 * workers are kept for the next fit (model selection fits many times) and unref'd, so they never
 * keep a process alive.
 */
export function phaseRunner(workspace: Workspace, threads: number): PhaseRunner {
  const size = Math.max(0, Math.floor(threads) - 1);
  if (size === 0 || workersFailed || typeof SharedArrayBuffer !== 'function') return localRunner(workspace);
  if (!pool || pool.size !== size || pool.broken) {
    void pool?.close();
    pool = new AlsPool(size);
  }
  return pool.attach(workspace);
}

/** Terminates the kept worker threads (they are unref'd, so this is only needed for a tidy exit). */
export async function closeAlsWorkers(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.close();
}

/** The worker side: answers setup, release and phase messages. Called by the bootstrap. */
export function servePhases(
  control: SharedArrayBuffer,
  onMessage: (handler: (message: unknown) => void) => void,
): void {
  const c = new Int32Array(control);
  let workspace: Workspace | undefined;
  onMessage((raw) => {
    const message = raw as { type: string; buffers?: WorkspaceBuffers; phase?: number };
    if (message.type === 'setup') workspace = new Workspace(message.buffers as WorkspaceBuffers);
    else if (message.type === 'release') workspace = undefined;
    else if (message.type === 'phase') joinPhase(c, workspace, message.phase as number);
  });
}

function joinPhase(c: Int32Array, workspace: Workspace | undefined, phase: number): void {
  Atomics.add(c, ACTIVE, 1);
  try {
    if (!workspace || Atomics.load(c, PHASE) !== phase) return;
    const task = Atomics.load(c, TASK_WORD) as Task;
    const side = Atomics.load(c, SIDE_WORD) as Side;
    const n = Atomics.load(c, COUNT);
    for (;;) {
      const block = Atomics.add(c, NEXT, 1);
      if (block >= n) break;
      workspace.runBlock(task, side, block);
      Atomics.add(c, DONE, 1);
      Atomics.add(c, SIGNAL, 1);
      Atomics.notify(c, SIGNAL);
    }
  } catch {
    Atomics.store(c, ERROR, 1);
  } finally {
    Atomics.sub(c, ACTIVE, 1);
    Atomics.add(c, SIGNAL, 1);
    Atomics.notify(c, SIGNAL);
  }
}
