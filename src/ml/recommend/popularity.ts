import type { Recommender } from './evaluate.ts';
import type { Interactions } from './interactions.ts';

/** Options of {@link PopularityRecommender}. */
export interface PopularityOptions {
  /** When set, each interaction counts 0.5^(age / halfLife), age measured from the latest time. */
  halfLife?: number;
}

/** Scores every item by how many users interacted with it (optionally time-decayed): the baseline. */
export class PopularityRecommender implements Recommender {
  private scores = new Float32Array(0);

  constructor(private readonly options: PopularityOptions = {}) {}

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

  /** The fitted item scores (one per item). */
  itemScores(): Float32Array {
    return this.scores;
  }
}
