import { type AlsOptions, AlsRecommender } from './als.ts';
import { type ContentOptions, ContentRecommender, type ItemFeatures } from './content.ts';
import { type EaseOptions, EaseRecommender } from './ease.ts';
import { type ItemKnnOptions, ItemKnnRecommender } from './item-knn.ts';
import { type PopularityOptions, PopularityRecommender } from './popularity.ts';
import type { RecommenderKind, SavedRecommender, ServingRecommender } from './serving.ts';

/** What some kinds need besides their hyper-parameters. */
export interface CreateContext {
  /** Tokens per item index, for the content model. */
  itemFeatures?: ItemFeatures;
}

/** A fitted model from its saved form, dispatching on `saved.kind`. */
export function loadRecommender(saved: SavedRecommender): ServingRecommender {
  switch (saved.kind) {
    case 'popularity':
      return PopularityRecommender.load(saved);
    case 'item-knn':
      return ItemKnnRecommender.load(saved);
    case 'content':
      return ContentRecommender.load(saved);
    case 'als':
      return AlsRecommender.load(saved);
    case 'ease':
      return EaseRecommender.load(saved);
    default:
      throw new Error(`no loader for recommender kind ${String(saved.kind)}`);
  }
}

/** An unfitted model of `kind` with the given hyper-parameters (unknown ones are ignored by the kind). */
export function createRecommender(
  kind: RecommenderKind,
  params: Record<string, unknown> = {},
  context: CreateContext = {},
): ServingRecommender {
  switch (kind) {
    case 'popularity':
      return new PopularityRecommender(params as PopularityOptions);
    case 'item-knn':
      return new ItemKnnRecommender(params as ItemKnnOptions);
    case 'als':
      return new AlsRecommender(params as AlsOptions);
    case 'ease':
      return new EaseRecommender(params as EaseOptions);
    case 'content': {
      if (!context.itemFeatures) throw new Error('the content model needs item features');
      return new ContentRecommender({ ...(params as ContentOptions), features: context.itemFeatures });
    }
    default:
      throw new Error(`unknown recommender kind ${String(kind)}`);
  }
}
