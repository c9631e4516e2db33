import type { TierMetric, TierName, TierRef } from '../api/loyalty-types.ts';
import type { MessageKey } from '../i18n/en.ts';
import { en } from '../i18n/en.ts';
import type { Language, Translate } from '../i18n/i18n.tsx';
import { formatMoney, formatNumber, minorDigits } from './format.ts';

/** A tier's name in the dashboard's language (the other one when that is blank). */
export function tierName(
  tier: Pick<TierName, 'nameZh' | 'nameEn'> & { id?: string; tierId?: string },
  language: Language,
): string {
  const name = language === 'zh-CN' ? tier.nameZh || tier.nameEn : tier.nameEn || tier.nameZh;
  return name || tier.id || tier.tierId || '';
}

/** A tier as history names it: its name when the server sends one or `known` has it, else its id. */
export function tierRefName(
  ref: TierRef,
  language: Language,
  known: readonly TierName[] = [],
): string | null {
  if (ref === null) return null;
  if (typeof ref !== 'string') return tierName(ref, language);
  const tier = known.find((k) => k.id === ref);
  return tier ? tierName(tier, language) : ref;
}

/** A translated label for `prefix.value` when the dictionary has one, else the raw value. */
export function labelOf(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey;
  return key in en ? t(key) : value;
}

/** A tier metric's value: spend as money (minor units), qualifying points as a number. */
export function metricText(metric: TierMetric, value: number, currency: string, locale: string): string {
  return metric === 'spend'
    ? formatMoney({ amount: value, currency }, locale, { whole: value % 10 ** minorDigits(currency) === 0 })
    : formatNumber(value, locale);
}
