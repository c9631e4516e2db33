import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { invertSpdSmall, type SpdKernels, type SquareMatrix } from './kernels.ts';
import { type WasmInstance, type WasmMemory, type WasmModule, wasm } from './wasm-api.ts';
import { ensureLinalgWasm } from './wasm-build.ts';
import { type KernelName, WasmThreads } from './wasm-threads.ts';

/** Options of {@link WasmSpdKernels}. */
export interface WasmKernelOptions {
  /** Threads sharing the work, the caller included (default: the machine's cores, at most 2). */
  threads?: number;
  /** Columns swept per step (a multiple of 8, default 128): the inner dimension of the big update. */
  blockSize?: number;
}

const PAGE = 65_536;
const MAX_PAGES = 65_536;
const MIN_THREADED_SIZE = 512;

let compiled: WasmModule | undefined;

/** The compiled kernel module (built at first use, compiled once per process). */
export function linalgModule(): WasmModule {
  compiled ??= new wasm.Module(readFileSync(ensureLinalgWasm()));
  return compiled;
}

/** A matrix living in its own shared WASM memory, with scratch space for the blocked sweep. */
class WasmMatrix implements SquareMatrix {
  readonly data: Float32Array;
  readonly panel: number;
  readonly w: number;
  readonly d: number;
  readonly scale: number;

  constructor(
    readonly n: number,
    readonly stride: number,
    readonly block: number,
    readonly memory: WasmMemory,
    readonly instance: WasmInstance,
    readonly a: number,
  ) {
    const bytes = stride * stride * 4;
    this.panel = a + bytes;
    this.w = this.panel + block * stride * 4;
    this.d = this.w + stride * block * 4;
    this.scale = this.d + block * block * 4;
    this.data = new Float32Array(memory.buffer, a, stride * stride);
    for (let i = n; i < stride; i++) this.data[i * stride + i] = 1;
  }
}

/**
 * The dense kernels in AssemblyScript compiled to WASM with SIMD, over a shared memory split
 * between threads. The inverse is a blocked symmetric sweep: per block of columns, the small
 * diagonal block is inverted in float64 here, then the panel, the rank-`blockSize` update of the
 * lower triangle (n³ flops in all, nearly all the time) and the write-back run in WASM, each
 * split by rows between the threads.
 */
export class WasmSpdKernels implements SpdKernels {
  readonly name = 'wasm';
  private readonly threads: number;
  private readonly block: number;

  constructor(options: WasmKernelOptions = {}) {
    this.threads = Math.max(1, options.threads ?? Math.min(2, availableParallelism()));
    this.block = options.blockSize ?? 128;
    if (this.block % 8 !== 0 || this.block <= 0)
      throw new Error('blockSize must be a positive multiple of 8');
  }

  allocate(n: number): SquareMatrix {
    const module = linalgModule();
    const stride = Math.max(8, Math.ceil(n / 8) * 8);
    const block = Math.min(this.block, stride);
    const base = 65_536; // above the module's static data (it has none; heapBase() is far lower)
    const end = base + 4 * (stride * stride + 2 * block * stride + block * block + stride);
    const pages = Math.ceil(end / PAGE);
    if (pages > MAX_PAGES)
      throw new Error(`a ${n} × ${n} float32 matrix does not fit in 4 GiB of WASM memory`);
    const memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
    const instance = new wasm.Instance(module, { env: { memory, abort: wasmAbort } });
    const heapBase = (instance.exports.heapBase as () => number)();
    if (heapBase > base) throw new Error('the WASM module has more static data than expected');
    return new WasmMatrix(n, stride, block, memory, instance, base);
  }

  invertSpd(m: SquareMatrix): void {
    const matrix = asWasm(m);
    const { stride: n, a, panel, w, d, block } = matrix;
    this.withThreads(matrix, (run) => {
      const dView = new Float32Array(matrix.memory.buffer, d, block * block);
      const even = splitEven(n, run.size);
      const triangle = splitTriangle(n, run.size);
      for (let k0 = 0; k0 < n; k0 += block) {
        const nb = Math.min(block, n - k0);
        const inverse = invertSpdSmall(matrix.data.subarray(k0 * n + k0), nb, n);
        dView.set(inverse.subarray(0, nb * nb));
        run.run('packPanel', [a, n, k0, nb, d, panel, w], even);
        run.run('updateLower', [a, n, nb, panel, w], triangle);
        run.run('writePanel', [a, n, k0, nb, d, w], even);
      }
      run.run('mirrorNegate', [a, n], triangle);
    });
  }

  scaleColumns(m: SquareMatrix, scale: Float32Array): void {
    const matrix = asWasm(m);
    const view = new Float32Array(matrix.memory.buffer, matrix.scale, matrix.stride);
    view.fill(0);
    view.set(scale.subarray(0, matrix.n));
    this.withThreads(matrix, (run) =>
      run.run('scaleColumns', [matrix.a, matrix.stride, matrix.scale], splitEven(matrix.n, run.size)),
    );
  }

  close(): void {}

  private withThreads(matrix: WasmMatrix, work: (threads: Runner) => void): void {
    // Starting a thread costs tens of milliseconds: below ~512 items one thread is faster.
    const count = matrix.stride < MIN_THREADED_SIZE ? 1 : this.threads;
    const threads = new WasmThreads(matrix.instance, linalgModule(), matrix.memory, count);
    try {
      work({ size: threads.size, run: (name, args, ranges) => threads.run(name, args, ranges) });
    } finally {
      threads.close();
    }
  }
}

interface Runner {
  size: number;
  run(name: KernelName, args: number[], ranges: [number, number][]): void;
}

function wasmAbort(): never {
  throw new Error('WASM kernel aborted');
}

function asWasm(m: SquareMatrix): WasmMatrix {
  if (!(m instanceof WasmMatrix)) throw new Error('the matrix was not allocated by WasmSpdKernels');
  return m;
}

/** `parts` row ranges of about equal length. */
export function splitEven(n: number, parts: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let p = 0; p < parts; p++)
    ranges.push([Math.floor((n * p) / parts), Math.floor((n * (p + 1)) / parts)]);
  return ranges;
}

/**
 * `parts` row ranges of the lower triangle with about equal areas (row i costs about i), cut at
 * multiples of 32 as the tiled kernels need.
 */
export function splitTriangle(n: number, parts: number): [number, number][] {
  const cuts = [0];
  for (let p = 1; p < parts; p++) cuts.push(Math.min(n, Math.round((n * Math.sqrt(p / parts)) / 32) * 32));
  cuts.push(n);
  return cuts.slice(0, -1).map((start, p) => [start, Math.max(start, cuts[p + 1]!)] as [number, number]);
}
