import { availableParallelism } from 'node:os';
import { createRng } from '../gbdt/index.ts';
import { choleskyInPlace, choleskySolve } from './als-dense.ts';
import { type ConfidenceRows, symmetrize } from './als-kernels.ts';
import { closeAlsWorkers, type PhaseRunner, phaseRunner } from './als-pool.ts';
import { createBuffers, type Side, TASK, Workspace } from './als-workspace.ts';
import type { Csr, Interactions } from './interactions.ts';
import type { Contribution, History, SavedRecommender, ScoredItems, ServingRecommender } from './serving.ts';
import { topK } from './top-k.ts';

export { closeAlsWorkers };

/** Progress of one ALS iteration, for training curves. */
export interface AlsIteration {
  iteration: number;
  /** The weighted objective after the iteration (regularisation included). */
  loss: number;
  /** Seconds since `fit` started. */
  seconds: number;
}

/** Options of {@link AlsRecommender}. */
export interface AlsOptions {
  /** Latent factors per user and item (default 64). */
  factors?: number;
  /** λ, the L2 penalty on every factor vector (default 10). */
  regularization?: number;
  /** α in the confidence c = 1 + α·w of an observed pair (default 10). */
  alpha?: number;
  /** Alternating passes over users and items (default 15). */
  iterations?: number;
  /** Conjugate-gradient steps per row per pass, warm-started from the previous factors (default 3). */
  cgSteps?: number;
  /** Seed of the initial factors (default 1). */
  seed?: number;
  /** Threads in all, the calling one included (default: available parallelism, at most 4). */
  threads?: number;
  /** Called after every iteration with the objective (computing it costs one pass over the pairs). */
  onIteration?: (info: AlsIteration) => void;
}

const SAVED_VERSION = 1;
/** Scale of the initial factors: small, so the first solves are driven by the data. */
const INIT_SCALE = 0.01;

/**
 * Implicit-feedback matrix factorisation (Hu, Koren, Volinsky 2008) with the conjugate-gradient
 * solver: each pass re-solves every user (then every item) against the other side's factors with a
 * few CG steps from the previous value. A user's score for an item is x_u·y_i. Histories of
 * members unseen in training are folded in by solving their vector exactly with the items fixed,
 * which also makes scores decompose over history items for explanations.
 */
export class AlsRecommender implements ServingRecommender {
  readonly kind = 'als' as const;
  readonly factors: number;
  readonly regularization: number;
  readonly alpha: number;
  readonly iterations: number;
  readonly cgSteps: number;
  readonly seed: number;
  private readonly threads: number;
  private readonly onIteration: AlsOptions['onIteration'];
  private userFactors: Float32Array = new Float32Array(0);
  private itemFactors: Float32Array = new Float32Array(0);
  private itemCount = 0;
  /** YᵀY of the item factors (lazily, for fold-in). */
  private itemGram: Float64Array | undefined;
  private itemNorms: Float32Array | undefined;
  private readonly row: Float64Array;

  constructor(options: AlsOptions = {}) {
    this.factors = options.factors ?? 64;
    this.regularization = options.regularization ?? 10;
    this.alpha = options.alpha ?? 10;
    this.iterations = options.iterations ?? 15;
    this.cgSteps = options.cgSteps ?? 3;
    this.seed = options.seed ?? 1;
    this.threads = options.threads ?? Math.min(availableParallelism(), 4);
    this.onIteration = options.onIteration;
    if (!(Number.isInteger(this.factors) && this.factors > 0))
      throw new Error('ALS: factors must be a positive integer');
    if (!(this.regularization > 0)) throw new Error('ALS: regularization must be positive');
    if (!(this.alpha >= 0)) throw new Error('ALS: alpha must be non-negative');
    this.row = new Float64Array(this.factors);
  }

  get nItems(): number {
    return this.itemCount;
  }

  get nUsers(): number {
    return this.userFactors.length / this.factors;
  }

  /** Copies of the fitted factors (users × k and items × k, row-major). */
  factorMatrices(): { users: Float32Array; items: Float32Array } {
    return { users: this.userFactors.slice(), items: this.itemFactors.slice() };
  }

