import type { Interactions } from './interactions.ts';
import type { Contribution, History, SavedRecommender, ScoredItems, ServingRecommender } from './serving.ts';

/** Options of {@link PopularityRecommender}. */
export interface PopularityOptions {
  /**
   * When set, each interaction counts 0.5^(age / halfLife), age measured from the latest time: the
   * "trending" flavour (same kind, `params.halfLife` says which).
   */
  halfLife?: number;
}

const SAVED_VERSION = 1;

/** Scores every item by how many users interacted with it (optionally time-decayed): the baseline. */
export class PopularityRecommender implements ServingRecommender {
  readonly kind = 'popularity' as const;
  private scores: Float32Array = new Float32Array(0);

  constructor(private readonly options: PopularityOptions = {}) {}

  get nItems(): number {
    return this.scores.length;
  }

  fit(train: Interactions): void {
    const { indptr, times } = train.byItem;
    const halfLife = this.options.halfLife;
    let latest = Number.NEGATIVE_INFINITY;
    for (const t of times) if (t > latest) latest = t;
    this.scores = new Float32Array(train.nItems);
    for (let i = 0; i < train.nItems; i++) {
      if (halfLife === undefined) {
        this.scores[i] = indptr[i + 1]! - indptr[i]!;
        continue;
      }
      let sum = 0;
      for (let p = indptr[i]!; p < indptr[i + 1]!; p++) sum += 0.5 ** ((latest - times[p]!) / halfLife);
      this.scores[i] = sum;
    }
  }

  scoreUser(_user: number, out: Float32Array): void {
    out.set(this.scores);
  }

  /** Everyone gets the same list: the history does not change the scores. */
  scoreHistory(_history: History, out: Float32Array): void {
    out.set(this.scores);
  }

  /** Popularity has no notion of item-to-item similarity. */
  similar(_item: number, _k: number): ScoredItems {
    return { items: new Int32Array(0), scores: new Float32Array(0) };
  }

  /** A popular item is not explained by the member's history (the caller's reason is "popular"). */
  explain(_history: History, _target: number, _top: number): Contribution[] {
    return [];
  }

  /** The fitted item scores (one per item). */
  itemScores(): Float32Array {
    return this.scores;
  }

  save(): SavedRecommender {
    const params = this.options.halfLife === undefined ? {} : { halfLife: this.options.halfLife };
    return {
      kind: this.kind,
      version: SAVED_VERSION,
      nItems: this.nItems,
      params,
      arrays: { scores: this.scores },
    };
  }

  static load(saved: SavedRecommender): PopularityRecommender {
    if (saved.kind !== 'popularity' || saved.version !== SAVED_VERSION)
      throw new Error(`cannot load ${saved.kind} version ${saved.version} as popularity v${SAVED_VERSION}`);
    const scores = saved.arrays.scores;
    if (!(scores instanceof Float32Array) || scores.length !== saved.nItems)
      throw new Error('saved popularity model has no valid scores array');
    const halfLife = saved.params.halfLife;
    const model = new PopularityRecommender(typeof halfLife === 'number' ? { halfLife } : {});
    model.scores = scores;
    return model;
  }
}
