import { FEATURE_CATALOGUE } from './risk.features.ts';
import type {
  Comparison,
  Condition,
  FeatureValue,
  FeatureValues,
  RiskDecision,
  RiskReason,
  ScenarioDefinition,
} from './risk.types.ts';

// Scoring a scenario: each rule whose condition holds adds its score modifier (negative ones
// lower it), the sum is clamped to 0–100, and the thresholds turn it into allow, review or
// block. Every rule that fired is a reason, with the points it contributed. A condition on a
// feature that is unknown for this request (null) does not hold, whatever the comparison: a
// rule cannot fire for lack of data, and `not` of it does not fire either.

function compare(left: FeatureValue, op: Comparison, right: FeatureValue): boolean | null {
  if (left === null || right === null) return null;
  if (typeof left === 'number' && typeof right === 'number') {
    if (Number.isNaN(left) || Number.isNaN(right)) return null;
    switch (op) {
      case '>':
        return left > right;
      case '>=':
        return left >= right;
      case '<':
        return left < right;
      case '<=':
        return left <= right;
      case '==':
        return left === right;
      case '!=':
        return left !== right;
    }
  }
  // Strings (countries) compare for equality only.
  if (op === '==') return String(left) === String(right);
  if (op === '!=') return String(left) !== String(right);
  return null;
}

/** Three-valued: true, false, or null when a feature it needs is unknown. */
function evaluate(condition: Condition, f: FeatureValues): boolean | null {
  if ('all' in condition) {
    let unknown = false;
    for (const c of condition.all) {
      const v = evaluate(c, f);
      if (v === false) return false;
      if (v === null) unknown = true;
    }
    return unknown ? null : true;
  }
  if ('any' in condition) {
    let unknown = false;
    for (const c of condition.any) {
      const v = evaluate(c, f);
      if (v === true) return true;
      if (v === null) unknown = true;
    }
    return unknown ? null : false;
  }
  if ('not' in condition) {
    const v = evaluate(condition.not, f);
    return v === null ? null : !v;
  }
  const left = f[condition.feature] ?? null;
  const right = 'other' in condition ? (f[condition.other] ?? null) : condition.value;
  return compare(left, condition.op, right);
}

/** Whether the condition holds (unknown counts as not). */
export function holds(condition: Condition, f: FeatureValues): boolean {
  return evaluate(condition, f) === true;
}

/** Feature names a condition uses that the catalogue does not have. */
export function unknownFeatureNames(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(unknownFeatureNames);
  if ('any' in condition) return condition.any.flatMap(unknownFeatureNames);
  if ('not' in condition) return unknownFeatureNames(condition.not);
  const names = 'other' in condition ? [condition.feature, condition.other] : [condition.feature];
  return names.filter((name) => !(name in FEATURE_CATALOGUE));
}

export interface Scored {
  score: number;
  decision: RiskDecision;
  reasons: RiskReason[];
}

/** The decision thresholds applied to a score. */
export function decide(
  score: number,
  scenario: Pick<ScenarioDefinition, 'reviewAt' | 'blockAt'>,
): RiskDecision {
  if (score >= scenario.blockAt) return 'block';
  if (score >= scenario.reviewAt) return 'review';
  return 'allow';
}

/**
 * Scores the features with a scenario. When the raw sum leaves 0–100, the contributions are what
 * each rule added before the clamp (the reasons still say which rules pushed the score there).
 */
export function scoreScenario(scenario: ScenarioDefinition, f: FeatureValues): Scored {
  const reasons: RiskReason[] = [];
  let sum = 0;
  for (const rule of scenario.rules) {
    if (!holds(rule.when, f)) continue;
    sum += rule.score;
    reasons.push({
      code: rule.code,
      description: rule.description,
      ...(rule.descriptionZh ? { descriptionZh: rule.descriptionZh } : {}),
      contribution: rule.score,
    });
  }
  reasons.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.code.localeCompare(b.code));
  const score = Math.min(100, Math.max(0, Math.round(sum)));
  return { score, decision: decide(score, scenario), reasons };
}
