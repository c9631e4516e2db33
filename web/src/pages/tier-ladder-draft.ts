// The tier ladder being edited: rows with stable keys (tiers can be reordered, added and
// removed), thresholds typed in the metric's unit (money in the programme's currency, or
// points), and the conversion to the body of PUT /v1/loyalty/tiers.
import type { TierLadder, TierMetric } from '../api/loyalty-types.ts';
import { numberOrText, toMajorText, toMinor } from '../lib/minor-units.ts';

/** Benefits with a control of their own; any other key is a free "name = value" benefit. */
const KNOWN_BENEFITS = new Set(['earningMultiplier', 'freeShipping', 'birthdayGift']);

export interface ExtraBenefit {
  key: string;
  name: string;
  value: string;
}

export interface TierRow {
  key: string;
  /** The id the server has for this tier; null for a tier added in this edit. */
  savedId: string | null;
  id: string;
  nameZh: string;
  nameEn: string;
  entry: string;
  retain: string;
  multiplier: string;
  freeShipping: boolean;
  birthdayGift: boolean;
  extras: ExtraBenefit[];
  /** `#RRGGBB`, or '' for none. */
  color: string;
}

let lastKey = 0;
export function rowKey(): string {
  lastKey += 1;
  return `t${lastKey}`;
}

function thresholdText(value: number, metric: TierMetric, currency: string): string {
  return metric === 'spend' ? toMajorText(value, currency) : String(value);
}

export function rowsFrom(ladder: TierLadder): TierRow[] {
  const { metric, currency } = ladder.settings;
  return ladder.tiers.map((tier) => {
    const benefits = tier.benefits ?? {};
    return {
      key: rowKey(),
      savedId: tier.id,
      id: tier.id,
      nameZh: tier.nameZh,
      nameEn: tier.nameEn,
      entry: thresholdText(tier.entryThreshold, metric, currency),
      retain: thresholdText(tier.retainThreshold, metric, currency),
      multiplier: String(benefits.earningMultiplier ?? 1),
      freeShipping: benefits.freeShipping === true,
      birthdayGift: benefits.birthdayGift === true,
      extras: Object.entries(benefits)
        .filter(([name]) => !KNOWN_BENEFITS.has(name))
        .map(([name, value]) => ({ key: rowKey(), name, value: String(value) })),
      color: tier.color ?? '',
    };
  });
}

/** A new tier above `below`, with thresholds a step further up. */
export function newRow(below: TierRow | undefined): TierRow {
  const step = (text: string | undefined) => {
    const n = Number(text);
    return Number.isFinite(n) && n > 0 ? String(n * 2) : '';
  };
  return {
    key: rowKey(),
    savedId: null,
    id: '',
    nameZh: '',
    nameEn: '',
    entry: step(below?.entry),
    retain: step(below?.retain),
    multiplier: below?.multiplier ?? '1',
    freeShipping: below?.freeShipping ?? false,
    birthdayGift: below?.birthdayGift ?? false,
    extras: [],
    color: '',
  };
}

/** A store-defined benefit as the API takes it: yes/no, a number, or text. */
function benefitValue(text: string): boolean | number | string {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  return numberOrText(trimmed);
}

function threshold(text: string, metric: TierMetric, currency: string): number | string {
  return metric === 'spend' ? (toMinor(text, currency) ?? text.trim()) : numberOrText(text);
}

/** The `tiers` of PUT /v1/loyalty/tiers, lowest first (a tier's position is its index). */
export function ladderTiers(rows: readonly TierRow[], metric: TierMetric, currency: string): unknown[] {
  return rows.map((row) => {
    const benefits: Record<string, unknown> = { earningMultiplier: numberOrText(row.multiplier) };
    if (row.freeShipping) benefits.freeShipping = true;
    if (row.birthdayGift) benefits.birthdayGift = true;
    for (const extra of row.extras)
      if (extra.name.trim() !== '') benefits[extra.name.trim()] = benefitValue(extra.value);
    return {
      id: row.id.trim(),
      nameZh: row.nameZh,
      nameEn: row.nameEn,
      entryThreshold: threshold(row.entry, metric, currency),
      retainThreshold: threshold(row.retain, metric, currency),
      benefits,
      color: row.color === '' ? null : row.color,
    };
  });
}

/** `tiers.2.entryThreshold` → the row sent at index 2 and its field (`entryThreshold`, `benefits.vip`). */
export function rowErrorsOf(
  errors: ReadonlyMap<string, string>,
  rows: readonly TierRow[],
): { byRow: Map<string, Map<string, string>>; rest: Map<string, string> } {
  const byRow = new Map<string, Map<string, string>>();
  const rest = new Map<string, string>();
  for (const [path, message] of errors) {
    const match = /^tiers\.(\d+)(?:\.(.+))?$/.exec(path);
    const row = match ? rows[Number(match[1])] : undefined;
    if (!match || !row) {
      rest.set(path, message);
      continue;
    }
    const fields = byRow.get(row.key) ?? new Map<string, string>();
    const field = match[2] ?? '';
    fields.set(field, fields.has(field) ? `${fields.get(field)}; ${message}` : message);
    byRow.set(row.key, fields);
  }
  return { byRow, rest };
}
