// Condition values in a marketer's terms: money in the programme's currency, weekdays and months
// by name, tiers by name, event types and genders in words — for input and for the preview trace.
import type { TierName } from '../api/loyalty-types.ts';
import { eventLabel, type Language, type Translate } from '../i18n/i18n.tsx';
import { type RulesTranslate, ruleLabel } from '../i18n/rules.ts';
import { formatMoney, formatNumber } from '../lib/format.ts';
import { tierName } from '../lib/loyalty-labels.ts';
import {
  type FieldSpec,
  fieldSpec,
  type JsonKind,
  type LeafNode,
  listItems,
  MONEY_FIELDS,
} from './rule-draft.ts';

export interface ValueContext {
  currency: string;
  /** The ladder, to offer and name tiers; empty when it cannot be read. */
  tiers: readonly TierName[];
  locale: string;
  language: Language;
  t: RulesTranslate;
  tMain: Translate;
}

export interface Choice {
  value: string;
  label: string;
}

/** The most choices shown as a list of options; a wider integer range is typed. */
const MAX_RANGE_CHOICES = 12;

function weekday(day: number, locale: string): string {
  // 2024-01-01 was a Monday: day 1 … 7 is Monday … Sunday, as the catalogue counts them.
  return new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(
    Date.UTC(2024, 0, day),
  );
}

function monthName(month: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' }).format(
    Date.UTC(2024, month - 1, 1),
  );
}

/** Fixed choices for a field (its values, the tiers, a short integer range); null when typed. */
export function choicesFor(field: string, spec: FieldSpec | undefined, ctx: ValueContext): Choice[] | null {
  if (!spec) return null;
  if (spec.values) {
    return spec.values.map((value) => ({
      value,
      label:
        field === 'event.type'
          ? eventLabel(ctx.tMain, value)
          : ruleLabel(ctx.t, `value.${field}.${value}`, value),
    }));
  }
  if (field === 'member.tier' && ctx.tiers.length > 0)
    return ctx.tiers.map((tier) => ({ value: tier.id, label: tierName(tier, ctx.language) }));
  if (spec.type === 'number' && spec.integer && spec.min !== undefined && spec.max !== undefined) {
    if (spec.max - spec.min + 1 > MAX_RANGE_CHOICES) return null;
    const choices: Choice[] = [];
    for (let n = spec.min; n <= spec.max; n += 1) {
      const label =
        field === 'date.dayOfWeek'
          ? weekday(n, ctx.locale)
          : field === 'date.month'
            ? monthName(n, ctx.locale)
            : String(n);
      choices.push({ value: String(n), label });
    }
    return choices;
  }
  return null;
}

/** One value of a field as people read it (the API's form: minor units, ids, numbers). */
export function valueText(field: string, value: unknown, ctx: ValueContext): string {
  if (value === null || value === undefined) return ctx.t('trace.absent');
  if (Array.isArray(value)) return value.map((v) => valueText(field, v, ctx)).join(', ');
  if (typeof value === 'boolean') return value ? ctx.t('value.true') : ctx.t('value.false');
  if (typeof value === 'number' && MONEY_FIELDS.has(field))
    return formatMoney({ amount: value, currency: ctx.currency }, ctx.locale);
  const choice = choicesFor(field, fieldSpec(field), ctx)?.find((c) => c.value === String(value));
  if (choice) return choice.label;
  if (typeof value === 'number') return formatNumber(value, ctx.locale);
  return typeof value === 'string' ? `“${value}”` : JSON.stringify(value);
}

/** The expected side of a leaf in words: "6, 7" for in, "100 – 500" for between, nothing for exists. */
export function expectedText(field: string, op: string, expected: unknown, ctx: ValueContext): string {
  if (op === 'exists') return '';
  if (op === 'between' && Array.isArray(expected))
    return `${valueText(field, expected[0], ctx)} – ${valueText(field, expected[1], ctx)}`;
  return valueText(field, expected, ctx);
}

interface ValueInputProps {
  leaf: LeafNode;
  ctx: ValueContext;
  disabled: boolean;
  invalid: boolean;
  describedBy: string | undefined;
  onChange: (patch: Partial<Pick<LeafNode, 'value' | 'high' | 'jsonKind'>>) => void;
}

/** A typed input for one operand (money with its currency, a date, a number, or text). */
function OperandInput({
  leaf,
  ctx,
  which,
  disabled,
  invalid,
  describedBy,
  onChange,
}: ValueInputProps & { which: 'value' | 'high' }) {
  const spec = fieldSpec(leaf.field);
  const money = MONEY_FIELDS.has(leaf.field);
  const numeric = spec?.type === 'number' || (spec?.type === 'json' && leaf.jsonKind === 'number');
  const label =
    which === 'high' ? ctx.t('cond.high') : leaf.op === 'between' ? ctx.t('cond.low') : ctx.t('cond.value');
  return (
    <span className="cond-operand">
      <input
        data-testid={which === 'high' ? 'cond-value-high' : 'cond-value'}
        type={spec?.type === 'date' ? 'date' : numeric ? 'number' : 'text'}
        inputMode={numeric ? 'decimal' : undefined}
        step={money ? 0.01 : numeric ? 'any' : undefined}
        aria-label={label}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        disabled={disabled}
        value={which === 'high' ? leaf.high : leaf.value}
        onChange={(e) => onChange(which === 'high' ? { high: e.target.value } : { value: e.target.value })}
      />
      {money && <span className="muted small">{ctx.currency}</span>}
    </span>
  );
}

