import type { RuleAction, RuleCap } from '../api/rules-types.ts';
import { countText, type RulesTranslate } from '../i18n/rules.ts';
import { formatMoney, formatNumber, minorDigits } from '../lib/format.ts';

/** What a rule gives, in a phrase: "1 point per ¥1.00", "10 points", "×2", "× the tier's multiplier". */
export function actionText(t: RulesTranslate, action: RuleAction, currency: string, locale: string): string {
  switch (action.type) {
    case 'per_amount':
      return countText(t, 'action.text.per_amount', action.points, {
        points: formatNumber(action.points, locale),
        amount: formatMoney({ amount: action.per * 10 ** minorDigits(currency), currency }, locale, {
          whole: true,
        }),
      });
    case 'fixed':
      return countText(t, 'action.text.fixed', action.points, {
        points: formatNumber(action.points, locale),
      });
    case 'multiplier':
      return t('action.text.multiplier', { factor: formatNumber(action.factor, locale) });
    case 'tier_multiplier':
      return t('action.text.tier_multiplier');
  }
}

/** "at most 50 a month", "at most 100 in total". */
export function capText(t: RulesTranslate, cap: RuleCap | null, locale: string): string {
  if (!cap) return t('cap.none');
  return t(`cap.text.${cap.period}`, { points: formatNumber(cap.points, locale) });
}
