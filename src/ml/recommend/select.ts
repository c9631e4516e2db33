import { createRng } from '../gbdt/index.ts';
import type { ItemFeatures } from './content.ts';
import { type EvaluationResult, evaluateRecommender, evaluateTargets, type UserTargets } from './evaluate.ts';
import type { Interactions } from './interactions.ts';
import { createRecommender } from './load.ts';
import type { RecommenderKind, ServingRecommender } from './serving.ts';
import { splitByTime, splitLeaveOneOut } from './split.ts';

/** One point of a training curve (ALS: one per iteration). */
export interface CurvePoint {
  iteration: number;
  loss?: number;
  ndcg?: number;
  seconds: number;
}

/** One model tried during selection, with its validation result and fit time. */
export interface Candidate {
  kind: RecommenderKind;
  params: Record<string, unknown>;
  validation: EvaluationResult;
  /** Seconds to fit on the validation training data. */
  seconds: number;
  curve?: CurvePoint[];
}

/** The winner, every candidate tried, and the winner refitted on all of the data. */
export interface Selection {
  best: Candidate;
  candidates: Candidate[];
  model: ServingRecommender;
  /** Seconds of the final fit of the winner on all of the data. */
  fitSeconds: number;
  /** Wall-clock seconds of the whole selection, refit included. */
  seconds: number;
}

/** Options of {@link selectRecommender}. */
export interface SelectOptions {
  /** Kinds to try (default: popularity, item-knn, als, ease when small enough, content when features are given). */
  kinds?: RecommenderKind[];
  /** EASE is tried only when the catalogue has at most this many items (default 25,000: n² float32 ≤ 2.5 GB). */
  easeMaxItems?: number;
  seed?: number;
  /** Cut-off of the validation NDCG (default 10). */
  k?: number;
  /** No new candidate starts once this many seconds have passed (the first one always runs). */
  budgetSeconds?: number;
  onCandidate?: (c: Candidate) => void;
  itemFeatures?: ItemFeatures;
  /** Validation protocol (default `full`; `sampled` for the older papers' sampled-100 rows). */
  protocol?: 'full' | 'sampled';
  /** Validate on at most this many users, drawn with the seed (default 20,000): bounds the cost on big sets. */
  maxValidationUsers?: number;
  /** Replaces the built-in grid of a kind. */
  grids?: Partial<Record<RecommenderKind, Record<string, unknown>[]>>;
  /**
   * What candidates predict on validation: each user's last item (`leave-one-out`, the default),
   * or every new item after a cut-off in time (`time`: the latest `validationFraction` of the
   * interactions, default 0.1) — choose `time` when the model will be judged on a time split.
   */
  validation?: 'leave-one-out' | 'time';
  validationFraction?: number;
}

const AUTO_KINDS: readonly RecommenderKind[] = ['popularity', 'item-knn', 'als', 'ease', 'content'];

/**
 * The small hyper-parameter grid of each kind, best guesses first (a budget cut keeps them).
 * item-kNN: neighbours × shrinkage (the weighted variant only when the weights are not all 1).
 */