/** Options as checkboxes (in / nin) or a select (eq / ne); the value holds them comma-separated. */
function ChoiceInput({
  leaf,
  ctx,
  choices,
  disabled,
  invalid,
  describedBy,
  onChange,
}: ValueInputProps & { choices: Choice[] }) {
  if (leaf.op === 'in' || leaf.op === 'nin') {
    const selected = new Set(listItems(leaf.value));
    const toggle = (value: string) => {
      const next = new Set(selected);
      if (next.has(value)) next.delete(value);
      else next.add(value);
      onChange({
        value: choices
          .filter((c) => next.has(c.value))
          .map((c) => c.value)
          .join(', '),
      });
    };
    return (
      <fieldset
        className="cond-choices"
        data-testid="cond-value-choices"
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
      >
        <legend className="visually-hidden">{ctx.t('cond.value')}</legend>
        {choices.map((choice) => (
          <label key={choice.value} className="checkbox chip-check">
            <input
              type="checkbox"
              data-testid="cond-value-option"
              data-value={choice.value}
              disabled={disabled}
              checked={selected.has(choice.value)}
              onChange={() => toggle(choice.value)}
            />
            {choice.label}
          </label>
        ))}
      </fieldset>
    );
  }
  const known = choices.some((c) => c.value === leaf.value);
  return (
    <select
      data-testid="cond-value"
      aria-label={ctx.t('cond.value')}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      disabled={disabled}
      value={leaf.value}
      onChange={(e) => onChange({ value: e.target.value })}
    >
      {!known && <option value={leaf.value}>{leaf.value === '' ? ctx.t('cond.choose') : leaf.value}</option>}
      {choices.map((choice) => (
        <option key={choice.value} value={choice.value}>
          {choice.label}
        </option>
      ))}
    </select>
  );
}

const JSON_KINDS: readonly JsonKind[] = ['text', 'number', 'boolean'];

/** The value part of a condition, shaped by the field's type and the operator. */
export function ValueInput(props: ValueInputProps) {
  const { leaf, ctx, disabled, invalid, describedBy, onChange } = props;
  const spec = fieldSpec(leaf.field);
  if (leaf.op === 'exists')
    return (
      <select
        data-testid="cond-value"
        aria-label={ctx.t('cond.value')}
        disabled={disabled}
        value={leaf.value === 'false' ? 'false' : 'true'}
        onChange={(e) => onChange({ value: e.target.value })}
      >
        <option value="true">{ctx.t('cond.existsYes')}</option>
        <option value="false">{ctx.t('cond.existsNo')}</option>
      </select>
    );
  const jsonKind = spec?.type === 'json' && (
    <select
      data-testid="cond-json-kind"
      aria-label={ctx.t('cond.jsonKind')}
      disabled={disabled}
      value={leaf.jsonKind}
      onChange={(e) => onChange({ jsonKind: e.target.value as JsonKind, value: '', high: '' })}
    >
      {JSON_KINDS.map((kind) => (
        <option key={kind} value={kind}>
          {ctx.t(`cond.jsonKind.${kind}`)}
        </option>
      ))}
    </select>
  );
  const boolean = spec?.type === 'boolean' || (spec?.type === 'json' && leaf.jsonKind === 'boolean');
  const choices: Choice[] | null = boolean
    ? [
        { value: 'true', label: ctx.t('value.true') },
        { value: 'false', label: ctx.t('value.false') },
      ]
    : leaf.op === 'between' || leaf.op === 'contains'
      ? null
      : choicesFor(leaf.field, spec, ctx);
  if (choices && (leaf.op === 'eq' || leaf.op === 'ne' || leaf.op === 'in' || leaf.op === 'nin'))
    return (
      <span className="cond-value">
        {jsonKind}
        <ChoiceInput {...props} choices={choices} />
      </span>
    );
  if (leaf.op === 'between')
    return (
      <span className="cond-value">
        {jsonKind}
        <OperandInput {...props} which="value" />
        <span className="muted">–</span>
        <OperandInput {...props} which="high" />
      </span>
    );
  if (leaf.op === 'in' || leaf.op === 'nin')
    return (
      <span className="cond-value">
        {jsonKind}
        <input
          data-testid="cond-value"
          className="cond-list"
          aria-label={ctx.t('cond.list')}
          placeholder={ctx.t('cond.listPlaceholder')}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          disabled={disabled}
          value={leaf.value}
          onChange={(e) => onChange({ value: e.target.value })}
        />
      </span>
    );
  return (
    <span className="cond-value">
      {jsonKind}
      <OperandInput {...props} which="value" />
    </span>
  );
}
