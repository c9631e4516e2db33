import type { ListedCandidate } from './recommendations.filters.ts';
import type { DiversityMode } from './recommendations.types.ts';

// Diversity keeps a list from being ten phone cases: a per-category cap, and maximal marginal
// relevance (MMR), which trades an item's relevance against its similarity to what is already
// chosen. Relevance is taken from rank, not raw score, because pools mix model scores with
// popular padding whose scores are on another scale.

/** Similarity of two items in [0, 1]. */
export type ItemSimilarity = (a: ListedCandidate, b: ListedCandidate) => number;

export interface DiversifyOptions {
  mode: DiversityMode;
  limit: number;
  /** Items per top-level category at most (cap mode, and MMR when set); null for none. */
  categoryCap: number | null;
  /** MMR weight of relevance against novelty, in [0, 1]; 1 is plain ranking. */
  lambda: number;
  similarity: ItemSimilarity;
}

/** λ when the settings name none and the caller asks for MMR. */
export const DEFAULT_MMR_LAMBDA = 0.7;

/**
 * Picks `limit` items from a ranked pool. The cap is strict while the pool can fill the list;
 * only when it cannot are the items it held back appended, best first (a short list helps no one).
 */
export function diversify(pool: readonly ListedCandidate[], options: DiversifyOptions): ListedCandidate[] {
  const { limit } = options;
  if (options.mode === 'none') return pool.slice(0, limit);
  const cap = options.categoryCap;
  const chosen = options.mode === 'mmr' ? selectByMmr(pool, options) : selectWithCap(pool, limit, cap);
  if (chosen.length >= limit) return chosen;
  const taken = new Set(chosen);
  for (const candidate of pool) {
    if (chosen.length >= limit) break;
    if (!taken.has(candidate)) chosen.push(candidate);
  }
  return chosen;
}

function selectWithCap(
  pool: readonly ListedCandidate[],
  limit: number,
  cap: number | null,
): ListedCandidate[] {
  const perCategory = new Map<string, number>();
  const chosen: ListedCandidate[] = [];
  for (const candidate of pool) {
    if (chosen.length >= limit) break;
    const n = perCategory.get(candidate.item.category) ?? 0;
    if (cap !== null && n >= cap) continue;
    perCategory.set(candidate.item.category, n + 1);
    chosen.push(candidate);
  }
  return chosen;
}

/** Greedy MMR: each step takes argmax λ·relevance − (1−λ)·max similarity to the chosen items. */
function selectByMmr(pool: readonly ListedCandidate[], options: DiversifyOptions): ListedCandidate[] {
  const { limit, lambda, similarity, categoryCap: cap } = options;
  const n = pool.length;
  // maxSim[c]: c's highest similarity to any chosen item, updated once per pick.
  const maxSim = new Float64Array(n);
  const used = new Uint8Array(n);
  const perCategory = new Map<string, number>();
  const chosen: ListedCandidate[] = [];
  while (chosen.length < limit) {
    let best = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < n; c++) {
      if (used[c]) continue;
      const candidate = pool[c] as ListedCandidate;
      if (cap !== null && (perCategory.get(candidate.item.category) ?? 0) >= cap) continue;
      const relevance = 1 - c / n;
      const value = lambda * relevance - (1 - lambda) * (maxSim[c] as number);
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    }
    if (best < 0) break;
    const picked = pool[best] as ListedCandidate;
    used[best] = 1;
    chosen.push(picked);
    perCategory.set(picked.item.category, (perCategory.get(picked.item.category) ?? 0) + 1);
    for (let c = 0; c < n; c++) {
      if (used[c]) continue;
      const s = similarity(pool[c] as ListedCandidate, picked);
      if (s > (maxSim[c] as number)) maxSim[c] = s;
    }
  }
  return chosen;
}

/** Fallback similarity for models without one: same category path 1, same top-level category 0.5. */
export function categorySimilarity(a: ListedCandidate, b: ListedCandidate): number {
  if (a.item.categoryPath === b.item.categoryPath) return 1;
  return a.item.category === b.item.category ? 0.5 : 0;
}

/**
 * Similarity from a model's item-to-item neighbours, normalised by each picked item's best
 * neighbour so it lands in [0, 1]; the neighbour list of a picked item is fetched once. Items the
 * model has no neighbours for fall back to `fallback`.
 */
export function modelSimilarity(
  neighboursOf: (itemId: string) => ReadonlyMap<string, number>,
  fallback: ItemSimilarity = categorySimilarity,
): ItemSimilarity {
  const cache = new Map<string, { sims: ReadonlyMap<string, number>; max: number }>();
  return (candidate, picked) => {
    let entry = cache.get(picked.itemId);
    if (!entry) {
      const sims = neighboursOf(picked.itemId);
      let max = 0;
      for (const s of sims.values()) if (s > max) max = s;
      entry = { sims, max };
      cache.set(picked.itemId, entry);
    }
    if (entry.max <= 0) return fallback(candidate, picked);
    return Math.max(0, (entry.sims.get(candidate.itemId) ?? 0) / entry.max);
  };
}

/** The diversity a request gets: its own choice, else the settings' (MMR when λ is set, else the cap). */
export function resolveDiversity(
  request: { diversity?: DiversityMode | undefined; categoryCap?: number | undefined },
  settings: { categoryCap: number | null; mmrLambda: number | null },
): { mode: DiversityMode; categoryCap: number | null; lambda: number } {
  const mode =
    request.diversity ??
    (settings.mmrLambda !== null ? 'mmr' : settings.categoryCap !== null ? 'cap' : 'none');
  const lambda = settings.mmrLambda ?? DEFAULT_MMR_LAMBDA;
  if (mode === 'none') return { mode, categoryCap: null, lambda };
  const categoryCap = request.categoryCap ?? settings.categoryCap ?? (mode === 'cap' ? 3 : null);
  return { mode, categoryCap, lambda };
}