  fit(train: Interactions): void {
    const k = this.factors;
    const lambda = this.regularization;
    const rng = createRng(this.seed);
    const users = new Float64Array(train.nUsers * k);
    const items = new Float64Array(train.nItems * k);
    for (let i = 0; i < users.length; i++) users[i] = rng() * INIT_SCALE;
    for (let i = 0; i < items.length; i++) items[i] = rng() * INIT_SCALE;
    const workspace = new Workspace(
      createBuffers({
        k,
        cgSteps: this.cgSteps,
        users,
        items,
        byUser: confidenceRows(train.byUser, this.alpha),
        byItem: confidenceRows(train.byItem, this.alpha),
      }),
    );
    const runner = phaseRunner(workspace, this.threads);
    const start = performance.now();
    try {
      let itemGram = reduceGram(workspace, runner, 1);
      for (let iteration = 1; iteration <= this.iterations; iteration++) {
        setSystem(workspace.gram, itemGram, lambda, k);
        runner.run(TASK.solve, 0);
        const userGram = reduceGram(workspace, runner, 0);
        setSystem(workspace.gram, userGram, lambda, k);
        runner.run(TASK.solve, 1);
        itemGram = reduceGram(workspace, runner, 1);
        if (this.onIteration) {
          const loss = objective(workspace, runner, userGram, itemGram, lambda);
          this.onIteration({ iteration, loss, seconds: (performance.now() - start) / 1000 });
        }
      }
    } finally {
      runner.release();
    }
    this.userFactors = Float32Array.from(workspace.users);
    this.itemFactors = Float32Array.from(workspace.items);
    this.itemCount = train.nItems;
    this.itemGram = undefined;
    this.itemNorms = undefined;
  }

  scoreUser(user: number, out: Float32Array): void {
    const k = this.factors;
    if (user < 0 || user >= this.nUsers) throw new Error(`ALS: user ${user} is not in the fitted data`);
    const row = this.row;
    for (let j = 0; j < k; j++) row[j] = this.userFactors[user * k + j]!;
    this.scoreVector(row, out);
  }

  scoreHistory(history: History, out: Float32Array): void {
    this.scoreVector(this.foldIn(history), out);
  }

  /**
   * The user vector that the fit would give a user with this history if the item factors were
   * final: the exact solution of (YᵀY + λI + Σ α·w y yᵀ) x = Σ (1 + α·w) y. Repeated items are
   * merged with their weights summed, as in training.
   */
  foldIn(history: History): Float64Array {
    const { items, confidence } = mergeHistory(history, this.nItems, this.alpha);
    const x = new Float64Array(this.factors);
    if (items.length === 0) return x;
    const system = this.historySystem(items, confidence);
    const k = this.factors;
    for (let h = 0; h < items.length; h++) {
      const c = 1 + confidence[h]!;
      const yo = items[h]! * k;
      for (let j = 0; j < k; j++) x[j]! += c * this.itemFactors[yo + j]!;
    }
    choleskySolve(system, k, x);
    return x;
  }

  similar(item: number, k: number): ScoredItems {
    const n = this.nItems;
    if (item < 0 || item >= n) return { items: new Int32Array(0), scores: new Float32Array(0) };
    const norms = this.norms();
    const f = this.factors;
    const scores = new Float32Array(n);
    const row = this.row;
    for (let j = 0; j < f; j++) row[j] = this.itemFactors[item * f + j]!;
    this.scoreVector(row, scores);
    const own = norms[item]!;
    for (let i = 0; i < n; i++) {
      const d = own * norms[i]!;
      scores[i] = d > 0 ? scores[i]! / d : 0;
    }
    const skip = new Uint8Array(n);
    skip[item] = 1;
    const top = topK(scores, k, skip);
    return { items: top, scores: Float32Array.from(top, (i) => scores[i]!) };
  }

