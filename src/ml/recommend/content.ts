import type { Interactions } from './interactions.ts';
import type { Contribution, History, SavedRecommender, ScoredItems, ServingRecommender } from './serving.ts';
import { topK } from './top-k.ts';

/**
 * Per item index, the item's descriptive tokens, built by the caller: category path levels
 * (`cat:beauty`, `cat:beauty/skin`), brand (`brand:acme`), price band (`price:20-50`), attribute
 * `key=value` pairs. Items past the end of the list, or with an empty list, have no features.
 */
export type ItemFeatures = readonly (readonly string[])[];

/** Options of {@link ContentRecommender}. */
export interface ContentOptions {
  /** The items' tokens; required to fit. Not saved with the model (the vectors are). */
  features?: ItemFeatures;
  /** Use the history weights when building the profile (default true). */
  weighted?: boolean;
}

const SAVED_VERSION = 1;

/**
 * Content-based scoring for what collaborative filtering cannot see: items nobody has interacted
 * with yet and members known only by onboarding choices. Items are TF-IDF vectors over their tokens
 * (binary term frequency, idf = ln(N / df), L2-normalised); a history's profile is the weighted sum
 * of its items' vectors, and an item scores the cosine between profile and item. Interactions are
 * not used at all, so a brand-new item scores as well as an old one with the same features.
 */
export class ContentRecommender implements ServingRecommender {
  readonly kind = 'content' as const;
  /** Item → token rows (token ids ascending) with TF-IDF values, each row of unit length. */
  private vectors = emptyRows();
  /** Token → item rows of the same values. */
  private postings = emptyRows();
  private vocabulary: string[] = [];
  private tokenIndex = new Map<string, number>();
  private idf: Float32Array = new Float32Array(0);
  private train: Interactions | undefined;

  constructor(private readonly options: ContentOptions = {}) {}

  get nItems(): number {
    return this.vectors.indptr.length - 1;
  }

  fit(train: Interactions): void {
    const features = this.options.features;
    if (!features) throw new Error('content model: fit needs options.features (tokens per item)');
    this.train = train;
    const nItems = Math.max(train.nItems, 0);
    const vocabulary: string[] = [];
    const tokenIndex = new Map<string, number>();
    const rows: number[][] = [];
    for (let i = 0; i < nItems; i++) {
      const ids = new Set<number>();
      for (const token of features[i] ?? []) {
        let id = tokenIndex.get(token);
        if (id === undefined) {
          id = vocabulary.length;
          tokenIndex.set(token, id);
          vocabulary.push(token);
        }
        ids.add(id);
      }
      rows.push([...ids].sort((a, b) => a - b));
    }
    const df = new Float64Array(vocabulary.length);
    let described = 0;
    for (const row of rows) {
      if (row.length > 0) described++;
      for (const t of row) df[t]! += 1;
    }
    // A token every item has carries no information (idf 0); rarer tokens weigh more.
    const idf = Float32Array.from(df, (d) => Math.log(described / d));
    this.vocabulary = vocabulary;
    this.tokenIndex = tokenIndex;
    this.idf = idf;
    this.setVectors(unitRows(rows, idf));
  }

  private setVectors(vectors: Rows): void {
    this.vectors = vectors;
    this.postings = transposeRows(vectors, this.vocabulary.length);
  }

  scoreUser(user: number, out: Float32Array): void {
    const train = this.train;
    if (!train)
      throw new Error('content model: scoreUser needs the training data; a loaded model scores histories');
    const { indptr, indices, weights } = train.byUser;
    const from = indptr[user]!;
    const to = indptr[user + 1]!;
    this.scoreHistory({ items: indices.subarray(from, to), weights: weights.subarray(from, to) }, out);
  }

  scoreHistory(history: History, out: Float32Array): void {
    this.scoreProfile(this.profile(history), out);
  }

  /**
   * Scores every item against a set of tokens, e.g. a new member's onboarding choices
   * (`cat:…`, `brand:…`); unknown tokens are ignored.
   */
  scoreTokens(tokens: readonly string[], out: Float32Array): void {
    const profile = new Map<number, number>();
    for (const token of tokens) {
      const t = this.tokenIndex.get(token);
      if (t !== undefined) profile.set(t, this.idf[t]!);
    }
    this.scoreProfile(normalise(profile), out);
  }

  similar(item: number, k: number): ScoredItems {
    if (item < 0 || item >= this.nItems) return { items: new Int32Array(0), scores: new Float32Array(0) };
    const scores = new Float32Array(this.nItems);
    const profile = new Map<number, number>();
    const { indptr, indices, values } = this.vectors;
    for (let p = indptr[item]!; p < indptr[item + 1]!; p++) profile.set(indices[p]!, values[p]!);
    this.scoreProfile(profile, scores);
    // Items sharing no token score 0 and are not similar; the item itself is never listed.
    const skip = new Uint8Array(this.nItems);
    skip[item] = 1;
    for (let i = 0; i < scores.length; i++) if (!(scores[i]! > 0)) skip[i] = 1;
    const items = topK(scores, k, skip);
    return { items, scores: Float32Array.from(items, (i) => scores[i]!) };
  }

  /** w_h · cos(h, target) / ‖profile‖: each history item's share of the target's score. */
  explain(history: History, target: number, top: number): Contribution[] {
    if (target < 0 || target >= this.nItems) return [];
    const norm = profileNorm(this.rawProfile(history));
    if (norm === 0) return [];
    const weightOf = this.historyWeights(history);
    const out: Contribution[] = [];
    for (const [h, w] of weightOf) {
      const c = (w * this.dot(h, target)) / norm;
      if (c > 0) out.push({ item: h, contribution: c });
    }
    out.sort((a, b) => b.contribution - a.contribution || a.item - b.item);
    return out.slice(0, Math.max(0, top));
  }