export function defaultGrid(
  kind: RecommenderKind,
  data: Interactions,
  protocol: 'full' | 'sampled' = 'full',
): Record<string, unknown>[] {
  switch (kind) {
    case 'popularity': {
      const span = timeSpan(data);
      // Half-lives from an eighth of the span down to about a day on a year of data: how fast
      // taste moves differs by shop, and popularity candidates cost next to nothing.
      return span > 0 ? [{}, ...[8, 32, 128, 512].map((part) => ({ halfLife: span / part }))] : [{}];
    }
    case 'item-knn': {
      const weightings = hasWeights(data) ? [false, true] : [false];
      return weightings.flatMap((weighted) =>
        [
          { k: 100, shrinkage: 10 },
          { k: 200, shrinkage: 0 },
          { k: 200, shrinkage: 50 },
          { k: 200, shrinkage: 150 },
          { k: 50, shrinkage: 10 },
        ].map((p) => (weighted ? { ...p, weighted } : p)),
      );
    }
    case 'als': {
      // λ/α between 1 and 3 covered every set's best (docs/recommend-tuning.md); the sampled-100 protocol
      // wants far stronger λ and α (Video: λ 1000, α 300, the peer's setting). 128 factors last (they
      // cost about 3× the fit): validation picks them on ml-100k and BERT4Rec Beauty, where they
      // beat the 64-factor peers on test.
      const full = [
        [10, 3, 64],
        [10, 10, 64],
        [100, 30, 64],
        [100, 100, 64],
        [300, 100, 64],
        [30, 3, 128],
        [100, 100, 128],
      ];
      const points = protocol === 'sampled' ? [...full, [1000, 300, 64]] : full;
      return points.map(([regularization, alpha, factors]) => ({ factors, regularization, alpha }));
    }
    case 'ease':
      // The inverse costs items³: a grid on small catalogues, two points on large ones (the sparse
      // Amazon sets want a weak λ: Beauty's validation picks 50 of 30…200; ml-100k 150).
      return data.nItems <= 5_000
        ? [{ lambda: 150 }, { lambda: 300 }, { lambda: 600 }]
        : [{ lambda: 50 }, { lambda: 200 }];
    case 'content':
      return [{}];
    default:
      return [];
  }
}

/**
 * Picks the model with the best validation NDCG@k: each user's last item is held out of `data`
 * (leave-one-out by time; or the latest interactions, `validation: 'time'`), every candidate is
 * fitted on the rest and ranks all items (or the target against 100 sampled ones); the winner is
 * refitted on all of `data`. Deterministic for a seed.
 */
