import { createRng } from '../gbdt/index.ts';
import type { Interactions } from './interactions.ts';
import { better, topK } from './top-k.ts';

/** What every model offers the harness, so all are evaluated the same way. */
export interface Recommender {
  /** Learns from the training interactions (seeded and deterministic). */
  fit(train: Interactions): void;
  /** Writes a score for every item into `out` (length = number of items); higher is better. */
  scoreUser(user: number, out: Float32Array): void;
}

/** Options of {@link evaluateRecommender}. */
export interface EvaluateOptions {
  /** Cut-off K of every metric (default 10). */
  k?: number;
  /** `full`: rank every item the user has not trained on; `sampled`: target vs `negatives` unseen items. */
  protocol?: 'full' | 'sampled';
  /** Negatives per user in the sampled protocol (default 100). */
  negatives?: number;
  /** Seed of the negative sampling (default 42). */
  seed?: number;
  /** Other held-out items per user (-1 for none) that must not be drawn as negatives. */
  alsoHeldOut?: Int32Array;
}

/** Ranking metrics averaged over evaluated users; coverage and bias are over the top-K lists. */
export interface EvaluationResult {
  k: number;
  protocol: 'full' | 'sampled';
  users: number;
  /** Share of users with at least one target in their top K. */
  hr: number;
  /** Mean over users of (targets in the top K) / (number of targets); equals `hr` with one target per user. */
  recall: number;
  ndcg: number;
  mrr: number;
  /** Share of the catalogue in any user's top-K (full protocol only; 0 for sampled). */
  coverage: number;
  /** Mean training popularity of recommended items over the catalogue mean (full protocol only). */
  popularityBias: number;
}

/**
 * Scores each user with a target (`targets[u] >= 0`) and ranks the target. Ties go to the lower
 * item index, as in {@link topK}. The model must already be fitted on `train`.
 */
export function evaluateRecommender(
  model: Recommender,
  train: Interactions,
  targets: Int32Array,
  options: EvaluateOptions = {},
): EvaluationResult {
  const k = options.k ?? 10;
  const protocol = options.protocol ?? 'full';
  const { indptr, indices } = train.byUser;
  const scores = new Float32Array(train.nItems);
  const seen = new Uint8Array(train.nItems);
  const rng = createRng(options.seed ?? 42);
  const acc = new MetricSums(train, k);
  for (let u = 0; u < train.nUsers; u++) {
    const target = targets[u]!;
    if (target < 0) continue;
    for (let p = indptr[u]!; p < indptr[u + 1]!; p++) seen[indices[p]!] = 1;
    model.scoreUser(u, scores);
    if (protocol === 'full') {
      // The metrics only need ranks up to K: the target's place in the top-K list (same order and
      // NaN rule as fullRank) saves a second pass over the catalogue.
      const list = topK(scores, k, seen);
      const at = list.indexOf(target);
      acc.addRank(at >= 0 ? at + 1 : Number.POSITIVE_INFINITY);
      acc.addList(list);
    } else {
      const other = options.alsoHeldOut?.[u] ?? -1;
      const negatives = sampleNegatives(seen, target, other, options.negatives ?? 100, rng);
      acc.addRank(sampledRank(scores, target, negatives));
    }
    for (let p = indptr[u]!; p < indptr[u + 1]!; p++) seen[indices[p]!] = 0;
  }
  return acc.result(protocol);
}

/** Each user's held-out items as rows: user u's targets are `indices[indptr[u]..indptr[u+1])`. */
export interface UserTargets {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
}

/**
 * Full ranking with several targets per user (the time split: every item after the cut-off).
 * HR@K: at least one target in the top K; Recall@K: targets found / targets; NDCG@K: DCG over the
 * ideal DCG of min(K, targets) hits; MRR@K: 1 / rank of the first target found. With one target
 * per user this gives exactly the numbers of {@link evaluateRecommender}'s full protocol.
 */
export function evaluateTargets(
  model: Recommender,
  train: Interactions,
  targets: UserTargets,
  options: { k?: number } = {},
): EvaluationResult {
  const k = options.k ?? 10;
  const { indptr, indices } = train.byUser;
  const scores = new Float32Array(train.nItems);
  const seen = new Uint8Array(train.nItems);
  const isTarget = new Uint8Array(train.nItems);
  const acc = new MetricSums(train, k);
  for (let u = 0; u < train.nUsers; u++) {
    const from = targets.indptr[u]!;
    const to = targets.indptr[u + 1]!;
    if (to === from) continue;
    for (let p = indptr[u]!; p < indptr[u + 1]!; p++) seen[indices[p]!] = 1;
    for (let p = from; p < to; p++) isTarget[targets.indices[p]!] = 1;
    model.scoreUser(u, scores);
    const list = topK(scores, k, seen);
    acc.addHits(list, isTarget, to - from);
    acc.addList(list);
    for (let p = indptr[u]!; p < indptr[u + 1]!; p++) seen[indices[p]!] = 0;
    for (let p = from; p < to; p++) isTarget[targets.indices[p]!] = 0;
  }
  return acc.result('full');
}

