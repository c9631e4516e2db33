// The recommendation settings form of the models page: behaviour weights, time decay, repeat-
// purchase categories, the model and list sizes, diversity and the A/B experiment. Saved with the
// version it replaces: the server's validation messages appear at their fields, a stale version
// offers a reload. Read only without models:manage.
import { useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { FormField } from '../components/form-field.tsx';
import { describeError, ErrorState, Loading } from '../components/states.tsx';
import { errorsUnder, type PathErrors, unshownErrors } from '../lib/field-errors.ts';
import { formatDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import {
  type Draft,
  draftOf,
  settingsErrors,
  settingsOf,
  type VariantDraft,
} from './recommend-settings-draft.ts';
import { BEHAVIOURS, RECOMMENDER_KINDS, type RecommenderKind, type SettingsDto } from './recommend-types.ts';
import { kindLabel, type RecText } from './recommend-widgets.tsx';

const SETTINGS_PATH = '/v1/recommendations/settings';
/** The server takes 2 to 5 variants; the form offers no more. */
const MAX_VARIANTS = 5;
const MODEL_CHOICES: readonly ('auto' | RecommenderKind)[] = ['auto', ...RECOMMENDER_KINDS];

type Outcome =
  | { kind: 'saved' }
  | { kind: 'conflict' }
  | { kind: 'invalid'; errors: PathErrors }
  | { kind: 'error'; error: unknown }
  | null;

function isConflict(error: unknown): boolean {
  return error instanceof ApiError && (error.code === 'RECOMMEND_SETTINGS_CONFLICT' || error.status === 409);
}

const FIELD_PATHS = [
  ...BEHAVIOURS.map((b) => `behaviourWeights.${b}`),
  'behaviourWeights',
  'halfLifeDays',
  'repeatPurchaseCategories',
  'model',
  'easeMaxItems',
  'activeDays',
  'listSize',
  'diversity',
  'experiment',
];

function NumberField({
  label,
  hint,
  testId,
  value,
  error,
  step = 'any',
  onChange,
}: {
  label: string;
  hint?: string;
  testId: string;
  value: string;
  error: string | undefined;
  step?: string;
  onChange: (value: string) => void;
}) {
  return (
    <FormField label={label} hint={hint} error={error} testId={testId}>
      <input
        data-testid={testId}
        type="number"
        inputMode="decimal"
        step={step}
        aria-invalid={error ? true : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </FormField>
  );
}

function ModelSelect({
  testId,
  value,
  onChange,
  text,
  label,
}: {
  testId: string;
  value: 'auto' | RecommenderKind;
  onChange: (value: 'auto' | RecommenderKind) => void;
  text: RecText;
  label?: string;
}) {
  return (
    <select
      data-testid={testId}
      aria-label={label}
      value={value}
      onChange={(e) => onChange(e.target.value as 'auto' | RecommenderKind)}
    >
      {MODEL_CHOICES.map((kind) => (
        <option key={kind} value={kind}>
          {kindLabel(text.t, kind)}
        </option>
      ))}
    </select>
  );
}

function ExperimentFields({
  draft,
  set,
  errors,
  text,
}: {
  draft: Draft;
  set: (patch: Partial<Draft>) => void;
  errors: PathErrors;
  text: RecText;
}) {
  const { t, locale } = text;
  const err = (path: string) => errorsUnder(errors, path);
  const setVariant = (index: number, patch: Partial<VariantDraft>) =>
    set({ variants: draft.variants.map((v, i) => (i === index ? { ...v, ...patch } : v)) });
  const sum = draft.variants.reduce((total, v) => total + (Number(v.share) || 0), 0);
  const ownError = errors.get('experiment') ?? errors.get('experiment.variants');
  return (
    <section className="card" aria-labelledby="rec-experiment-h">
      <h3 id="rec-experiment-h" className="rec-h3">
        {t('rs.experiment')}
      </h3>
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="rec-settings-experiment"
          checked={draft.experimentOn}
          onChange={(e) => set({ experimentOn: e.target.checked })}
        />
        {t('rs.experimentOn')}
      </label>
      {ownError && (
        <small className="field-error" data-testid="rec-settings-experiment-error">
          {ownError}
        </small>
      )}
      {draft.experimentOn && (
        <>
          <FormField
            label={t('rs.experimentName')}
            error={err('experiment.name')}
            testId="rec-settings-exp-name"
          >
            <input
              data-testid="rec-settings-exp-name"
              maxLength={64}
              value={draft.experimentName}
              aria-invalid={err('experiment.name') ? true : undefined}
              onChange={(e) => set({ experimentName: e.target.value })}
            />
          </FormField>
          <table className="table compact rec-variants">
            <thead>
              <tr>
                <th>{t('rs.variantName')}</th>
                <th>{t('rs.variantModel')}</th>
                <th>{t('rs.variantShare')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {draft.variants.map((variant, index) => {
                const path = `experiment.variants.${index}`;
                const rowError = [err(`${path}.name`), err(`${path}.model`), err(`${path}.share`)]
                  .filter(Boolean)
                  .join('; ');
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: variants are edited in place; names may repeat while typed.
                  <tr key={index} data-testid="rec-settings-variant">
                    <td>
                      <input
                        data-testid={`rec-settings-variant-${index}-name`}
                        aria-label={t('rs.variantName')}
                        maxLength={32}
                        value={variant.name}
                        aria-invalid={err(`${path}.name`) ? true : undefined}
                        onChange={(e) => setVariant(index, { name: e.target.value })}
                      />
                    </td>
                    <td>
                      <ModelSelect
                        testId={`rec-settings-variant-${index}-model`}
                        label={t('rs.variantModel')}
                        value={variant.model}
                        text={text}
                        onChange={(model) => setVariant(index, { model })}
                      />
                    </td>
                    <td>
                      <input
                        data-testid={`rec-settings-variant-${index}-share`}
                        aria-label={t('rs.variantShare')}
                        type="number"
                        min={0}
                        max={100}
                        value={variant.share}
                        aria-invalid={err(`${path}.share`) ? true : undefined}
                        onChange={(e) => setVariant(index, { share: e.target.value })}
                      />
                      {rowError && (
                        <small className="field-error" data-testid={`rec-settings-variant-${index}-error`}>
                          {rowError}
                        </small>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button secondary"
                        disabled={draft.variants.length <= 2}
                        onClick={() => set({ variants: draft.variants.filter((_, i) => i !== index) })}
                      >
                        {t('rs.removeVariant')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="rec-variant-foot">
            <button
              type="button"
              className="button secondary"
              data-testid="rec-settings-add-variant"
              disabled={draft.variants.length >= MAX_VARIANTS}
              onClick={() =>
                set({
                  variants: [
                    ...draft.variants,
                    { name: `variant-${draft.variants.length + 1}`, model: 'auto', share: '0' },
                  ],
                })
              }
            >
              {t('rs.addVariant')}
            </button>
            <span
              className={sum === 100 ? 'muted small' : 'warning-text small'}
              data-testid="rec-settings-shares"
            >
              {t('rs.sharesSum', { sum: new Intl.NumberFormat(locale).format(sum) })}
            </span>
          </div>
        </>
      )}
    </section>
  );
}

function OutcomeNote({ outcome, onReload, text }: { outcome: Outcome; onReload: () => void; text: RecText }) {
  const { t, tMain } = text;
  if (!outcome) return null;
  if (outcome.kind === 'saved')
    return (
      <p className="notice" role="status" data-testid="rec-settings-saved">
        {t('rs.saved')}
      </p>
    );
  if (outcome.kind === 'conflict')
    return (
      <div className="form-error conflict" role="alert" data-testid="rec-settings-conflict">
        <span>{t('rs.conflict')}</span>
        <button
          type="button"
          className="button secondary"
          data-testid="rec-settings-reload"
          onClick={onReload}
        >
          {t('rs.reload')}
        </button>
      </div>
    );
  if (outcome.kind === 'invalid') {
    const rest = unshownErrors(outcome.errors, (path) =>
      FIELD_PATHS.some((shown) => path === shown || path.startsWith(`${shown}.`)),
    );
    return (
      <div className="form-error" role="alert" data-testid="rec-settings-invalid">
        {t('rs.invalid')}
        {rest.length > 0 && (
          <ul className="problems-list">
            {rest.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <p className="form-error" role="alert" data-testid="rec-settings-error">
      {t('rs.failed', { message: describeError(tMain, outcome.error) })}
    </p>
  );
}

function SettingsForm({
  initial,
  mayWrite,
  onReload,
  text,
}: {
  initial: SettingsDto;
  mayWrite: boolean;
  onReload: () => void;
  text: RecText;
}) {
  const { t, locale } = text;
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState(() => draftOf(initial.settings));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const errors: PathErrors = outcome?.kind === 'invalid' ? outcome.errors : new Map();
  const err = (path: string) => errorsUnder(errors, path);
  const set = (patch: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    if (outcome?.kind === 'saved') setOutcome(null);
  };
  const dirty = JSON.stringify(settingsOf(draft)) !== JSON.stringify(settingsOf(draftOf(saved.settings)));

  const save = async () => {
    if (busy || !mayWrite) return;
    setBusy(true);
    setOutcome(null);
    try {
      const answer = await api<SettingsDto>(SETTINGS_PATH, {
        method: 'PUT',
        body: { version: saved.version, settings: settingsOf(draft) },
      });
      const next = answer?.settings ? answer : await api<SettingsDto>(SETTINGS_PATH);
      setSaved(next);
      setDraft(draftOf(next.settings));
      setOutcome({ kind: 'saved' });
    } catch (error) {
      if (isConflict(error)) setOutcome({ kind: 'conflict' });
      else if (error instanceof ApiError && error.status === 400 && error.details.length > 0)
        setOutcome({ kind: 'invalid', errors: settingsErrors(error) });
      else setOutcome({ kind: 'error', error });
    } finally {
      setBusy(false);
    }
  };

  // Version 0: nothing saved yet, the defaults are in force (the server's updatedAt means nothing then).
  const updatedAt =
    saved.version === 0 || saved.updatedAt === null || saved.updatedAt === undefined
      ? null
      : new Date(saved.updatedAt).toISOString();
  return (
    <form
      className="rec-settings"
      data-testid="rec-settings"
      data-version={saved.version}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p className="muted small">
        {t('rs.intro')}{' '}
        {updatedAt
          ? t('rs.version', { version: saved.version, when: formatDateTime(updatedAt, locale) })
          : t('rs.defaults')}
      </p>
      {!mayWrite && (
        <p className="notice" data-testid="rec-settings-readonly">
          {t('rs.readOnly')}
        </p>
      )}
      <fieldset disabled={!mayWrite} className="rec-settings-fields">
        <legend className="visually-hidden">{t('rs.title')}</legend>
        <section className="card" aria-labelledby="rec-weights-h">
          <h3 id="rec-weights-h" className="rec-h3">
            {t('rs.weights')}
          </h3>
          <p className="muted small">{t('rs.weightsHint')}</p>
          {errors.get('behaviourWeights') && (
            <small className="field-error" data-testid="rec-settings-weights-error">
              {errors.get('behaviourWeights')}
            </small>
          )}
          <div className="rec-settings-grid">
            {BEHAVIOURS.map((behaviour) => (
              <NumberField
                key={behaviour}
                label={t(`rs.behaviour.${behaviour}`)}
                testId={`rec-settings-weight-${behaviour}`}
                value={draft.weights[behaviour]}
                error={err(`behaviourWeights.${behaviour}`)}
                onChange={(value) => set({ weights: { ...draft.weights, [behaviour]: value } })}
              />
            ))}
            <NumberField
              label={t('rs.halfLife')}
              hint={t('rs.halfLifeHint')}
              testId="rec-settings-half-life"
              value={draft.halfLifeDays}
              error={err('halfLifeDays')}
              onChange={(halfLifeDays) => set({ halfLifeDays })}
            />
          </div>
          <FormField
            label={t('rs.repeat')}
            hint={t('rs.repeatHint')}
            error={err('repeatPurchaseCategories')}
            testId="rec-settings-repeat"
          >
            <input
              data-testid="rec-settings-repeat"
              value={draft.repeat}
              aria-invalid={err('repeatPurchaseCategories') ? true : undefined}
              onChange={(e) => set({ repeat: e.target.value })}
            />
          </FormField>
        </section>
        <section className="card" aria-labelledby="rec-training-h">
          <h3 id="rec-training-h" className="rec-h3">
            {t('rs.training')}
          </h3>
          <div className="rec-settings-grid">
            <FormField label={t('rs.model')} error={err('model')} testId="rec-settings-model">
              <ModelSelect
                testId="rec-settings-model"
                value={draft.model}
                text={text}
                onChange={(model) => set({ model })}
              />
            </FormField>
            <NumberField
              label={t('rs.easeMaxItems')}
              hint={t('rs.easeHint')}
              testId="rec-settings-ease-max"
              step="1"
              value={draft.easeMaxItems}
              error={err('easeMaxItems')}
              onChange={(easeMaxItems) => set({ easeMaxItems })}
            />
            <NumberField
              label={t('rs.activeDays')}
              hint={t('rs.activeDaysHint')}
              testId="rec-settings-active-days"
              step="1"
              value={draft.activeDays}
              error={err('activeDays')}
              onChange={(activeDays) => set({ activeDays })}
            />
            <NumberField
              label={t('rs.listSize')}
              testId="rec-settings-list-size"
              step="1"
              value={draft.listSize}
              error={err('listSize')}
              onChange={(listSize) => set({ listSize })}
            />
          </div>
          <h3 className="rec-h3">{t('rs.diversity')}</h3>
          {errors.get('diversity') && <small className="field-error">{errors.get('diversity')}</small>}
          <div className="rec-settings-grid">
            <NumberField
              label={t('rs.categoryCap')}
              hint={t('rs.categoryCapHint')}
              testId="rec-settings-category-cap"
              step="1"
              value={draft.categoryCap}
              error={err('diversity.categoryCap')}
              onChange={(categoryCap) => set({ categoryCap })}
            />
            <NumberField
              label={t('rs.mmrLambda')}
              hint={t('rs.mmrHint')}
              testId="rec-settings-mmr"
              value={draft.mmrLambda}
              error={err('diversity.mmrLambda')}
              onChange={(mmrLambda) => set({ mmrLambda })}
            />
          </div>
        </section>
        <ExperimentFields draft={draft} set={set} errors={errors} text={text} />
      </fieldset>
      <OutcomeNote outcome={outcome} onReload={onReload} text={text} />
      {mayWrite && (
        <div className="form-row">
          <button type="submit" className="button" data-testid="rec-settings-save" disabled={busy || !dirty}>
            {busy ? t('rs.saving') : t('rs.save')}
          </button>
          <button
            type="button"
            className="button secondary"
            data-testid="rec-settings-undo"
            disabled={busy || !dirty}
            onClick={() => {
              setDraft(draftOf(saved.settings));
              setOutcome(null);
            }}
          >
            {t('rs.undo')}
          </button>
        </div>
      )}
    </form>
  );
}

/** The settings section: loads the current version; a reload (after a conflict) starts the form afresh. */
export function RecommendSettings({ mayWrite, text }: { mayWrite: boolean; text: RecText }) {
  const { state, reload } = useAsync(SETTINGS_PATH, (signal) => api<SettingsDto>(SETTINGS_PATH, { signal }));
  const [generation, setGeneration] = useState(0);
  if (state.status === 'error') return <ErrorState scope="section" error={state.error} onRetry={reload} />;
  if (!state.data || state.status === 'loading') return <Loading scope="section" />;
  return (
    <SettingsForm
      key={`${state.data.version}:${generation}`}
      initial={state.data}
      mayWrite={mayWrite}
      text={text}
      onReload={() => {
        setGeneration((g) => g + 1);
        reload();
      }}
    />
  );
}