  /**
   * The fold-in score of `target` split exactly over the history: with W = (YᵀCY + λI)⁻¹ the user
   * vector is W Σ c_h y_h, so score(t) = Σ_h c_h · y_t·W·y_h, and history item h contributes
   * c_h · y_t·W·y_h.
   */
  explain(history: History, target: number, top: number): Contribution[] {
    const { items, confidence } = mergeHistory(history, this.nItems, this.alpha);
    if (items.length === 0 || target < 0 || target >= this.nItems || top <= 0) return [];
    const k = this.factors;
    const system = this.historySystem(items, confidence);
    const z = new Float64Array(k);
    for (let j = 0; j < k; j++) z[j] = this.itemFactors[target * k + j]!;
    choleskySolve(system, k, z);
    const out: Contribution[] = [];
    for (let h = 0; h < items.length; h++) {
      const yo = items[h]! * k;
      let s = 0;
      for (let j = 0; j < k; j++) s += z[j]! * this.itemFactors[yo + j]!;
      out.push({ item: items[h]!, contribution: (1 + confidence[h]!) * s });
    }
    out.sort((a, b) => b.contribution - a.contribution || a.item - b.item);
    return out.slice(0, top);
  }

  save(): SavedRecommender {
    return {
      kind: 'als',
      version: SAVED_VERSION,
      nItems: this.nItems,
      params: {
        factors: this.factors,
        regularization: this.regularization,
        alpha: this.alpha,
        iterations: this.iterations,
        cgSteps: this.cgSteps,
        seed: this.seed,
      },
      arrays: { userFactors: this.userFactors.slice(), itemFactors: this.itemFactors.slice() },
    };
  }

  static load(saved: SavedRecommender): AlsRecommender {
    if (saved.kind !== 'als') throw new Error(`ALS: cannot load a saved ${saved.kind} model`);
    if (saved.version !== SAVED_VERSION) throw new Error(`ALS: unknown saved version ${saved.version}`);
    const p = saved.params as Record<string, number>;
    const model = new AlsRecommender({
      factors: p.factors,
      regularization: p.regularization,
      alpha: p.alpha,
      iterations: p.iterations,
      cgSteps: p.cgSteps,
      seed: p.seed,
    });
    const { userFactors, itemFactors } = saved.arrays;
    if (!(userFactors instanceof Float32Array) || !(itemFactors instanceof Float32Array))
      throw new Error('ALS: saved factors must be Float32Array');
    if (itemFactors.length !== saved.nItems * model.factors || userFactors.length % model.factors !== 0)
      throw new Error('ALS: saved factor sizes do not match');
    model.userFactors = userFactors;
    model.itemFactors = itemFactors;
    model.itemCount = saved.nItems;
    return model;
  }

  /** out[i] = x·y_i for every item; four items at a time share each load of x. */
  private scoreVector(x: Float64Array, out: Float32Array): void {
    const k = this.factors;
    const y = this.itemFactors;
    const n = this.nItems;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o0 = i * k;
      const o1 = o0 + k;
      const o2 = o1 + k;
      const o3 = o2 + k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < k; j++) {
        const v = x[j]!;
        s0 += y[o0 + j]! * v;
        s1 += y[o1 + j]! * v;
        s2 += y[o2 + j]! * v;
        s3 += y[o3 + j]! * v;
      }
      out[i] = s0;
      out[i + 1] = s1;
      out[i + 2] = s2;
      out[i + 3] = s3;
    }
    for (; i < n; i++) {
      const o = i * k;
      let s = 0;
      for (let j = 0; j < k; j++) s += y[o + j]! * x[j]!;
      out[i] = s;
    }
  }

  /** Cholesky factor of YᵀY + λI + Σ_h α·w_h y_h y_hᵀ for a merged history. */
  private historySystem(items: Int32Array, confidence: Float64Array): Float64Array {
    const k = this.factors;
    const system = new Float64Array(k * k);
    setSystem(system, this.gram(), this.regularization, k);
    for (let h = 0; h < items.length; h++) {
      const extra = confidence[h]!;
      const yo = items[h]! * k;
      for (let a = 0; a < k; a++) {
        const ya = extra * this.itemFactors[yo + a]!;
        const o = a * k;
        for (let b = 0; b <= a; b++) system[o + b]! += ya * this.itemFactors[yo + b]!;
      }
    }
    choleskyInPlace(system, k);
    return system;
  }

  private gram(): Float64Array {
    if (this.itemGram) return this.itemGram;
    const k = this.factors;
    const gram = new Float64Array(k * k);
    const y = this.itemFactors;
    for (let i = 0; i < this.nItems; i++) {
      const yo = i * k;
      for (let a = 0; a < k; a++) {
        const ya = y[yo + a]!;
        const o = a * k;
        for (let b = a; b < k; b++) gram[o + b]! += ya * y[yo + b]!;
      }
    }
    symmetrize(gram, k);
    this.itemGram = gram;
    return gram;
  }

  private norms(): Float32Array {
    if (this.itemNorms) return this.itemNorms;
    const k = this.factors;
    const norms = new Float32Array(this.nItems);
    for (let i = 0; i < this.nItems; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += this.itemFactors[i * k + j]! ** 2;
      norms[i] = Math.sqrt(s);
    }
    this.itemNorms = norms;
    return norms;
  }
}

