import { Worker } from 'node:worker_threads';
import type { WasmInstance, WasmMemory, WasmModule } from './wasm-api.ts';

/** Exported kernels a helper thread may be asked to run; the index is the command code. */
export const KERNEL_NAMES = [
  'packPanel',
  'updateLower',
  'writePanel',
  'mirrorNegate',
  'scaleColumns',
] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];
type Kernel = (...args: number[]) => void;

// Control words in a small SharedArrayBuffer: the main thread bumps SEQ to post a command, the
// helper stores the finished SEQ in DONE. Arguments are float64 so 32-bit addresses fit exactly.
const SEQ = 0;
const DONE = 1;
const OP = 2;
const READY = 3;
const FAILED = 4;
const EXIT = -1;
const MAX_ARGS = 16;

// CommonJS, evaluated in the helper thread: instantiates the same module over the shared memory
// and runs commands until told to exit. Plain JavaScript, so no TypeScript loader is needed there.
const HELPER = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, names } = workerData;
const ctrl = new Int32Array(control, 0, 8);
const args = new Float64Array(control, 64, ${MAX_ARGS});
const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm abort'); } } });
Atomics.store(ctrl, ${READY}, 1);
Atomics.notify(ctrl, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  seen = Atomics.load(ctrl, ${SEQ});
  const op = ctrl[${OP}];
  if (op === ${EXIT}) break;
  try {
    instance.exports[names[op]](...Array.from(args.subarray(0, ctrl[5])));
  } catch {
    Atomics.store(ctrl, ${FAILED}, 1);
  }
  Atomics.store(ctrl, ${DONE}, seen);
  Atomics.notify(ctrl, ${DONE});
}
`;

/**
 * The calling thread plus optional helper threads running the same WASM module over one shared
 * memory. `run` splits a kernel's row ranges between them and blocks (Atomics.wait) until all are
 * done, so callers stay synchronous, as model `fit`s are.
 */
export class WasmThreads {
  private readonly helpers: { worker: Worker; ctrl: Int32Array; args: Float64Array; seq: number }[] = [];

  constructor(
    private readonly instance: WasmInstance,
    module: WasmModule,
    memory: WasmMemory,
    threads: number,
  ) {
    for (let t = 1; t < threads; t++) {
      const control = new SharedArrayBuffer(64 + 8 * MAX_ARGS);
      const ctrl = new Int32Array(control, 0, 8);
      const worker = new Worker(HELPER, {
        eval: true,
        workerData: { module, memory, control, names: KERNEL_NAMES },
      });
      worker.unref();
      // A helper that cannot start within 10 s is dropped: this thread does its share instead.
      if (Atomics.wait(ctrl, READY, 0, 10_000) === 'timed-out' && Atomics.load(ctrl, READY) === 0) {
        void worker.terminate();
        continue;
      }
      this.helpers.push({ worker, ctrl, args: new Float64Array(control, 64, MAX_ARGS), seq: 0 });
    }
  }

  /** Number of threads taking part (the caller included). */
  get size(): number {
    return this.helpers.length + 1;
  }

  /**
   * Runs `name(...args, start, end)` for each `[start, end)` of `ranges` (one per thread, the
   * caller's first) and waits for all of them.
   */
  run(name: KernelName, args: number[], ranges: [number, number][]): void {
    const kernel = this.instance.exports[name] as Kernel;
    const posted = Math.min(this.helpers.length, ranges.length - 1);
    for (let h = 0; h < posted; h++) {
      const helper = this.helpers[h]!;
      const all = [...args, ...ranges[h + 1]!];
      helper.args.set(all);
      helper.ctrl[5] = all.length;
      helper.ctrl[OP] = KERNEL_NAMES.indexOf(name);
      helper.seq++;
      Atomics.store(helper.ctrl, SEQ, helper.seq);
      Atomics.notify(helper.ctrl, SEQ);
    }
    kernel(...args, ...ranges[0]!);
    for (let r = posted + 1; r < ranges.length; r++) kernel(...args, ...ranges[r]!);
    for (let h = 0; h < posted; h++) {
      const helper = this.helpers[h]!;
      for (;;) {
        const done = Atomics.load(helper.ctrl, DONE);
        if (done === helper.seq) break;
        Atomics.wait(helper.ctrl, DONE, done);
      }
      if (Atomics.load(helper.ctrl, FAILED)) throw new Error(`WASM kernel ${name} failed in a helper thread`);
    }
  }

  /** Stops the helper threads. */
  close(): void {
    for (const helper of this.helpers) {
      helper.ctrl[OP] = EXIT;
      helper.seq++;
      Atomics.store(helper.ctrl, SEQ, helper.seq);
      Atomics.notify(helper.ctrl, SEQ);
    }
    this.helpers.length = 0;
  }
}
