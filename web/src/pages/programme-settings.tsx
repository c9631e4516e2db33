import './editors.css';
import { useState } from 'react';
import { hasScope } from '../access.ts';
import {
  EXPIRY_POLICIES,
  type ExpiryPolicyName,
  type Programme,
  type ProgrammeSettings,
} from '../api/rules-types.ts';
import { useOperator } from '../api/session.tsx';
import { FormField } from '../components/form-field.tsx';
import { ErrorState, Loading } from '../components/states.tsx';
import { useI18n, usePageMessages } from '../i18n/i18n.tsx';
import { type ProgrammeTranslate, programmeMessages } from '../i18n/programme.ts';
import { formatDateTime } from '../lib/format.ts';
import { labelOf } from '../lib/loyalty-labels.ts';
import { numberOrText } from '../lib/minor-units.ts';
import { Link } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { loadProgramme } from './programme-api.ts';
import { SaveOutcomeNote, useProgrammeSave } from './programme-form.tsx';

/** The settings as typed. */
interface SettingsDraft {
  currency: string;
  pendingDays: string;
  expiry: ExpiryPolicyName;
  days: string;
  months: string;
  years: string;
  transfersEnabled: boolean;
  minPoints: string;
  maxPerTransfer: string;
  maxPerDay: string;
  earnOnImport: boolean;
}

function draftOf(settings: ProgrammeSettings): SettingsDraft {
  const { expiry, transfers } = settings;
  return {
    currency: settings.currency,
    pendingDays: String(settings.pendingDays),
    expiry: expiry.policy,
    days: expiry.policy === 'days' ? String(expiry.days) : '365',
    months: expiry.policy === 'end_of_month' ? String(expiry.months) : '12',
    years: expiry.policy === 'end_of_year' ? String(expiry.years) : '1',
    transfersEnabled: transfers.enabled,
    minPoints: String(transfers.minPoints),
    maxPerTransfer: String(transfers.maxPerTransfer),
    maxPerDay: String(transfers.maxPerDay),
    earnOnImport: settings.earnOnImport,
  };
}

/** Every setting for PUT: the typed ones, and the tier settings as they are (edited on the tiers page). */
function settingsOf(draft: SettingsDraft, saved: ProgrammeSettings): Record<string, unknown> {
  const expiry =
    draft.expiry === 'days'
      ? { policy: 'days', days: numberOrText(draft.days) }
      : draft.expiry === 'end_of_month'
        ? { policy: 'end_of_month', months: numberOrText(draft.months) }
        : draft.expiry === 'end_of_year'
          ? { policy: 'end_of_year', years: numberOrText(draft.years) }
          : { policy: 'never' };
  return {
    currency: draft.currency.trim().toUpperCase(),
    pendingDays: numberOrText(draft.pendingDays),
    expiry,
    transfers: {
      enabled: draft.transfersEnabled,
      minPoints: numberOrText(draft.minPoints),
      maxPerTransfer: numberOrText(draft.maxPerTransfer),
      maxPerDay: numberOrText(draft.maxPerDay),
    },
    tiers: saved.tiers,
    earnOnImport: draft.earnOnImport,
  };
}

const SHOWN = new Set([
  'currency',
  'pendingDays',
  'expiry',
  'expiry.policy',
  'expiry.days',
  'expiry.months',
  'expiry.years',
  'transfers.enabled',
  'transfers.minPoints',
  'transfers.maxPerTransfer',
  'transfers.maxPerDay',
  'earnOnImport',
]);

