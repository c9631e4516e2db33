import './editors.css';
import { useEffect, useMemo, useState } from 'react';
import { hasScope, mayOpen } from '../access.ts';
import { ApiError, api } from '../api/client.ts';
import type { Job, TierLadder } from '../api/loyalty-types.ts';
import {
  type Programme,
  TIER_METRICS,
  TIER_WINDOWS,
  type TierInUse,
  type TierSettings,
} from '../api/rules-types.ts';
import { useOperator } from '../api/session.tsx';
import { FormField } from '../components/form-field.tsx';
import { ProgressBar } from '../components/progress.tsx';
import { describeError, ErrorState, Loading } from '../components/states.tsx';
import { useI18n, usePageMessages } from '../i18n/i18n.tsx';
import { type ProgrammeTranslate, programmeMessages } from '../i18n/programme.ts';
import { isValidationError, type PathErrors, pathErrorsOf } from '../lib/field-errors.ts';
import { formatNumber } from '../lib/format.ts';
import { labelOf, tierName } from '../lib/loyalty-labels.ts';
import { numberOrText } from '../lib/minor-units.ts';
import { Link } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { loadLadder, loadProgramme } from './programme-api.ts';
import { SaveOutcomeNote, useProgrammeSave } from './programme-form.tsx';
import { ladderTiers, newRow, rowErrorsOf, rowKey, rowsFrom, type TierRow } from './tier-ladder-draft.ts';

/** How often the recalculation's progress is asked for while it runs. */
const JOB_POLL_MS = 1_000;

interface TiersData {
  ladder: TierLadder;
  programme: Programme;
  loadId: number;
}

let loads = 0;

async function loadTiers(signal: AbortSignal): Promise<TiersData> {
  const [ladder, programme] = await Promise.all([loadLadder(signal), loadProgramme(signal)]);
  loads += 1;
  return { ladder, programme, loadId: loads };
}

// --- recalculation -----------------------------------------------------------------------------

/** `POST /v1/loyalty/tiers/recalculate`, then the job's progress until it ends. */
function Recalculate({ t }: { t: ProgrammeTranslate }) {
  const { t: tMain, locale } = useI18n();
  const operator = useOperator();
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const running = job !== null && (job.status === 'queued' || job.status === 'running');

  useEffect(() => {
    if (!job || !running) return;
    const timer = window.setTimeout(async () => {
      try {
        setJob(await api<Job>(`/v1/jobs/${encodeURIComponent(job.id)}`));
      } catch (err) {
        setError(err);
      }
    }, JOB_POLL_MS);
    return () => window.clearTimeout(timer);
  }, [job, running]);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const { job: queued } = await api<{ job: Job }>('/v1/loyalty/tiers/recalculate', { method: 'POST' });
      setJob(queued);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const fraction =
    job?.status === 'succeeded'
      ? 1
      : (job?.progress.fraction ?? (job?.progress.total ? job.progress.done / job.progress.total : null));
  const done = job ? formatNumber(job.progress.done, locale) : '';
  const text = job
    ? job.progress.total === null
      ? tMain('jobs.progressDone', { done })
      : tMain('jobs.progressOf', { done, total: formatNumber(job.progress.total, locale) })
    : '';
  return (
    <div className="job-box">
      <button
        type="button"
        className="button secondary"
        data-testid="tiers-recalculate"
        disabled={busy || running}
        title={t('recalc.hint')}
        onClick={start}
      >
        {running ? t('recalc.running') : t('recalc.start')}
      </button>
      {job && (
        <div data-testid="tiers-job" data-job-id={job.id} data-status={job.status} role="status">
          <ProgressBar
            fraction={fraction}
            label={t('recalc.progress')}
            valueText={text}
            testId="tiers-job-progress"
          />
          <span className="small">
            <span className="badge">{labelOf(tMain, 'jobs.status', job.status)}</span> {text}
            {job.error && <span className="field-error"> {job.error}</span>}
            {mayOpen(operator.role, 'jobs') && (
              <>
                {' · '}
                <Link to="/loyalty/jobs" data-testid="tiers-job-link">
                  {t('recalc.openJobs')}
                </Link>
              </>
            )}
          </span>
        </div>
      )}
      {error !== null && (
        <p className="form-error small" role="alert" data-testid="tiers-recalculate-error">
          {describeError(tMain, error)}
        </p>
      )}
    </div>
  );
}

