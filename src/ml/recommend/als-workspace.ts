import {
  addGramUpper,
  type ConfidenceRows,
  cgScratch,
  observedLoss,
  solveRowsCg,
  splitByCost,
} from './als-kernels.ts';

// The state one ALS fit shares between its threads: every array lives in a SharedArrayBuffer, so
// workers see the fitting thread's writes without copies. Work is cut into fixed blocks that any
// thread may claim; a block's result does not depend on who computes it, so a fit gives the same
// factors with any number of threads.

/** What a thread can be asked to do with one block. */
export const TASK = { solve: 1, gram: 2, loss: 3 } as const;
export type Task = (typeof TASK)[keyof typeof TASK];
/** 0: users (solve X against Y; Gram of X), 1: items. */
export type Side = 0 | 1;

/** Fixed-size partial sums for Gram and loss, so their order (and so the rounding) never varies. */
export const REDUCE_BLOCKS = 16;
/** Solve blocks per side: enough for balance across threads, few enough to keep claiming cheap. */
const SOLVE_BLOCKS = 256;

/** The buffers of a workspace: plain data that crosses `postMessage` by reference. */
export interface WorkspaceBuffers {
  k: number;
  cgSteps: number;
  nUsers: number;
  nItems: number;
  /** Factors, nUsers × k and nItems × k, Float64. */
  users: SharedArrayBuffer;
  items: SharedArrayBuffer;
  /** Rows per side: indptr (Int32), indices (Int32), conf = α·w (Float32). */
  byUser: [SharedArrayBuffer, SharedArrayBuffer, SharedArrayBuffer];
  byItem: [SharedArrayBuffer, SharedArrayBuffer, SharedArrayBuffer];
  /** The k × k system matrix of the current solve (Gram of the fixed side + λI). */
  gram: SharedArrayBuffer;
  /** REDUCE_BLOCKS partial Grams (upper triangles) and partial losses. */
  gramParts: SharedArrayBuffer;
  lossParts: SharedArrayBuffer;
  /** Block bounds: solve blocks per side, reduce blocks per side. */
  solveBounds: [SharedArrayBuffer, SharedArrayBuffer];
  reduceBounds: [SharedArrayBuffer, SharedArrayBuffer];
}

function shared(source: Int32Array | Float32Array | Float64Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(Math.max(8, source.byteLength));
  new Uint8Array(buffer).set(new Uint8Array(source.buffer, source.byteOffset, source.byteLength));
  return buffer;
}

function sharedRows(indptr: Int32Array, indices: Int32Array, conf: Float32Array) {
  return [shared(indptr), shared(indices), shared(conf)] as [
    SharedArrayBuffer,
    SharedArrayBuffer,
    SharedArrayBuffer,
  ];
}

/** Allocates the shared buffers of a fit and copies the rows and initial factors in. */
export function createBuffers(input: {
  k: number;
  cgSteps: number;
  users: Float64Array;
  items: Float64Array;
  byUser: ConfidenceRows;
  byItem: ConfidenceRows;
}): WorkspaceBuffers {
  const { k, byUser, byItem } = input;
  const nUsers = byUser.indptr.length - 1;
  const nItems = byItem.indptr.length - 1;
  const reduce = (indptr: Int32Array, n: number) => shared(splitByCost(indptr, n, 1, REDUCE_BLOCKS));
  return {
    k,
    cgSteps: input.cgSteps,
    nUsers,
    nItems,
    users: shared(input.users),
    items: shared(input.items),
    byUser: sharedRows(byUser.indptr, byUser.indices, byUser.conf),
    byItem: sharedRows(byItem.indptr, byItem.indices, byItem.conf),
    gram: new SharedArrayBuffer(8 * k * k),
    gramParts: new SharedArrayBuffer(8 * k * k * REDUCE_BLOCKS),
    lossParts: new SharedArrayBuffer(8 * REDUCE_BLOCKS),
    solveBounds: [
      shared(splitByCost(byUser.indptr, nUsers, k, SOLVE_BLOCKS)),
      shared(splitByCost(byItem.indptr, nItems, k, SOLVE_BLOCKS)),
    ],
    reduceBounds: [reduce(byUser.indptr, nUsers), reduce(byItem.indptr, nItems)],
  };
}

function rowsOf([indptr, indices, conf]: WorkspaceBuffers['byUser']): ConfidenceRows {
  return { indptr: new Int32Array(indptr), indices: new Int32Array(indices), conf: new Float32Array(conf) };
}

/** Typed views of the buffers plus this thread's own scratch; runs any block of any task. */
export class Workspace {
  readonly k: number;
  readonly users: Float64Array;
  readonly items: Float64Array;
  readonly gram: Float64Array;
  readonly gramParts: Float64Array;
  readonly lossParts: Float64Array;
  private readonly rows: [ConfidenceRows, ConfidenceRows];
  private readonly solveBounds: [Int32Array, Int32Array];
  private readonly reduceBounds: [Int32Array, Int32Array];
  private readonly scratch: Float64Array;

  constructor(readonly buffers: WorkspaceBuffers) {
    this.k = buffers.k;
    this.users = new Float64Array(buffers.users);
    this.items = new Float64Array(buffers.items);
    this.gram = new Float64Array(buffers.gram);
    this.gramParts = new Float64Array(buffers.gramParts);
    this.lossParts = new Float64Array(buffers.lossParts);
    this.rows = [rowsOf(buffers.byUser), rowsOf(buffers.byItem)];
    this.solveBounds = [new Int32Array(buffers.solveBounds[0]), new Int32Array(buffers.solveBounds[1])];
    this.reduceBounds = [new Int32Array(buffers.reduceBounds[0]), new Int32Array(buffers.reduceBounds[1])];
    this.scratch = cgScratch(this.k);
  }

  factors(side: Side): Float64Array {
    return side === 0 ? this.users : this.items;
  }

  blockCount(task: Task, side: Side): number {
    return (task === TASK.solve ? this.solveBounds[side] : this.reduceBounds[side]).length - 1;
  }

  runBlock(task: Task, side: Side, block: number): void {
    const { k } = this;
    if (task === TASK.solve) {
      const bounds = this.solveBounds[side];
      const fixed = this.factors(side === 0 ? 1 : 0);
      const { cgSteps } = this.buffers;
      solveRowsCg(
        this.factors(side),
        fixed,
        this.rows[side],
        this.gram,
        k,
        cgSteps,
        bounds[block]!,
        bounds[block + 1]!,
        this.scratch,
      );
      return;
    }
    const bounds = this.reduceBounds[side];
    if (task === TASK.gram) {
      const off = block * k * k;
      this.gramParts.fill(0, off, off + k * k);
      addGramUpper(this.factors(side), k, bounds[block]!, bounds[block + 1]!, this.gramParts, off);
      return;
    }
    // Loss blocks run over users only.
    this.lossParts[block] = observedLoss(
      this.users,
      this.items,
      this.rows[0],
      k,
      bounds[block]!,
      bounds[block + 1]!,
    );
  }
}