export async function selectRecommender(data: Interactions, options: SelectOptions = {}): Promise<Selection> {
  const started = performance.now();
  const easeMaxItems = options.easeMaxItems ?? 25_000;
  const kinds = (options.kinds ?? AUTO_KINDS).filter(
    (kind) =>
      (kind !== 'ease' || data.nItems <= easeMaxItems) &&
      (kind !== 'content' || options.itemFeatures !== undefined),
  );
  if (kinds.length === 0) throw new Error('no recommender kind to select from');
  const validation = validationSplit(data, options);
  const context = options.itemFeatures ? { itemFeatures: options.itemFeatures } : {};
  const candidates: Candidate[] = [];
  for (const kind of kinds) {
    for (const params of options.grids?.[kind] ?? defaultGrid(kind, data, options.protocol)) {
      const elapsed = (performance.now() - started) / 1000;
      if (options.budgetSeconds !== undefined && candidates.length > 0 && elapsed > options.budgetSeconds)
        break;
      const curve: CurvePoint[] = [];
      const model = createRecommender(kind, withRuntime(kind, params, options.seed, curve), context);
      const fitStart = performance.now();
      model.fit(validation.train);
      const seconds = (performance.now() - fitStart) / 1000;
      const result = validation.evaluate(model);
      const candidate: Candidate = {
        kind,
        params,
        validation: result,
        seconds,
        ...(curve.length ? { curve } : {}),
      };
      candidates.push(candidate);
      options.onCandidate?.(candidate);
      // Let the event loop breathe between candidates (fits themselves are synchronous).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const best = bestCandidate(candidates);
  const model = createRecommender(best.kind, withRuntime(best.kind, best.params, options.seed, []), context);
  const fitStart = performance.now();
  model.fit(data);
  const fitSeconds = (performance.now() - fitStart) / 1000;
  return { best, candidates, model, fitSeconds, seconds: (performance.now() - started) / 1000 };
}

/** Highest validation NDCG; ties keep the earlier (simpler, cheaper) candidate. */
export function bestCandidate(candidates: readonly Candidate[]): Candidate {
  let best = candidates[0];
  if (!best) throw new Error('no candidate');
  for (const c of candidates) if (c.validation.ndcg > best.validation.ndcg) best = c;
  return best;
}

/** Options that are not hyper-parameters: the seed and, for iterative models, the curve recorder. */
function withRuntime(
  kind: RecommenderKind,
  params: Record<string, unknown>,
  seed: number | undefined,
  curve: CurvePoint[],
): Record<string, unknown> {
  if (kind !== 'als') return params;
  const onIteration = (info: { iteration: number; loss?: number; seconds: number }) => {
    curve.push({ ...info });
  };
  return { seed: seed ?? 1, ...params, onIteration };
}

/** The training data candidates are fitted on, and how a fitted candidate is scored. */
interface ValidationSplit {
  train: Interactions;
  evaluate(model: ServingRecommender): EvaluationResult;
}

function validationSplit(data: Interactions, options: SelectOptions): ValidationSplit {
  const max = options.maxValidationUsers ?? 20_000;
  const seed = options.seed ?? 1;
  const k = options.k ?? 10;
  if ((options.validation ?? 'leave-one-out') === 'time') {
    if (options.protocol === 'sampled') throw new Error('time validation ranks all items: use protocol full');
    const split = splitByTime(data, { testFraction: options.validationFraction ?? 0.1 });
    if (split.users === 0)
      throw new Error('time validation: no user has history before the cut-off and new items after it');
    const targets = sampleTargetUsers(split.test, max, seed);
    return { train: split.train, evaluate: (model) => evaluateTargets(model, split.train, targets, { k }) };
  }
  const split = splitLeaveOneOut(data);
  const targets = sampleTargetUsers(targetsOf(split.test), max, seed);
  return {
    train: split.train,
    evaluate: (model) =>
      evaluateRecommender(model, split.train, oneTargetEach(targets, data.nUsers), {
        k,
        protocol: options.protocol ?? 'full',
        seed: options.seed ?? 42,
      }),
  };
}

/** Leave-one-out targets (one item per user, -1: none) as per-user lists. */
function targetsOf(test: Int32Array): UserTargets {
  const indptr = new Int32Array(test.length + 1);
  const indices: number[] = [];
  for (let u = 0; u < test.length; u++) {
    if (test[u]! >= 0) indices.push(test[u]!);
    indptr[u + 1] = indices.length;
  }
  return { indptr, indices: Int32Array.from(indices) };
}

/** Per-user lists holding at most one item each, back to one item per user (-1: none). */
function oneTargetEach(targets: UserTargets, nUsers: number): Int32Array {
  const out = new Int32Array(nUsers).fill(-1);
  for (let u = 0; u < nUsers; u++)
    if (targets.indptr[u + 1]! > targets.indptr[u]!) out[u] = targets.indices[targets.indptr[u]!]!;
  return out;
}

/** Keeps the targets of at most `max` of the users that have any, drawn with the seed. */
function sampleTargetUsers(targets: UserTargets, max: number, seed: number): UserTargets {
  const nUsers = targets.indptr.length - 1;
  const users: number[] = [];
  for (let u = 0; u < nUsers; u++) if (targets.indptr[u + 1]! > targets.indptr[u]!) users.push(u);
  if (users.length <= max) return targets;
  const rng = createRng(seed);
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rng() * (users.length - i));
    [users[i], users[j]] = [users[j]!, users[i]!];
  }
  const keep = new Uint8Array(nUsers);
  for (let i = 0; i < max; i++) keep[users[i]!] = 1;
  const indptr = new Int32Array(nUsers + 1);
  const indices: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    if (keep[u])
      for (let p = targets.indptr[u]!; p < targets.indptr[u + 1]!; p++) indices.push(targets.indices[p]!);
    indptr[u + 1] = indices.length;
  }
  return { indptr, indices: Int32Array.from(indices) };
}

function hasWeights(data: Interactions): boolean {
  for (const w of data.byUser.weights) if (w !== 1) return true;
  return false;
}

function timeSpan(data: Interactions): number {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const t of data.byUser.times) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return max > min ? max - min : 0;
}