  save(): SavedRecommender {
    const { indptr, indices, values } = this.vectors;
    return {
      kind: this.kind,
      version: SAVED_VERSION,
      nItems: this.nItems,
      params: { weighted: this.options.weighted ?? true, vocabulary: this.vocabulary },
      arrays: { indptr, indices, values, idf: this.idf },
    };
  }

  static load(saved: SavedRecommender): ContentRecommender {
    if (saved.kind !== 'content' || saved.version !== SAVED_VERSION)
      throw new Error(`cannot load ${saved.kind} version ${saved.version} as content v${SAVED_VERSION}`);
    const { indptr, indices, values, idf } = saved.arrays;
    const vocabulary = saved.params.vocabulary;
    if (
      !(indptr instanceof Int32Array) ||
      !(indices instanceof Int32Array) ||
      !(values instanceof Float32Array) ||
      !(idf instanceof Float32Array) ||
      !Array.isArray(vocabulary) ||
      indptr.length !== saved.nItems + 1 ||
      idf.length !== vocabulary.length
    )
      throw new Error('saved content model has malformed arrays');
    const model = new ContentRecommender({ weighted: saved.params.weighted !== false });
    model.vocabulary = vocabulary.map(String);
    model.tokenIndex = new Map(model.vocabulary.map((token, t) => [token, t]));
    model.idf = idf;
    model.setVectors({ indptr, indices, values });
    return model;
  }

  private historyWeights(history: History): Map<number, number> {
    const weighted = this.options.weighted ?? true;
    const weightOf = new Map<number, number>();
    for (let h = 0; h < history.items.length; h++) {
      const i = history.items[h] as number;
      if (i < 0 || i >= this.nItems) continue;
      weightOf.set(i, (weightOf.get(i) ?? 0) + (weighted ? (history.weights[h] as number) : 1));
    }
    return weightOf;
  }

  /** Σ w_h · v_h over the history, by token. */
  private rawProfile(history: History): Map<number, number> {
    const profile = new Map<number, number>();
    const { indptr, indices, values } = this.vectors;
    for (const [h, w] of this.historyWeights(history)) {
      for (let p = indptr[h]!; p < indptr[h + 1]!; p++) {
        profile.set(indices[p]!, (profile.get(indices[p]!) ?? 0) + w * values[p]!);
      }
    }
    return profile;
  }

  private profile(history: History): Map<number, number> {
    return normalise(this.rawProfile(history));
  }

  /** out[i] = profile · v_i, through the token → items postings (only items sharing a token). */
  private scoreProfile(profile: Map<number, number>, out: Float32Array): void {
    out.fill(0);
    const { indptr, indices, values } = this.postings;
    for (const [t, p] of profile) {
      for (let q = indptr[t]!; q < indptr[t + 1]!; q++) out[indices[q]!]! += p * values[q]!;
    }
  }

  private dot(a: number, b: number): number {
    const { indptr, indices, values } = this.vectors;
    let p = indptr[a]!;
    let q = indptr[b]!;
    let sum = 0;
    while (p < indptr[a + 1]! && q < indptr[b + 1]!) {
      if (indices[p]! === indices[q]!) sum += values[p++]! * values[q++]!;
      else if (indices[p]! < indices[q]!) p++;
      else q++;
    }
    return sum;
  }
}

interface Rows {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

function emptyRows(): Rows {
  return { indptr: new Int32Array(1), indices: new Int32Array(0), values: new Float32Array(0) };
}

/** TF-IDF rows, each scaled to unit length (a row whose tokens all have idf 0 stays empty). */
function unitRows(rows: number[][], idf: Float32Array): Rows {
  const indptr = new Int32Array(rows.length + 1);
  const kept: number[] = [];
  const vals: number[] = [];
  rows.forEach((row, i) => {
    let norm = 0;
    for (const t of row) norm += idf[t]! * idf[t]!;
    norm = Math.sqrt(norm);
    for (const t of row) {
      if (norm > 0 && idf[t]! > 0) {
        kept.push(t);
        vals.push(idf[t]! / norm);
      }
    }
    indptr[i + 1] = kept.length;
  });
  return { indptr, indices: Int32Array.from(kept), values: Float32Array.from(vals) };
}

function transposeRows(m: Rows, nCols: number): Rows {
  const nRows = m.indptr.length - 1;
  const indptr = new Int32Array(nCols + 1);
  for (const c of m.indices) indptr[c + 1]! += 1;
  for (let c = 0; c < nCols; c++) indptr[c + 1]! += indptr[c]!;
  const next = indptr.slice(0, nCols);
  const indices = new Int32Array(m.indices.length);
  const values = new Float32Array(m.indices.length);
  for (let r = 0; r < nRows; r++) {
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) {
      const at = next[m.indices[p]!]!++;
      indices[at] = r;
      values[at] = m.values[p]!;
    }
  }
  return { indptr, indices, values };
}

function profileNorm(profile: Map<number, number>): number {
  let s = 0;
  for (const v of profile.values()) s += v * v;
  return Math.sqrt(s);
}

function normalise(profile: Map<number, number>): Map<number, number> {
  const norm = profileNorm(profile);
  if (norm > 0) for (const [t, v] of profile) profile.set(t, v / norm);
  return profile;
}
