import type { Recommender } from './evaluate.ts';

// What a fitted model offers beyond the evaluation harness, so the product can serve it: scores
// for any history (members who arrived after training, anonymous sessions), item-to-item lists,
// the history items behind a score (for "because you bought …"), and a saved form.

/** The model families the product can train and serve. */
export const RECOMMENDER_KINDS = ['popularity', 'item-knn', 'als', 'ease', 'content'] as const;
export type RecommenderKind = (typeof RECOMMENDER_KINDS)[number];

/** A history given by item index with a weight per item (behaviour weight × time decay). */
export interface History {
  readonly items: ArrayLike<number>;
  readonly weights: ArrayLike<number>;
}

/** One history item's share of a target item's score. */
export interface Contribution {
  item: number;
  contribution: number;
}

/** A list of item indices with their scores, best first. */
export interface ScoredItems {
  items: Int32Array;
  scores: Float32Array;
}

export interface ServingRecommender extends Recommender {
  readonly kind: RecommenderKind;
  /** Number of items the model knows (item indices are 0..nItems-1 of its training data). */
  readonly nItems: number;
  /** Scores every item for an ad-hoc history into `out` (length nItems); higher is better. */
  scoreHistory(history: History, out: Float32Array): void;
  /** The `k` items most similar to `item`, never `item` itself; empty when the model has no notion. */
  similar(item: number, k: number): ScoredItems;
  /**
   * The history items that contributed most to `target`'s score under `scoreHistory`, largest
   * first, at most `top`; empty when the model's scores do not decompose over history items.
   */
  explain(history: History, target: number, top: number): Contribution[];
  /** The fitted state, to be stored and loaded by {@link decodeArrays} and the kind's `load`. */
  save(): SavedRecommender;
}

/** A typed array in a saved model. */
export type SavedArray = Float32Array | Float64Array | Int32Array;

/** A fitted model as data: small settings as JSON, the numbers as typed arrays. */
export interface SavedRecommender {
  kind: RecommenderKind;
  /** Format version of this kind's saved form; `load` refuses versions it does not know. */
  version: number;
  nItems: number;
  params: Record<string, unknown>;
  arrays: Record<string, SavedArray>;
}

const ARRAY_TYPES = { f32: Float32Array, f64: Float64Array, i32: Int32Array } as const;
type ArrayTag = keyof typeof ARRAY_TYPES;

function tagOf(array: SavedArray): ArrayTag {
  if (array instanceof Float32Array) return 'f32';
  if (array instanceof Float64Array) return 'f64';
  return 'i32';
}

/** Serialises a saved model to JSON text (arrays as little-endian base64), for the models table. */
export function encodeSavedRecommender(saved: SavedRecommender): string {
  const arrays: Record<string, { type: ArrayTag; data: string }> = {};
  for (const [name, array] of Object.entries(saved.arrays)) {
    const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    arrays[name] = { type: tagOf(array), data: bytes.toString('base64') };
  }
  return JSON.stringify({ ...saved, arrays });
}

/** The inverse of {@link encodeSavedRecommender}; the arrays are fresh, aligned copies. */
export function decodeSavedRecommender(text: string): SavedRecommender {
  const raw = JSON.parse(text) as Omit<SavedRecommender, 'arrays'> & {
    arrays: Record<string, { type: ArrayTag; data: string }>;
  };
  const arrays: Record<string, SavedArray> = {};
  for (const [name, { type, data }] of Object.entries(raw.arrays)) {
    const bytes = Buffer.from(data, 'base64');
    const Type = ARRAY_TYPES[type];
    if (Type === undefined) throw new Error(`saved array ${name} has unknown type ${String(type)}`);
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    arrays[name] = new Type(copy.buffer, 0, bytes.byteLength / Type.BYTES_PER_ELEMENT);
  }
  return { ...raw, arrays };
}