/** The rows of one side with conf = α·w per observed pair. */
function confidenceRows(csr: Csr, alpha: number): ConfidenceRows {
  const conf = new Float32Array(csr.weights.length);
  for (let q = 0; q < conf.length; q++) conf[q] = alpha * csr.weights[q]!;
  return { indptr: csr.indptr, indices: csr.indices, conf };
}

/** Copies a Gram matrix and adds λ to its diagonal. */
function setSystem(out: Float64Array, gram: Float64Array, lambda: number, k: number): void {
  out.set(gram);
  for (let a = 0; a < k; a++) out[a * k + a]! += lambda;
}

/** Σ over the fixed blocks (in block order, so the rounding never depends on the threads) of Σ f fᵀ. */
function reduceGram(workspace: Workspace, runner: PhaseRunner, side: Side): Float64Array {
  const k = workspace.k;
  runner.run(TASK.gram, side);
  const gram = new Float64Array(k * k);
  const blocks = workspace.blockCount(TASK.gram, side);
  for (let b = 0; b < blocks; b++) {
    const off = b * k * k;
    for (let e = 0; e < k * k; e++) gram[e]! += workspace.gramParts[off + e]!;
  }
  symmetrize(gram, k);
  return gram;
}

/** Σ_ui c (p − x·y)² + λ(‖X‖² + ‖Y‖²) = observed corrections + ⟨XᵀX, YᵀY⟩ + λ(tr XᵀX + tr YᵀY). */
function objective(
  workspace: Workspace,
  runner: PhaseRunner,
  userGram: Float64Array,
  itemGram: Float64Array,
  lambda: number,
): number {
  const k = workspace.k;
  runner.run(TASK.loss, 0);
  let loss = 0;
  const blocks = workspace.blockCount(TASK.loss, 0);
  for (let b = 0; b < blocks; b++) loss += workspace.lossParts[b]!;
  for (let e = 0; e < k * k; e++) loss += userGram[e]! * itemGram[e]!;
  for (let a = 0; a < k; a++) loss += lambda * (userGram[a * k + a]! + itemGram[a * k + a]!);
  return loss;
}

/** A history's valid items with repeats merged (weights summed) and conf = α·w. */
function mergeHistory(
  history: History,
  nItems: number,
  alpha: number,
): { items: Int32Array; confidence: Float64Array } {
  const merged = new Map<number, number>();
  for (let h = 0; h < history.items.length; h++) {
    const item = history.items[h] as number;
    if (!Number.isInteger(item) || item < 0 || item >= nItems) continue;
    merged.set(item, (merged.get(item) ?? 0) + ((history.weights[h] as number) ?? 1));
  }
  return {
    items: Int32Array.from(merged.keys()),
    confidence: Float64Array.from(merged.values(), (w) => alpha * w),
  };
}
