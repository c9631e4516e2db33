import { addGramLower, addToDiagonal, type SpdKernels } from '../linalg/kernels.ts';
import { keepTopPerColumn, type SparseRows } from '../linalg/sparse-columns.ts';
import { TypeScriptSpdKernels } from '../linalg/typescript-kernels.ts';
import { WasmSpdKernels } from '../linalg/wasm-kernels.ts';
import type { Interactions } from './interactions.ts';
import type { Contribution, History, SavedRecommender, ScoredItems, ServingRecommender } from './serving.ts';
import { topK } from './top-k.ts';

/** Options of {@link EaseRecommender}. */
export interface EaseOptions {
  /** L2 regularisation λ added to the Gram matrix's diagonal (default 500). */
  lambda?: number;
  /** Accepted for the common model interface; EASE has a closed form and no randomness (default 1). */
  seed?: number;
  /** Weights kept per target item, by magnitude, in the saved (sparse) form (default 256). */
  keepPerItem?: number;
  /** Threads for the dense inverse, the caller included (default: the cores, at most 2). */
  threads?: number;
  /** `wasm` (default) or the plain `typescript` reference kernels (float64; for tests). */
  kernels?: 'wasm' | 'typescript';
}

const SAVED_VERSION = 1;

/** Item-to-item weights B, by rows: a history item h adds w_h · B(h, t) to every target t. */
interface EaseWeights {
  addRow(h: number, weight: number, out: Float32Array): void;
  weight(h: number, t: number): number;
  /** Row h's entries (targets and weights); a dense row lists every item. */
  row(h: number): { items: Int32Array | null; values: Float32Array };
}

/**
 * EASE (Steck 2019): B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹ and B's diagonal zero; a
 * user's scores are x_u·B. The inverse of the items × items Gram matrix is the whole cost (n³
 * flops, float32 WASM kernels in src/ml/linalg); after `fit` scoring uses the dense B, and the
 * saved form keeps the `keepPerItem` largest weights of each target column.
 */
export class EaseRecommender implements ServingRecommender {
  readonly kind = 'ease' as const;
  private weights: EaseWeights = new DenseWeights(new Float32Array(0), 0, 0);
  private train: Interactions | undefined;
  private items = 0;

  constructor(private readonly options: EaseOptions = {}) {}

  get nItems(): number {
    return this.items;
  }

  /** Seconds of the last fit's steps: Gram matrix, inverse, weights (for benchmarks). */
  fitTimings = { gram: 0, inverse: 0, weights: 0 };

  fit(train: Interactions): void {
    const started = performance.now();
    const n = train.nItems;
    const kernels: SpdKernels =
      this.options.kernels === 'typescript'
        ? new TypeScriptSpdKernels('f64')
        : new WasmSpdKernels({ threads: this.options.threads });
    const m = kernels.allocate(n);
    addGramLower(m, train.byUser);
    addToDiagonal(m, this.options.lambda ?? 500);
    const inverting = performance.now();
    kernels.invertSpd(m);
    const weighting = performance.now();
    // B(i, j) = −P(i, j) / P(j, j); the diagonal is forced to zero.
    const scale = new Float32Array(n);
    for (let j = 0; j < n; j++) scale[j] = -1 / m.data[j * m.stride + j]!;
    kernels.scaleColumns(m, scale);
    for (let j = 0; j < n; j++) m.data[j * m.stride + j] = 0;
    kernels.close();
    const data = m.data instanceof Float32Array ? m.data : Float32Array.from(m.data);
    this.weights = new DenseWeights(data, n, m.stride);
    const seconds = (from: number, to: number) => (to - from) / 1000;
    this.fitTimings = {
      gram: seconds(started, inverting),
      inverse: seconds(inverting, weighting),
      weights: seconds(weighting, performance.now()),
    };
    this.train = train;
    this.items = n;
  }

  /**
   * x_u·B over the user's training items (0/1). A loaded model has no training rows (the saved
   * form is B alone): it throws, and serving scores members through {@link scoreHistory}.
   */
  scoreUser(user: number, out: Float32Array): void {
    out.fill(0);
    const train = this.train;
    if (!train) throw new Error('this EASE model was loaded without training rows: use scoreHistory');
    if (user < 0 || user >= train.nUsers) return;
    const { indptr, indices } = train.byUser;
    for (let p = indptr[user]!; p < indptr[user + 1]!; p++) this.weights.addRow(indices[p]!, 1, out);
  }

  /** Σ_h w_h · B(h, ·) over the history. */
  scoreHistory(history: History, out: Float32Array): void {
    out.fill(0);
    for (let h = 0; h < history.items.length; h++) {
      const item = history.items[h] as number;
      if (item >= 0 && item < this.items) this.weights.addRow(item, history.weights[h] as number, out);
    }
  }