// --- how members qualify (programme settings `tiers`) ------------------------------------------

function QualificationCard({
  initial,
  mayWrite,
  onMetricChanged,
  onReload,
  t,
}: {
  initial: Programme;
  mayWrite: boolean;
  /** Thresholds are read in the metric's unit: the ladder must be read again. */
  onMetricChanged: () => void;
  onReload: () => void;
  t: ProgrammeTranslate;
}) {
  const { t: tMain } = useI18n();
  const [programme, setProgramme] = useState(initial);
  const saved = programme.settings.tiers;
  const [draft, setDraft] = useState({ ...saved, graceDays: String(saved.graceDays) });
  const { busy, outcome, save, errors } = useProgrammeSave((next) => {
    setProgramme(next);
    if (next.settings.tiers.metric !== saved.metric) onMetricChanged();
  });
  const changedMetric = draft.metric !== saved.metric;
  const submit = () => {
    const tiers = { ...draft, graceDays: numberOrText(draft.graceDays) };
    void save({ ...programme.settings, tiers }, programme.version);
  };
  const err = (path: string) =>
    errors.get(`tiers.${path}`) ?? (path === '' ? errors.get('tiers') : undefined);
  return (
    <section className="card" aria-labelledby="qualify-h" data-testid="tier-settings">
      <div className="card-head">
        <h2 id="qualify-h">{t('qualify.title')}</h2>
      </div>
      <p className="muted small">{t('qualify.intro')}</p>
      <fieldset disabled={!mayWrite} className="settings-grid">
        <FormField label={t('qualify.metric')} testId="tier-settings-metric" error={err('metric')}>
          <select
            data-testid="tier-settings-metric"
            value={draft.metric}
            onChange={(e) => setDraft({ ...draft, metric: e.target.value as TierSettings['metric'] })}
          >
            {TIER_METRICS.map((metric) => (
              <option key={metric} value={metric}>
                {labelOf(tMain, 'tier.metric', metric)}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label={t('qualify.window')} testId="tier-settings-window" error={err('window')}>
          <select
            data-testid="tier-settings-window"
            value={draft.window}
            onChange={(e) => setDraft({ ...draft, window: e.target.value as TierSettings['window'] })}
          >
            {TIER_WINDOWS.map((window) => (
              <option key={window} value={window}>
                {labelOf(tMain, 'tier.window', window)}
              </option>
            ))}
          </select>
        </FormField>
        <FormField
          label={t('qualify.graceDays')}
          testId="tier-settings-grace"
          error={err('graceDays')}
          hint={t('qualify.graceHint')}
        >
          <input
            data-testid="tier-settings-grace"
            type="number"
            min={0}
            max={365}
            step={1}
            aria-invalid={err('graceDays') ? true : undefined}
            value={draft.graceDays}
            onChange={(e) => setDraft({ ...draft, graceDays: e.target.value })}
          />
        </FormField>
      </fieldset>
      {changedMetric && (
        <p className="notice warning-notice small" data-testid="tier-settings-metric-warning">
          {t('qualify.metricWarning')}
        </p>
      )}
      <SaveOutcomeNote outcome={outcome} t={t} prefix="tier-settings" onReload={onReload} />
      {mayWrite && (
        <div>
          <button
            type="button"
            className="button primary"
            data-testid="tier-settings-save"
            disabled={busy}
            onClick={submit}
          >
            {busy ? t('common.saving') : t('qualify.save')}
          </button>
        </div>
      )}
    </section>
  );
}

// --- the ladder --------------------------------------------------------------------------------

const ROW_FIELDS = new Set([
  'id',
  'nameZh',
  'nameEn',
  'entryThreshold',
  'retainThreshold',
  'benefits.earningMultiplier',
  'color',
]);

function TierCard({
  row,
  index,
  count,
  unit,
  errors,
  mayWrite,
  onChange,
  onMove,
  onRemove,
  t,
}: {
  row: TierRow;
  index: number;
  count: number;
  unit: string;
  errors: ReadonlyMap<string, string>;
  mayWrite: boolean;
  onChange: (row: TierRow, field: string) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
  t: ProgrammeTranslate;
}) {
  const { language } = useI18n();
  const set = (patch: Partial<TierRow>, field: string) => onChange({ ...row, ...patch }, field);
  const err = (field: string) => errors.get(field);
  const extraError = (name: string) => errors.get(`benefits.${name}`);
  const extraNames = new Set(row.extras.map((e) => `benefits.${e.name.trim()}`));
  const rowLevel = [...errors]
    .filter(([field]) => !ROW_FIELDS.has(field) && !extraNames.has(field))
    .map(([field, message]) => (field ? `${field}: ${message}` : message));
  const name =
    tierName({ nameZh: row.nameZh, nameEn: row.nameEn, id: row.id }, language) || t('ladder.newTier');
  return (
    <li
      className="tier-card"
      data-testid="tier-card"
      data-tier-id={row.id}
      data-index={index}
      style={{ '--tier-color': row.color || undefined } as React.CSSProperties}
    >
      <div className="tier-card-head">
        <span className="tier-position">{index + 1}</span>
        <strong>{name}</strong>
        {index === 0 && <span className="badge">{t('ladder.entryTier')}</span>}
        {row.savedId === null && <span className="badge status-active">{t('ladder.added')}</span>}
        <span className="spacer" />
        {mayWrite && (
          <>
            <button
              type="button"
              className="button secondary small-button"
              data-testid="tier-up"
              aria-label={t('ladder.moveLower', { tier: name })}
              title={t('ladder.moveLower', { tier: name })}
              disabled={index === 0}
              onClick={() => onMove(-1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="button secondary small-button"
              data-testid="tier-down"
              aria-label={t('ladder.moveHigher', { tier: name })}
              title={t('ladder.moveHigher', { tier: name })}
              disabled={index === count - 1}
              onClick={() => onMove(1)}
            >
              ↓
            </button>
            <button
              type="button"
              className="button danger-outline small-button"
              data-testid="tier-remove"
              disabled={count === 1}
              onClick={onRemove}
            >
              {t('ladder.remove')}
            </button>
          </>
        )}
      </div>
      <fieldset className="tier-grid" disabled={!mayWrite}>
        <legend className="visually-hidden">{name}</legend>
        <FormField
          label={t('ladder.id')}
          testId="tier-id"
          error={err('id')}
          hint={row.savedId ? t('ladder.idFixed') : t('ladder.idHint')}
        >
          <input
            data-testid="tier-id"
            autoComplete="off"
            readOnly={row.savedId !== null}
            aria-invalid={err('id') ? true : undefined}
            value={row.id}
            onChange={(e) => set({ id: e.target.value }, 'id')}
          />
        </FormField>
        <FormField label={t('ladder.nameZh')} testId="tier-name-zh" error={err('nameZh')}>
          <input
            data-testid="tier-name-zh"
            maxLength={40}
            aria-invalid={err('nameZh') ? true : undefined}
            value={row.nameZh}
            onChange={(e) => set({ nameZh: e.target.value }, 'nameZh')}
          />
        </FormField>
        <FormField label={t('ladder.nameEn')} testId="tier-name-en" error={err('nameEn')}>
          <input
            data-testid="tier-name-en"
            maxLength={40}
            aria-invalid={err('nameEn') ? true : undefined}
            value={row.nameEn}
            onChange={(e) => set({ nameEn: e.target.value }, 'nameEn')}
          />
        </FormField>
        <FormField label={t('ladder.color')} testId="tier-color" error={err('color')}>
          <span className="color-input">
            <input
              type="color"
              data-testid="tier-color"
              value={row.color || '#cbd5e1'}
              onChange={(e) => set({ color: e.target.value.toUpperCase() }, 'color')}
            />
            {row.color && (
              <button type="button" className="button link" onClick={() => set({ color: '' }, 'color')}>
                {t('ladder.noColor')}
              </button>
            )}
          </span>
        </FormField>
        <FormField
          label={t('ladder.entry', { unit })}
          testId="tier-entry"
          error={err('entryThreshold')}
          hint={index === 0 ? t('ladder.entryFirst') : t('ladder.entryHint')}
        >
          <input
            data-testid="tier-entry"
            type="number"
            min={0}
            step="any"
            aria-invalid={err('entryThreshold') ? true : undefined}
            value={row.entry}
            onChange={(e) => set({ entry: e.target.value }, 'entryThreshold')}
          />
        </FormField>
        <FormField
          label={t('ladder.retain', { unit })}
          testId="tier-retain"
          error={err('retainThreshold')}
          hint={t('ladder.retainHint')}
        >
          <input
            data-testid="tier-retain"
            type="number"
            min={0}
            step="any"
            aria-invalid={err('retainThreshold') ? true : undefined}
            value={row.retain}
            onChange={(e) => set({ retain: e.target.value }, 'retainThreshold')}
          />
        </FormField>
        <FormField
          label={t('ladder.multiplier')}
          testId="tier-multiplier"
          error={err('benefits.earningMultiplier')}
          hint={t('ladder.multiplierHint')}
        >
          <input
            data-testid="tier-multiplier"
            type="number"
            min={1}
            max={10}
            step={0.01}
            aria-invalid={err('benefits.earningMultiplier') ? true : undefined}
            value={row.multiplier}
            onChange={(e) => set({ multiplier: e.target.value }, 'benefits.earningMultiplier')}
          />
        </FormField>
        <div className="field">
          <span>{t('ladder.benefits')}</span>
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="tier-free-shipping"
              checked={row.freeShipping}
              onChange={(e) => set({ freeShipping: e.target.checked }, 'benefits.freeShipping')}
            />
            {t('ladder.freeShipping')}
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="tier-birthday-gift"
              checked={row.birthdayGift}
              onChange={(e) => set({ birthdayGift: e.target.checked }, 'benefits.birthdayGift')}
            />
            {t('ladder.birthdayGift')}
          </label>
        </div>
        <div className="field span-2 benefit-list">
          <span>{t('ladder.otherBenefits')}</span>
          {row.extras.map((extra) => (
            <div key={extra.key} className="benefit-row" data-testid="tier-benefit">
              <input
                data-testid="tier-benefit-name"
                aria-label={t('ladder.benefitName')}
                placeholder={t('ladder.benefitName')}
                value={extra.name}
                onChange={(e) =>
                  set(
                    {
                      extras: row.extras.map((x) =>
                        x.key === extra.key ? { ...x, name: e.target.value } : x,
                      ),
                    },
                    `benefits.${extra.name}`,
                  )
                }
              />
              <input
                data-testid="tier-benefit-value"
                aria-label={t('ladder.benefitValue')}
                placeholder={t('ladder.benefitValuePlaceholder')}
                value={extra.value}
                onChange={(e) =>
                  set(
                    {
                      extras: row.extras.map((x) =>
                        x.key === extra.key ? { ...x, value: e.target.value } : x,
                      ),
                    },
                    `benefits.${extra.name}`,
                  )
                }
              />
              {mayWrite && (
                <button
                  type="button"
                  className="button link"
                  aria-label={t('ladder.benefitRemove')}
                  onClick={() =>
                    set({ extras: row.extras.filter((x) => x.key !== extra.key) }, `benefits.${extra.name}`)
                  }
                >
                  ×
                </button>
              )}
              {extraError(extra.name.trim()) && (
                <small className="field-error" data-testid="tier-benefit-error">
                  {extraError(extra.name.trim())}
                </small>
              )}
            </div>
          ))}
          {mayWrite && (
            <div>
              <button
                type="button"
                className="button secondary small-button"
                data-testid="tier-benefit-add"
                onClick={() =>
                  set({ extras: [...row.extras, { key: rowKey(), name: '', value: 'true' }] }, '')
                }
              >
                {t('ladder.benefitAdd')}
              </button>
            </div>
          )}
        </div>
      </fieldset>
      {rowLevel.length > 0 && (
        <small className="field-error" data-testid="tier-error">
          {rowLevel.join('; ')}
        </small>
      )}
    </li>
  );
}

/** The removed tier a TIER_IN_USE detail is about (its `tierId`, else its path `memberMapping.<id>`). */
function inUseId(entry: TierInUse): string {
  return entry.tierId ?? entry.path?.replace(/^memberMapping\./, '') ?? '';
}

/** 409 TIER_IN_USE: where the members of each removed tier go. */
function MappingPanel({
  inUse,
  rows,
  mapping,
  onMapping,
  onSave,
  onCancel,
  busy,
  t,
}: {
  inUse: TierInUse[];
  rows: readonly TierRow[];
  mapping: Record<string, string>;
  onMapping: (mapping: Record<string, string>) => void;
  onSave: () => void;
  onCancel: () => void;
  busy: boolean;
  t: ProgrammeTranslate;
}) {
  const { language, locale } = useI18n();
  return (
    <div className="mapping" role="alert" data-testid="tiers-mapping">
      <strong>{t('mapping.title')}</strong>
      <p className="small">{t('mapping.intro')}</p>
      {inUse.map((entry) => {
        const id = inUseId(entry);
        return (
          <label key={id} className="mapping-row">
            <span>
              {t('mapping.row', {
                members: entry.members === undefined ? '?' : formatNumber(entry.members, locale),
                tier: id,
              })}
            </span>
            <select
              data-testid="tiers-mapping-select"
              data-tier-id={id}
              value={mapping[id] ?? ''}
              onChange={(e) => onMapping({ ...mapping, [id]: e.target.value })}
            >
              <option value="">{t('mapping.choose')}</option>
              {rows
                .filter((row) => row.id.trim() !== '')
                .map((row) => (
                  <option key={row.key} value={row.id.trim()}>
                    {tierName({ nameZh: row.nameZh, nameEn: row.nameEn, id: row.id }, language)}
                  </option>
                ))}
            </select>
          </label>
        );
      })}
      <div className="mapping-row">
        <button
          type="button"
          className="button primary"
          data-testid="tiers-mapping-save"
          disabled={busy || inUse.some((entry) => !mapping[inUseId(entry)])}
          onClick={onSave}
        >
          {t('mapping.save')}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          {t('mapping.cancel')}
        </button>
      </div>
    </div>
  );
}

type LadderOutcome =
  | { kind: 'saved' }
  | { kind: 'invalid'; errors: PathErrors; rows: readonly TierRow[] }
  | { kind: 'inUse'; tiers: TierInUse[] }
  | { kind: 'error'; error: unknown }
  | null;

function LadderEditor({
  ladder,
  mayWrite,
  t,
}: {
  ladder: TierLadder;
  mayWrite: boolean;
  t: ProgrammeTranslate;
}) {
  const { t: tMain } = useI18n();
  const { metric, currency } = ladder.settings;
  const [saved, setSaved] = useState(ladder);
  const [rows, setRows] = useState<TierRow[]>(() => rowsFrom(ladder));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<LadderOutcome>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  // Validation details by row key (taken when the save failed, so they follow a moved row).
  const [rowErrors, setRowErrors] = useState<Map<string, Map<string, string>>>(new Map());
  const unit = metric === 'spend' ? currency : t('ladder.points');
  const baseline = useMemo(
    () => JSON.stringify(ladderTiers(rowsFrom(saved), metric, currency)),
    [saved, metric, currency],
  );
  const dirty = JSON.stringify(ladderTiers(rows, metric, currency)) !== baseline;

  const change = (index: number, row: TierRow, field: string) => {
    setRows(rows.map((r, i) => (i === index ? row : r)));
    if (outcome?.kind === 'saved') setOutcome(null);
    const fields = rowErrors.get(row.key);
    if (fields?.has(field)) {
      const next = new Map(rowErrors);
      const remaining = new Map(fields);
      remaining.delete(field);
      next.set(row.key, remaining);
      setRowErrors(next);
    }
  };
  const move = (index: number, by: -1 | 1) => {
    const next = [...rows];
    const [row] = next.splice(index, 1);
    if (row) next.splice(index + by, 0, row);
    setRows(next);
  };

  const save = async (withMapping: Record<string, string> | null) => {
    setBusy(true);
    try {
      const body = {
        tiers: ladderTiers(rows, metric, currency),
        ...(withMapping ? { memberMapping: withMapping } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        // The ladder as read: if someone saved since, the server answers TIER_LADDER_CONFLICT.
        updatedAt: saved.updatedAt,
      };
      const next = await api<TierLadder>('/v1/loyalty/tiers', { method: 'PUT', body });
      setSaved(next);
      setRows(rowsFrom(next));
      setRowErrors(new Map());
      setMapping({});
      setReason('');
      setOutcome({ kind: 'saved' });
    } catch (error) {
      if (isValidationError(error)) {
        const errors = pathErrorsOf(error);
        const { byRow, rest } = rowErrorsOf(errors, rows);
        setRowErrors(byRow);
        setOutcome({ kind: 'invalid', errors: rest, rows });
      } else if (error instanceof ApiError && error.code === 'TIER_IN_USE') {
        setOutcome({ kind: 'inUse', tiers: error.details as TierInUse[] });
      } else {
        setOutcome({ kind: 'error', error });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="ladder-h" data-testid="tier-ladder">
      <div className="card-head">
        <h2 id="ladder-h">{t('ladder.title')}</h2>
        {dirty && mayWrite && (
          <span className="badge status-suspended" data-testid="tiers-dirty">
            {t('common.unsaved')}
          </span>
        )}
      </div>
      <p className="muted small">
        {metric === 'spend'
          ? t('ladder.introSpend', {
              currency,
              window: labelOf(tMain, 'tier.window', ladder.settings.window),
            })
          : t('ladder.introPoints', { window: labelOf(tMain, 'tier.window', ladder.settings.window) })}
      </p>
      <ol className="tier-cards">
        {rows.map((row, index) => (
          <TierCard
            key={row.key}
            row={row}
            index={index}
            count={rows.length}
            unit={unit}
            errors={rowErrors.get(row.key) ?? new Map()}
            mayWrite={mayWrite}
            onChange={(next, field) => change(index, next, field)}
            onMove={(by) => move(index, by)}
            onRemove={() => setRows(rows.filter((r) => r.key !== row.key))}
            t={t}
          />
        ))}
      </ol>
      {mayWrite && (
        <>
          <div>
            <button
              type="button"
              className="button secondary"
              data-testid="tiers-add"
              onClick={() => setRows([...rows, newRow(rows[rows.length - 1])])}
            >
              {t('ladder.add')}
            </button>
          </div>
          <div className="form-row">
            <FormField
              label={t('ladder.reason')}
              testId="tiers-reason"
              hint={t('ladder.reasonHint')}
              className="grow"
            >
              <input
                data-testid="tiers-reason"
                maxLength={200}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            </FormField>
            <button
              type="button"
              className="button primary"
              data-testid="tiers-save"
              disabled={busy}
              onClick={() => save(null)}
            >
              {busy ? t('common.saving') : t('ladder.save')}
            </button>
          </div>
        </>
      )}
      {outcome?.kind === 'saved' && (
        <p className="notice" role="status" data-testid="tiers-saved">
          {t('ladder.saved')}
        </p>
      )}
      {outcome?.kind === 'invalid' && (
        <div className="form-error" role="alert" data-testid="tiers-invalid">
          {t('common.invalid')}
          {outcome.errors.size > 0 && (
            <ul className="problems-list" data-testid="tiers-errors">
              {[...outcome.errors].map(([path, message]) => (
                <li key={path}>{path ? `${path}: ${message}` : message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {outcome?.kind === 'inUse' && (
        <MappingPanel
          inUse={outcome.tiers}
          rows={rows}
          mapping={mapping}
          onMapping={setMapping}
          busy={busy}
          onSave={() => save(mapping)}
          onCancel={() => setOutcome(null)}
          t={t}
        />
      )}
      {outcome?.kind === 'error' && (
        <p className="form-error" role="alert" data-testid="tiers-error">
          {t('common.failed', { message: describeError(tMain, outcome.error) })}
        </p>
      )}
    </section>
  );
}

/** `/loyalty/tiers`: how members qualify, the ladder, and a recalculation of every member's tier. */
export default function TiersPage() {
  const t = usePageMessages(programmeMessages);
  const operator = useOperator();
  const mayWrite = hasScope(operator.role, 'loyalty:write');
  const { state, reload } = useAsync('tiers-page', loadTiers);
  const [metricChanged, setMetricChanged] = useState(false);
  return (
    <div className="page" data-testid="tiers-page">
      <div className="page-header">
        <h1>{t('tiers.title')}</h1>
        {mayWrite && <Recalculate t={t} />}
      </div>
      {!mayWrite && (
        <p className="notice small" data-testid="tiers-read-only">
          {t('common.readOnly')}
        </p>
      )}
      {metricChanged && (
        <p className="notice" role="status" data-testid="tier-settings-metric-changed">
          {t('qualify.metricChanged')}
        </p>
      )}
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {(state.status === 'loading' || !state.data) && state.status !== 'error' && <Loading />}
      {state.status === 'ok' && (
        <div className="editor-main" key={state.data.loadId}>
          <QualificationCard
            initial={state.data.programme}
            mayWrite={mayWrite}
            onMetricChanged={() => {
              setMetricChanged(true);
              reload();
            }}
            onReload={() => {
              setMetricChanged(false);
              reload();
            }}
            t={t}
          />
          <LadderEditor ladder={state.data.ladder} mayWrite={mayWrite} t={t} />
        </div>
      )}
    </div>
  );
}
