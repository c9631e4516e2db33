// The recommendation settings as the form edits them: numbers stay text while typed (a half-typed
// value is not lost, and a bad one goes to the server as typed so its message names the field),
// the PUT body built from them, and the server's validation messages by field path.
import type { ApiError } from '../api/client.ts';
import { numberOrText } from '../lib/minor-units.ts';
import {
  BEHAVIOURS,
  type Behaviour,
  type RecommendationSettings,
  type RecommenderKind,
} from './recommend-types.ts';

export interface VariantDraft {
  name: string;
  model: 'auto' | RecommenderKind;
  share: string;
}

/** The settings as typed: numbers stay text until saved, so a half-typed value is not lost. */
export interface Draft {
  weights: Record<Behaviour, string>;
  halfLifeDays: string;
  repeat: string;
  model: 'auto' | RecommenderKind;
  easeMaxItems: string;
  activeDays: string;
  listSize: string;
  categoryCap: string;
  mmrLambda: string;
  experimentOn: boolean;
  experimentName: string;
  variants: VariantDraft[];
}

export const DEFAULT_VARIANTS: VariantDraft[] = [
  { name: 'control', model: 'auto', share: '50' },
  { name: 'treatment', model: 'als', share: '50' },
];

export function draftOf(settings: RecommendationSettings): Draft {
  const weights = Object.fromEntries(
    BEHAVIOURS.map((b) => [b, String(settings.behaviourWeights?.[b] ?? '')]),
  ) as Record<Behaviour, string>;
  const nullable = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
  return {
    weights,
    halfLifeDays: String(settings.halfLifeDays),
    repeat: (settings.repeatPurchaseCategories ?? []).join(', '),
    model: settings.model,
    easeMaxItems: String(settings.easeMaxItems),
    activeDays: String(settings.activeDays),
    listSize: String(settings.listSize),
    categoryCap: nullable(settings.diversity?.categoryCap),
    mmrLambda: nullable(settings.diversity?.mmrLambda),
    experimentOn: settings.experiment !== null && settings.experiment !== undefined,
    experimentName: settings.experiment?.name ?? '',
    variants: settings.experiment
      ? settings.experiment.variants.map((v) => ({ name: v.name, model: v.model, share: String(v.share) }))
      : DEFAULT_VARIANTS,
  };
}

/** What PUT sends: numbers where the text is one, the text itself otherwise (the server names it). */
export function settingsOf(draft: Draft): Record<string, unknown> {
  const nullable = (text: string) => (text.trim() === '' ? null : numberOrText(text));
  return {
    behaviourWeights: Object.fromEntries(BEHAVIOURS.map((b) => [b, numberOrText(draft.weights[b])])),
    halfLifeDays: numberOrText(draft.halfLifeDays),
    repeatPurchaseCategories: draft.repeat
      .split(/[,，]/)
      .map((c) => c.trim())
      .filter(Boolean),
    model: draft.model,
    easeMaxItems: numberOrText(draft.easeMaxItems),
    activeDays: numberOrText(draft.activeDays),
    listSize: numberOrText(draft.listSize),
    diversity: { categoryCap: nullable(draft.categoryCap), mmrLambda: nullable(draft.mmrLambda) },
    experiment: draft.experimentOn
      ? {
          name: draft.experimentName.trim(),
          variants: draft.variants.map((v) => ({
            name: v.name.trim(),
            model: v.model,
            share: numberOrText(v.share),
          })),
        }
      : null,
  };
}

/** The server's messages by path, `settings.` dropped (a message for the whole body keeps its path). */
export function settingsErrors(error: ApiError): Map<string, string> {
  const errors = new Map<string, string>();
  for (const detail of error.details) {
    const path = (detail.path ?? '').replace(/^settings\.?/, '');
    const message = detail.message ?? error.message;
    const previous = errors.get(path);
    errors.set(path, previous ? `${previous}; ${message}` : message);
  }
  return errors;
}