function NumberInput({
  testId,
  value,
  onChange,
  invalid,
  min = 0,
  max,
  label,
}: {
  testId: string;
  value: string;
  onChange: (value: string) => void;
  invalid: boolean;
  min?: number;
  max?: number;
  label?: string;
}) {
  return (
    <input
      data-testid={testId}
      type="number"
      min={min}
      max={max}
      step={1}
      aria-label={label}
      aria-invalid={invalid || undefined}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

function SettingsForm({
  initial,
  mayWrite,
  onReload,
  t,
}: {
  initial: Programme;
  mayWrite: boolean;
  onReload: () => void;
  t: ProgrammeTranslate;
}) {
  const { t: tMain, locale } = useI18n();
  const [programme, setProgramme] = useState(initial);
  const [draft, setDraft] = useState(() => draftOf(initial.settings));
  const { busy, outcome, setOutcome, save, errors } = useProgrammeSave((next) => {
    setProgramme(next);
    setDraft(draftOf(next.settings));
  });
  const set = (patch: Partial<SettingsDraft>) => {
    setDraft({ ...draft, ...patch });
    if (outcome?.kind === 'saved') setOutcome(null);
  };
  const err = (path: string) => errors.get(path);
  const expiryError = err('expiry') ?? err('expiry.policy');
  const dirty =
    JSON.stringify(settingsOf(draft, programme.settings)) !==
    JSON.stringify(settingsOf(draftOf(programme.settings), programme.settings));
  const { tiers } = programme.settings;
  return (
    <form
      className="editor-main"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (mayWrite) void save(settingsOf(draft, programme.settings), programme.version);
      }}
    >
      <fieldset disabled={!mayWrite} className="editor-fields">
        <legend className="visually-hidden">{t('settings.title')}</legend>
        <section className="card" aria-labelledby="earning-h">
          <h2 id="earning-h">{t('settings.earning')}</h2>
          <div className="settings-grid">
            <FormField
              label={t('settings.currency')}
              testId="settings-currency"
              error={err('currency')}
              hint={t('settings.currencyHint')}
            >
              <input
                data-testid="settings-currency"
                maxLength={3}
                autoComplete="off"
                aria-invalid={err('currency') ? true : undefined}
                value={draft.currency}
                onChange={(e) => set({ currency: e.target.value })}
              />
            </FormField>
            <FormField
              label={t('settings.pendingDays')}
              testId="settings-pending-days"
              error={err('pendingDays')}
              hint={t('settings.pendingHint')}
            >
              <NumberInput
                testId="settings-pending-days"
                max={365}
                value={draft.pendingDays}
                invalid={Boolean(err('pendingDays'))}
                onChange={(pendingDays) => set({ pendingDays })}
              />
            </FormField>
            <div className="field">
              <span>{t('settings.earnOnImport')}</span>
              <label className="checkbox">
                <input
                  type="checkbox"
                  data-testid="settings-earn-on-import"
                  checked={draft.earnOnImport}
                  onChange={(e) => set({ earnOnImport: e.target.checked })}
                />
                {t('settings.earnOnImportLabel')}
              </label>
              <small className={err('earnOnImport') ? 'field-error' : 'muted'}>
                {err('earnOnImport') ?? t('settings.earnOnImportHint')}
              </small>
            </div>
          </div>
        </section>

        <section className="card" aria-labelledby="expiry-h">
          <h2 id="expiry-h">{t('settings.expiry')}</h2>
          <fieldset className="radio-list" aria-invalid={expiryError ? true : undefined}>
            <legend className="visually-hidden">{t('settings.expiry')}</legend>
            {EXPIRY_POLICIES.map((policy) => (
              <div key={policy} className="radio-row">
                <label className="checkbox">
                  <input
                    type="radio"
                    name="expiry"
                    data-testid={`settings-expiry-${policy}`}
                    checked={draft.expiry === policy}
                    onChange={() => set({ expiry: policy })}
                  />
                  {t(`settings.expiry.${policy}`)}
                </label>
                {policy === 'days' && draft.expiry === 'days' && (
                  <NumberInput
                    testId="settings-expiry-days-value"
                    label={t('settings.expiry.daysLabel')}
                    min={1}
                    value={draft.days}
                    invalid={Boolean(err('expiry.days'))}
                    onChange={(days) => set({ days })}
                  />
                )}
                {policy === 'end_of_month' && draft.expiry === 'end_of_month' && (
                  <NumberInput
                    testId="settings-expiry-months"
                    label={t('settings.expiry.monthsLabel')}
                    value={draft.months}
                    invalid={Boolean(err('expiry.months'))}
                    onChange={(months) => set({ months })}
                  />
                )}
                {policy === 'end_of_year' && draft.expiry === 'end_of_year' && (
                  <NumberInput
                    testId="settings-expiry-years"
                    label={t('settings.expiry.yearsLabel')}
                    value={draft.years}
                    invalid={Boolean(err('expiry.years'))}
                    onChange={(years) => set({ years })}
                  />
                )}
                {policy === draft.expiry && policy !== 'never' && (
                  <span className="muted small">{t(`settings.expiry.${policy}Unit`)}</span>
                )}
              </div>
            ))}
          </fieldset>
          {(expiryError || err('expiry.days') || err('expiry.months') || err('expiry.years')) && (
            <small className="field-error" data-testid="settings-expiry-error">
              {[expiryError, err('expiry.days'), err('expiry.months'), err('expiry.years')]
                .filter(Boolean)
                .join('; ')}
            </small>
          )}
          <p className="muted small">
            {t(`settings.expiry.${draft.expiry}Hint`, {
              n:
                draft.expiry === 'days'
                  ? draft.days
                  : draft.expiry === 'end_of_month'
                    ? draft.months
                    : draft.years,
            })}
          </p>
        </section>

        <section className="card" aria-labelledby="transfers-h">
          <h2 id="transfers-h">{t('settings.transfers')}</h2>
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="settings-transfers-enabled"
              checked={draft.transfersEnabled}
              onChange={(e) => set({ transfersEnabled: e.target.checked })}
            />
            {t('settings.transfersEnabled')}
          </label>
          <div className="settings-grid">
            <FormField
              label={t('settings.minPoints')}
              testId="settings-transfers-min"
              error={err('transfers.minPoints')}
            >
              <NumberInput
                testId="settings-transfers-min"
                min={1}
                value={draft.minPoints}
                invalid={Boolean(err('transfers.minPoints'))}
                onChange={(minPoints) => set({ minPoints })}
              />
            </FormField>
            <FormField
              label={t('settings.maxPerTransfer')}
              testId="settings-transfers-max"
              error={err('transfers.maxPerTransfer')}
            >
              <NumberInput
                testId="settings-transfers-max"
                min={1}
                value={draft.maxPerTransfer}
                invalid={Boolean(err('transfers.maxPerTransfer'))}
                onChange={(maxPerTransfer) => set({ maxPerTransfer })}
              />
            </FormField>
            <FormField
              label={t('settings.maxPerDay')}
              testId="settings-transfers-daily"
              error={err('transfers.maxPerDay')}
              hint={t('settings.maxPerDayHint')}
            >
              <NumberInput
                testId="settings-transfers-daily"
                min={1}
                value={draft.maxPerDay}
                invalid={Boolean(err('transfers.maxPerDay'))}
                onChange={(maxPerDay) => set({ maxPerDay })}
              />
            </FormField>
          </div>
        </section>

        <section className="card" aria-labelledby="tiers-h">
          <h2 id="tiers-h">{t('settings.tiers')}</h2>
          <p className="small" data-testid="settings-tiers">
            {t('settings.tiersText', {
              metric: labelOf(tMain, 'tier.metric', tiers.metric),
              window: labelOf(tMain, 'tier.window', tiers.window),
              grace: tiers.graceDays,
            })}{' '}
            <Link to="/loyalty/tiers">{t('settings.tiersLink')}</Link>
          </p>
        </section>
      </fieldset>
      <SaveOutcomeNote
        outcome={outcome}
        t={t}
        prefix="settings"
        onReload={onReload}
        shownPaths={(path) => SHOWN.has(path)}
      />
      <div className="actions-row">
        {mayWrite && (
          <button type="submit" className="button primary" data-testid="settings-save" disabled={busy}>
            {busy ? t('common.saving') : t('settings.save')}
          </button>
        )}
        {dirty && mayWrite && (
          <span className="badge status-suspended" data-testid="settings-dirty">
            {t('common.unsaved')}
          </span>
        )}
        <span className="muted small" data-testid="settings-version" data-version={programme.version}>
          {t('settings.version', {
            version: programme.version,
            date: formatDateTime(programme.updatedAt, locale, 'short'),
          })}
        </span>
      </div>
    </form>
  );
}

/** `/loyalty/settings`: pending days, expiry, transfers and imports, with version conflict handling. */
export default function SettingsPage() {
  const t = usePageMessages(programmeMessages);
  const operator = useOperator();
  const mayWrite = hasScope(operator.role, 'loyalty:write');
  const { state, reload } = useAsync('programme-settings', loadProgramme);
  return (
    <div className="page" data-testid="settings-page">
      <div className="page-header">
        <h1>{t('settings.title')}</h1>
      </div>
      <p className="muted small">{t('settings.intro')}</p>
      {!mayWrite && (
        <p className="notice small" data-testid="settings-read-only">
          {t('common.readOnly')}
        </p>
      )}
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && <Loading />}
      {state.status === 'ok' && (
        <SettingsForm
          key={`${state.data.version}:${state.data.updatedAt}`}
          initial={state.data}
          mayWrite={mayWrite}
          onReload={reload}
          t={t}
        />
      )}
    </div>
  );
}
