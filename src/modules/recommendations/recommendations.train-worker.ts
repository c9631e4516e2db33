// The arithmetic of a recommendation training run — model search and the final fit — as one
// function over plain data, so recommendations.train can run it in a worker thread via
// src/lib/worker-call.ts. The fitted model crosses back as its saved form (typed arrays).
import type { ItemFeatures } from '../../ml/recommend/content.ts';
import type { EvaluationResult } from '../../ml/recommend/evaluate.ts';
import type { Interactions } from '../../ml/recommend/interactions.ts';
import { type CurvePoint, selectRecommender } from '../../ml/recommend/select.ts';
import type { RecommenderKind, SavedRecommender } from '../../ml/recommend/serving.ts';
import type { ModelChoice } from './recommendations.settings-types.ts';

export interface RecommendFitInput {
  data: Interactions;
  /** `auto` searches every kind the data allows; a kind searches only that kind's small grid. */
  model: ModelChoice;
  easeMaxItems: number;
  seed: number;
  itemFeatures?: ItemFeatures;
}

/** One model tried during the search, as the models row keeps it. */
export interface CandidateSummary {
  kind: RecommenderKind;
  params: Record<string, unknown>;
  ndcg: number;
  hr: number;
  seconds: number;
}

export interface RecommendFitOutput {
  kind: RecommenderKind;
  hyper: Record<string, unknown>;
  validation: EvaluationResult;
  candidates: CandidateSummary[];
  curve: CurvePoint[];
  saved: SavedRecommender;
  trainSeconds: number;
}

/** Searches the model (validation NDCG@10 on each member's last item), refits the best on all data. */
export async function runRecommendFit(input: RecommendFitInput): Promise<RecommendFitOutput> {
  const started = performance.now();
  const selection = await selectRecommender(input.data, {
    ...(input.model === 'auto' ? {} : { kinds: [input.model] }),
    easeMaxItems: input.easeMaxItems,
    seed: input.seed,
    k: 10,
    ...(input.itemFeatures ? { itemFeatures: input.itemFeatures } : {}),
  });
  const { best } = selection;
  return {
    kind: best.kind,
    hyper: best.params,
    validation: best.validation,
    candidates: selection.candidates.map((c) => ({
      kind: c.kind,
      params: c.params,
      ndcg: c.validation.ndcg,
      hr: c.validation.hr,
      seconds: c.seconds,
    })),
    curve: best.curve ?? [],
    saved: selection.model.save(),
    trainSeconds: (performance.now() - started) / 1000,
  };
}