  /** The targets `item` raises most: the largest entries of B's row for `item`. */
  similar(item: number, k: number): ScoredItems {
    if (item < 0 || item >= this.items || k <= 0)
      return { items: new Int32Array(0), scores: new Float32Array(0) };
    const { items, values } = this.weights.row(item);
    const candidates = Float32Array.from(values);
    if (items === null) candidates[item] = Number.NaN;
    const best = topK(candidates, k);
    const chosen = items === null ? best : best.map((b) => items[b]!);
    return { items: chosen, scores: Float32Array.from(best, (b) => candidates[b]!) };
  }

  /** w_h · B(h, target) for the history items that raise the target, largest first. */
  explain(history: History, target: number, top: number): Contribution[] {
    if (target < 0 || target >= this.items) return [];
    const sums = new Map<number, number>();
    for (let h = 0; h < history.items.length; h++) {
      const item = history.items[h] as number;
      if (item < 0 || item >= this.items || item === target) continue;
      const c = (history.weights[h] as number) * this.weights.weight(item, target);
      sums.set(item, (sums.get(item) ?? 0) + c);
    }
    const out: Contribution[] = [];
    for (const [item, contribution] of sums) if (contribution > 0) out.push({ item, contribution });
    out.sort((a, b) => b.contribution - a.contribution || a.item - b.item);
    return out.slice(0, Math.max(0, top));
  }

  /** The sparse form: each target column's `keepPerItem` largest weights by magnitude. */
  save(): SavedRecommender {
    const keep = this.options.keepPerItem ?? 256;
    const sparse =
      this.weights instanceof DenseWeights
        ? keepTopPerColumn(this.weights.matrix(), keep)
        : (this.weights as SparseWeights).rows;
    return {
      kind: this.kind,
      version: SAVED_VERSION,
      nItems: this.items,
      params: { lambda: this.options.lambda ?? 500, keepPerItem: keep },
      arrays: { indptr: sparse.indptr, indices: sparse.indices, values: sparse.values },
    };
  }

  static load(saved: SavedRecommender): EaseRecommender {
    if (saved.kind !== 'ease' || saved.version !== SAVED_VERSION)
      throw new Error(`cannot load ${saved.kind} version ${saved.version} as ease v${SAVED_VERSION}`);
    const { indptr, indices, values } = saved.arrays;
    if (
      !(indptr instanceof Int32Array) ||
      !(indices instanceof Int32Array) ||
      !(values instanceof Float32Array) ||
      indptr.length !== saved.nItems + 1 ||
      indices.length !== values.length
    )
      throw new Error('saved ease model has no valid sparse weights');
    const { lambda, keepPerItem } = saved.params;
    const model = new EaseRecommender({
      lambda: typeof lambda === 'number' ? lambda : undefined,
      keepPerItem: typeof keepPerItem === 'number' ? keepPerItem : undefined,
    });
    model.weights = new SparseWeights({ indptr, indices, values });
    model.items = saved.nItems;
    return model;
  }
}

class DenseWeights implements EaseWeights {
  constructor(
    private readonly data: Float32Array,
    private readonly n: number,
    private readonly stride: number,
  ) {}

  addRow(h: number, weight: number, out: Float32Array): void {
    const { data, n } = this;
    const row = h * this.stride;
    for (let j = 0; j < n; j++) out[j]! += weight * data[row + j]!;
  }

  weight(h: number, t: number): number {
    return this.data[h * this.stride + t]!;
  }

  row(h: number): { items: null; values: Float32Array } {
    return { items: null, values: this.data.subarray(h * this.stride, h * this.stride + this.n) };
  }

  matrix(): { n: number; stride: number; data: Float32Array } {
    return { n: this.n, stride: this.stride, data: this.data };
  }
}

class SparseWeights implements EaseWeights {
  constructor(readonly rows: SparseRows) {}

  addRow(h: number, weight: number, out: Float32Array): void {
    const { indptr, indices, values } = this.rows;
    for (let q = indptr[h]!; q < indptr[h + 1]!; q++) out[indices[q]!]! += weight * values[q]!;
  }

  weight(h: number, t: number): number {
    const { indptr, indices, values } = this.rows;
    let lo = indptr[h]!;
    let hi = indptr[h + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (indices[mid]! === t) return values[mid]!;
      if (indices[mid]! < t) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  row(h: number): { items: Int32Array; values: Float32Array } {
    const { indptr, indices, values } = this.rows;
    return {
      items: indices.subarray(indptr[h]!, indptr[h + 1]!),
      values: values.subarray(indptr[h]!, indptr[h + 1]!),
    };
  }
}