/** The user's top-K items, best first, with the user's training items filtered out. */
export function recommendTopK(model: Recommender, train: Interactions, user: number, k: number): Int32Array {
  const scores = new Float32Array(train.nItems);
  const seen = new Uint8Array(train.nItems);
  const { indptr, indices } = train.byUser;
  for (let p = indptr[user]!; p < indptr[user + 1]!; p++) seen[indices[p]!] = 1;
  model.scoreUser(user, scores);
  return topK(scores, k, seen);
}

/** 1-based rank of `target` among items not marked `seen`; a NaN target score ranks last. */
export function fullRank(scores: Float32Array, target: number, seen: Uint8Array): number {
  const s = scores[target]!;
  if (Number.isNaN(s)) return Number.POSITIVE_INFINITY;
  let rank = 1;
  for (let i = 0; i < scores.length; i++) {
    if (!seen[i] && i !== target && better(scores[i]!, i, s, target)) rank++;
  }
  return rank;
}

/** 1-based rank of `target` among itself and the `negatives`. */
export function sampledRank(scores: Float32Array, target: number, negatives: Int32Array): number {
  const s = scores[target]!;
  if (Number.isNaN(s)) return Number.POSITIVE_INFINITY;
  let rank = 1;
  for (const i of negatives) if (better(scores[i]!, i, s, target)) rank++;
  return rank;
}

/** Draws distinct items the user never interacted with (not seen, not the target, not `other`). */
export function sampleNegatives(
  seen: Uint8Array,
  target: number,
  other: number,
  count: number,
  rng: () => number,
): Int32Array {
  const nItems = seen.length;
  let available = 0;
  for (let i = 0; i < nItems; i++) if (!seen[i] && i !== target && i !== other) available++;
  const n = Math.min(count, available);
  const out = new Int32Array(n);
  const chosen = new Set<number>();
  while (chosen.size < n) {
    const i = Math.floor(rng() * nItems);
    if (seen[i] || i === target || i === other || chosen.has(i)) continue;
    out[chosen.size] = i;
    chosen.add(i);
  }
  return out;
}

/** Normalised discounted cumulative gain of a single target at a 1-based rank. */
export function ndcgAt(rank: number, k: number): number {
  return rank <= k ? 1 / Math.log2(rank + 1) : 0;
}

class MetricSums {
  private users = 0;
  private hits = 0;
  private recall = 0;
  private ndcg = 0;
  private mrr = 0;
  private listed = 0;
  private popularitySum = 0;
  private readonly covered: Uint8Array;
  private readonly popularity: Int32Array;

  constructor(
    private readonly train: Interactions,
    private readonly k: number,
  ) {
    this.covered = new Uint8Array(train.nItems);
    const { indptr } = train.byItem;
    this.popularity = new Int32Array(train.nItems);
    for (let i = 0; i < train.nItems; i++) this.popularity[i] = indptr[i + 1]! - indptr[i]!;
  }

  addRank(rank: number): void {
    this.users++;
    if (rank > this.k) return;
    this.hits++;
    this.recall += 1;
    this.ndcg += ndcgAt(rank, this.k);
    this.mrr += 1 / rank;
  }

  /** One user's top-K `list` against `nTargets` targets marked in `isTarget`. */
  addHits(list: Int32Array, isTarget: Uint8Array, nTargets: number): void {
    this.users++;
    let found = 0;
    let dcg = 0;
    let first = 0;
    for (let r = 0; r < list.length; r++) {
      if (!isTarget[list[r]!]) continue;
      found++;
      dcg += ndcgAt(r + 1, this.k);
      if (first === 0) first = r + 1;
    }
    if (found === 0) return;
    let ideal = 0;
    for (let r = 1; r <= Math.min(this.k, nTargets); r++) ideal += ndcgAt(r, this.k);
    this.hits++;
    this.recall += found / nTargets;
    this.ndcg += dcg / ideal;
    this.mrr += 1 / first;
  }

  addList(items: Int32Array): void {
    for (const i of items) {
      this.covered[i] = 1;
      this.popularitySum += this.popularity[i]!;
    }
    this.listed += items.length;
  }

  result(protocol: 'full' | 'sampled'): EvaluationResult {
    const n = Math.max(1, this.users);
    let coveredItems = 0;
    for (const c of this.covered) coveredItems += c;
    const catalogueMean = this.train.byItem.indices.length / Math.max(1, this.train.nItems);
    const listedMean = this.listed > 0 ? this.popularitySum / this.listed : 0;
    return {
      k: this.k,
      protocol,
      users: this.users,
      hr: this.hits / n,
      recall: this.recall / n,
      ndcg: this.ndcg / n,
      mrr: this.mrr / n,
      coverage: coveredItems / Math.max(1, this.train.nItems),
      popularityBias: catalogueMean > 0 ? listedMean / catalogueMean : 0,
    };
  }
}
