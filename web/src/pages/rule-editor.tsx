import './editors.css';
import { useMemo, useState } from 'react';
import { hasScope } from '../access.ts';
import { ApiError, api } from '../api/client.ts';
import type { TierName } from '../api/loyalty-types.ts';
import {
  ACTION_TYPES,
  type ActionType,
  CAP_PERIODS,
  type CapPeriod,
  RULE_STATUSES,
  RULE_TRIGGERS,
  type RuleDto,
  type RuleStatus,
  STACKING,
  type Stacking,
} from '../api/rules-types.ts';
import { useOperator } from '../api/session.tsx';
import { FormField } from '../components/form-field.tsx';
import { describeError, ErrorState, Loading } from '../components/states.tsx';
import { eventLabel, useI18n, usePageMessages } from '../i18n/i18n.tsx';
import { type RulesTranslate, rulesMessages } from '../i18n/rules.ts';
import { isValidationError, type PathErrors, pathErrorsOf, unshownErrors } from '../lib/field-errors.ts';
import { localZoneLabel } from '../lib/minor-units.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { DEFAULT_CURRENCY, loadLadder, loadProgramme, orNull } from './programme-api.ts';
import { ConditionBuilder } from './rule-condition.tsx';
import {
  defaultQualifying,
  draftFromJson,
  type GroupNode,
  newDraft,
  nodeErrorsOf,
  type RuleDraft,
  ruleInput,
} from './rule-draft.ts';
import { newSampleEvent, PreviewPanel, type SampleEvent, useRulePreview } from './rule-preview.tsx';
import type { ValueContext } from './rule-values.tsx';
import { RuleVersions } from './rule-versions.tsx';

interface EditorData {
  rule: RuleDto | null;
  currency: string;
  tiers: readonly TierName[];
  /** A new number per load: a reload (after a conflict) starts the form over. */
  loadId: number;
}

let loads = 0;
/** The rule just created, so its page (a new route) can say so. */
let justCreated: string | null = null;

async function loadEditor(id: string | null, signal: AbortSignal): Promise<EditorData> {
  const [rule, programme, ladder] = await Promise.all([
    id === null ? null : api<RuleDto>(`/v1/loyalty/rules/${encodeURIComponent(id)}`, { signal }),
    orNull(loadProgramme(signal)),
    orNull(loadLadder(signal)),
  ]);
  loads += 1;
  return {
    rule,
    currency: programme?.settings.currency ?? ladder?.settings.currency ?? DEFAULT_CURRENCY,
    tiers: ladder?.tiers ?? [],
    loadId: loads,
  };
}

/** Form fields whose paths the form shows next to them; anything else is listed above the form. */
const FORM_PATHS = new Set([
  'name',
  'description',
  'trigger',
  'status',
  'priority',
  'stacking',
  'action',
  'action.type',
  'action.points',
  'action.per',
  'action.factor',
  'cap',
  'cap.points',
  'cap.period',
  'validFrom',
  'validUntil',
  'qualifying',
]);

const isShown = (path: string) =>
  FORM_PATHS.has(path) || path === 'condition' || path.startsWith('condition.');

type Outcome =
  | { kind: 'created' }
  | { kind: 'saved'; version: number }
  | { kind: 'archived' }
  | { kind: 'invalid' }
  | { kind: 'conflict' }
  | { kind: 'error'; text: string }
  | null;

function Notice({ outcome, t, onReload }: { outcome: Outcome; t: RulesTranslate; onReload: () => void }) {
  if (!outcome) return null;
  switch (outcome.kind) {
    case 'created':
      return (
        <p className="notice" role="status" data-testid="rule-saved">
          {t('rule.created')}
        </p>
      );
    case 'saved':
      return (
        <p className="notice" role="status" data-testid="rule-saved">
          {t('rule.saved', { version: outcome.version })}
        </p>
      );
    case 'archived':
      return (
        <p className="notice" role="status" data-testid="rule-saved">
          {t('rule.archived')}
        </p>
      );
    case 'invalid':
      return (
        <p className="form-error" role="alert" data-testid="rule-invalid">
          {t('rule.invalid')}
        </p>
      );
    case 'conflict':
      return (
        <div className="form-error conflict" role="alert" data-testid="rule-conflict">
          <span>{t('rule.conflict')}</span>
          <button type="button" className="button secondary" data-testid="rule-reload" onClick={onReload}>
            {t('rule.reload')}
          </button>
        </div>
      );
    case 'error':
      return (
        <p className="form-error" role="alert" data-testid="rule-save-error">
          {outcome.text}
        </p>
      );
  }
}

function Editor({ data, onReload }: { data: EditorData; onReload: () => void }) {
  const t = usePageMessages(rulesMessages);
  const { t: tMain, locale, language } = useI18n();
  const operator = useOperator();
  const mayWrite = hasScope(operator.role, 'loyalty:write');
  const { currency, tiers } = data;
  const [loaded, setLoaded] = useState<RuleDto | null>(data.rule);
  const [draft, setDraft] = useState<RuleDraft>(() =>
    data.rule ? draftFromJson(data.rule, currency) : newDraft(),
  );
  const [outcome, setOutcome] = useState<Outcome>(() => {
    if (!data.rule || justCreated !== data.rule.id) return null;
    justCreated = null;
    return { kind: 'created' };
  });
  const [saveErrors, setSaveErrors] = useState<PathErrors | null>(null);
  const [saving, setSaving] = useState(false);
  const [confirmArchive, setConfirmArchive] = useState(false);
  const [json, setJson] = useState<{ text: string; error: string | null } | null>(null);
  const [sample, setSample] = useState<SampleEvent>(() => newSampleEvent(draft.trigger));
  const [withActive, setWithActive] = useState(false);
  const [versionsRefresh, setVersionsRefresh] = useState(0);

  const { input, paths } = useMemo(() => ruleInput(draft, currency), [draft, currency]);
  const baseline = useMemo(
    () => JSON.stringify(ruleInput(loaded ? draftFromJson(loaded, currency) : newDraft(), currency).input),
    [loaded, currency],
  );
  const dirty = JSON.stringify(input) !== baseline;
  const effectiveSample = sample.typeChosen ? sample : { ...sample, type: draft.trigger };
  const preview = useRulePreview({
    draft: input,
    paths,
    ruleId: loaded?.id ?? null,
    sample: effectiveSample,
    withActive,
    currency,
    untitled: t('rule.untitled'),
  });
  // The latest verdict on this draft: the failed save's, else the live preview's.
  const errors = saveErrors ?? preview.draftErrors?.errors ?? new Map<string, string>();
  const errorPaths = saveErrors ? paths : (preview.draftErrors?.paths ?? paths);
  const nodeErrors = useMemo(
    () => nodeErrorsOf(errors, errorPaths, draft.condition),
    [errors, errorPaths, draft.condition],
  );
  const rest = unshownErrors(errors, isShown);
  const ctx: ValueContext = { currency, tiers, locale, language, t, tMain };

  const edit = (next: RuleDraft) => {
    setDraft(next);
    setSaveErrors(null);
    setConfirmArchive(false);
    if (outcome?.kind !== 'conflict') setOutcome(null);
  };
  const update = (patch: Partial<RuleDraft>) => edit({ ...draft, ...patch });
  const err = (path: string) => errors.get(path);

  const failed = (error: unknown) => {
    if (isValidationError(error)) {
      setSaveErrors(pathErrorsOf(error));
      setOutcome({ kind: 'invalid' });
    } else if (error instanceof ApiError && error.code === 'LOYALTY_RULE_VERSION_CONFLICT') {
      setOutcome({ kind: 'conflict' });
    } else {
      setOutcome({ kind: 'error', text: t('rule.saveFailed', { message: describeError(tMain, error) }) });
    }
  };

  const saved = (rule: RuleDto, kind: 'saved' | 'archived') => {
    setLoaded(rule);
    setDraft(draftFromJson(rule, currency));
    setSaveErrors(null);
    setJson(null);
    setOutcome(kind === 'saved' ? { kind, version: rule.version } : { kind });
    setVersionsRefresh((n) => n + 1);
  };

  const save = async () => {
    if (!mayWrite || saving) return;
    setSaving(true);
    setOutcome(null);
    setConfirmArchive(false);
    try {
      if (loaded) {
        const rule = await api<RuleDto>(`/v1/loyalty/rules/${encodeURIComponent(loaded.id)}`, {
          method: 'PUT',
          body: { ...input, version: loaded.version },
        });
        saved(rule, 'saved');
      } else {
        const rule = await api<RuleDto>('/v1/loyalty/rules', { method: 'POST', body: input });
        justCreated = rule.id;
        navigate(`/loyalty/rules/${encodeURIComponent(rule.id)}`, { replace: true });
      }
    } catch (error) {
      failed(error);
    } finally {
      setSaving(false);
    }
  };

  const archive = async () => {
    if (!loaded || saving) return;
    setSaving(true);
    setOutcome(null);
    try {
      const rule = await api<RuleDto>(`/v1/loyalty/rules/${encodeURIComponent(loaded.id)}/archive`, {
        method: 'POST',
        body: { version: loaded.version },
      });
      saved(rule, 'archived');
    } catch (error) {
      failed(error);
    } finally {
      setSaving(false);
      setConfirmArchive(false);
    }
  };

  const body = loaded ? { ...input, version: loaded.version } : input;
  const showJson = () => setJson({ text: JSON.stringify(body, null, 2), error: null });
  const editJson = (text: string) => {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error(t('json.notObject'));
      setJson({ text, error: null });
      edit(draftFromJson(parsed as Record<string, unknown>, currency));
    } catch (error) {
      setJson({ text, error: error instanceof Error ? error.message : String(error) });
    }
  };

  const setAction = (patch: Partial<RuleDraft['action']>) =>
    update({ action: { ...draft.action, ...patch } });
  const setCap = (patch: Partial<RuleDraft['cap']>) => update({ cap: { ...draft.cap, ...patch } });
  const qualifying = draft.qualifying ?? defaultQualifying(draft.action.type);
  const zone = localZoneLabel();

  return (
    <div
      className="page rule-editor"
      data-testid="rule-editor"
      data-rule-id={loaded?.id ?? ''}
      data-version={loaded?.version ?? ''}
    >
      <div className="page-header">
        <div>
          <div className="breadcrumb">
            <Link to="/loyalty/rules" data-testid="rule-back">
              ← {t('rules.title')}
            </Link>
          </div>
          <h1>
            {loaded ? loaded.name : t('rule.new')}
            {loaded && (
              <span
                className={`badge title-badge rule-status-${loaded.status}`}
                data-testid="rule-status-badge"
              >
                {t(`status.${loaded.status}`)}
              </span>
            )}
            {loaded && <span className="badge title-badge">v{loaded.version}</span>}
            {dirty && mayWrite && (
              <span className="badge title-badge status-suspended" data-testid="rule-dirty">
                {t('rule.unsaved')}
              </span>
            )}
          </h1>
        </div>
        <span className="header-tools">
          <fieldset className="presets">
            <legend className="visually-hidden">{t('rule.view')}</legend>
            <button
              type="button"
              className={json ? 'chip' : 'chip active'}
              aria-pressed={!json}
              data-testid="rule-view-form"
              onClick={() => setJson(null)}
            >
              {t('rule.viewForm')}
            </button>
            <button
              type="button"
              className={json ? 'chip active' : 'chip'}
              aria-pressed={Boolean(json)}
              data-testid="rule-view-json"
              onClick={showJson}
            >
              JSON
            </button>
          </fieldset>
          {mayWrite && loaded && loaded.status !== 'archived' && !confirmArchive && (
            <button
              type="button"
              className="button danger-outline"
              data-testid="rule-archive"
              disabled={saving}
              onClick={() => setConfirmArchive(true)}
            >
              {t('rule.archive')}
            </button>
          )}
          {mayWrite && (
            <button
              type="button"
              className="button primary"
              data-testid="rule-save"
              disabled={saving}
              onClick={save}
            >
              {saving ? t('rule.saving') : loaded ? t('rule.save') : t('rule.create')}
            </button>
          )}
        </span>
      </div>
      {confirmArchive && (
        <div className="notice warning-notice confirm" role="alert" data-testid="rule-archive-confirm">
          <span>{dirty ? t('rule.archiveConfirmDirty') : t('rule.archiveConfirm')}</span>
          <button type="button" className="button danger" data-testid="rule-archive-yes" onClick={archive}>
            {t('rule.archiveYes')}
          </button>
          <button type="button" className="button secondary" onClick={() => setConfirmArchive(false)}>
            {tMain('common.cancel')}
          </button>
        </div>
      )}
      {!mayWrite && (
        <p className="notice small" data-testid="rule-read-only">
          {t('rule.readOnly')}
        </p>
      )}
      <Notice outcome={outcome} t={t} onReload={onReload} />
      {rest.length > 0 && (
        <ul className="form-error problems-list" data-testid="rule-errors">
          {rest.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      <div className="editor-layout">
        <div className="editor-main">
          {json ? (
            <section className="card" aria-labelledby="json-h" data-testid="rule-json">
              <div className="card-head">
                <h2 id="json-h">{t('json.title')}</h2>
              </div>
              <p className="muted small">{mayWrite ? t('json.hint') : t('json.hintReadOnly')}</p>
              <textarea
                className="json-text mono"
                data-testid="rule-json-text"
                spellCheck={false}
                readOnly={!mayWrite}
                aria-invalid={json.error ? true : undefined}
                value={json.text}
                onChange={(e) => editJson(e.target.value)}
              />
              {json.error && (
                <small className="field-error" data-testid="rule-json-error">
                  {t('json.error', { message: json.error })}
                </small>
              )}
            </section>
          ) : (
            <fieldset className="editor-fields" disabled={!mayWrite}>
              <legend className="visually-hidden">{t('rule.form')}</legend>
              <section className="card" aria-labelledby="basics-h">
                <h2 id="basics-h">{t('section.basics')}</h2>
                <div className="form-grid">
                  <FormField
                    label={t('field.name')}
                    testId="rule-name"
                    error={err('name')}
                    className="span-2"
                  >
                    <input
                      data-testid="rule-name"
                      maxLength={100}
                      autoComplete="off"
                      placeholder={t('field.namePlaceholder')}
                      aria-invalid={err('name') ? true : undefined}
                      value={draft.name}
                      onChange={(e) => update({ name: e.target.value })}
                    />
                  </FormField>
                  <FormField
                    label={t('field.description')}
                    testId="rule-description"
                    error={err('description')}
                    className="span-2"
                  >
                    <textarea
                      data-testid="rule-description"
                      rows={2}
                      maxLength={1000}
                      value={draft.description}
                      onChange={(e) => update({ description: e.target.value })}
                    />
                  </FormField>
                  <FormField
                    label={t('field.trigger')}
                    testId="rule-trigger"
                    error={err('trigger')}
                    hint={t('field.triggerHint')}
                  >
                    <select
                      data-testid="rule-trigger"
                      value={draft.trigger}
                      onChange={(e) => update({ trigger: e.target.value })}
                    >
                      {RULE_TRIGGERS.map((type) => (
                        <option key={type} value={type}>
                          {eventLabel(tMain, type)}
                        </option>
                      ))}
                    </select>
                  </FormField>
                  <FormField label={t('field.status')} testId="rule-status" error={err('status')}>
                    <select
                      data-testid="rule-status"
                      value={draft.status}
                      onChange={(e) => update({ status: e.target.value as RuleStatus })}
                    >
                      {RULE_STATUSES.map((status) => (
                        <option key={status} value={status}>
                          {t(`status.${status}`)}
                        </option>
                      ))}
                    </select>
                  </FormField>
                  <FormField
                    label={t('field.priority')}
                    testId="rule-priority"
                    error={err('priority')}
                    hint={t('field.priorityHint')}
                  >
                    <input
                      data-testid="rule-priority"
                      type="number"
                      min={0}
                      step={1}
                      aria-invalid={err('priority') ? true : undefined}
                      value={draft.priority}
                      onChange={(e) => update({ priority: e.target.value })}
                    />
                  </FormField>
                  <FormField
                    label={t('field.stacking')}
                    testId="rule-stacking"
                    error={err('stacking')}
                    hint={t(`stacking.${draft.stacking}Hint`)}
                  >
                    <select
                      data-testid="rule-stacking"
                      value={draft.stacking}
                      onChange={(e) => update({ stacking: e.target.value as Stacking })}
                    >
                      {STACKING.map((stacking) => (
                        <option key={stacking} value={stacking}>
                          {t(`stacking.${stacking}`)}
                        </option>
                      ))}
                    </select>
                  </FormField>
                </div>
              </section>

              <section className="card" aria-labelledby="condition-h">
                <div className="card-head">
                  <h2 id="condition-h">{t('section.condition')}</h2>
                </div>
                <p className="muted small">{t('section.conditionHint')}</p>
                <ConditionBuilder
                  root={draft.condition}
                  trigger={draft.trigger}
                  paths={paths}
                  errors={nodeErrors}
                  readOnly={!mayWrite}
                  ctx={ctx}
                  onChange={(condition: GroupNode) => update({ condition })}
                />
              </section>

              <section className="card" aria-labelledby="points-h">
                <h2 id="points-h">{t('section.points')}</h2>
                <div className="form-grid">
                  <FormField
                    label={t('field.action')}
                    testId="rule-action-type"
                    error={err('action.type') ?? err('action')}
                    hint={t(`action.hint.${draft.action.type}`)}
                    className="span-2"
                  >
                    <select
                      data-testid="rule-action-type"
                      value={draft.action.type}
                      onChange={(e) => setAction({ type: e.target.value as ActionType })}
                    >
                      {ACTION_TYPES.map((type) => (
                        <option key={type} value={type}>
                          {t(`action.${type}`)}
                        </option>
                      ))}
                    </select>
                  </FormField>
                  {(draft.action.type === 'per_amount' || draft.action.type === 'fixed') && (
                    <FormField
                      label={t('field.points')}
                      testId="rule-action-points"
                      error={err('action.points')}
                    >
                      <input
                        data-testid="rule-action-points"
                        type="number"
                        min={1}
                        step={1}
                        aria-invalid={err('action.points') ? true : undefined}
                        value={draft.action.points}
                        onChange={(e) => setAction({ points: e.target.value })}
                      />
                    </FormField>
                  )}
                  {draft.action.type === 'per_amount' && (
                    <FormField
                      label={t('field.per', { currency })}
                      testId="rule-action-per"
                      error={err('action.per')}
                      hint={t('field.perHint', { currency, per: draft.action.per || '1' })}
                    >
                      <input
                        data-testid="rule-action-per"
                        type="number"
                        min={1}
                        step={1}
                        aria-invalid={err('action.per') ? true : undefined}
                        value={draft.action.per}
                        onChange={(e) => setAction({ per: e.target.value })}
                      />
                    </FormField>
                  )}
                  {draft.action.type === 'multiplier' && (
                    <FormField
                      label={t('field.factor')}
                      testId="rule-action-factor"
                      error={err('action.factor')}
                      hint={t('field.factorHint')}
                    >
                      <input
                        data-testid="rule-action-factor"
                        type="number"
                        min={1}
                        max={100}
                        step="any"
                        aria-invalid={err('action.factor') ? true : undefined}
                        value={draft.action.factor}
                        onChange={(e) => setAction({ factor: e.target.value })}
                      />
                    </FormField>
                  )}
                  <div className="field span-2">
                    <label className="checkbox">
                      <input
                        type="checkbox"
                        data-testid="rule-qualifying"
                        checked={qualifying}
                        onChange={(e) => update({ qualifying: e.target.checked })}
                      />
                      {t('field.qualifying')}
                    </label>
                    <small className={err('qualifying') ? 'field-error' : 'muted'}>
                      {err('qualifying') ??
                        (draft.qualifying === null
                          ? t('field.qualifyingDefault')
                          : t('field.qualifyingHint'))}
                    </small>
                  </div>
                  <div className="field span-2">
                    <label className="checkbox">
                      <input
                        type="checkbox"
                        data-testid="rule-cap-on"
                        checked={draft.cap.on}
                        onChange={(e) => setCap({ on: e.target.checked })}
                      />
                      {t('field.capOn')}
                    </label>
                    {err('cap') && (
                      <small className="field-error" data-testid="rule-cap-error">
                        {err('cap')}
                      </small>
                    )}
                  </div>
                  {draft.cap.on && (
                    <>
                      <FormField
                        label={t('field.capPoints')}
                        testId="rule-cap-points"
                        error={err('cap.points')}
                      >
                        <input
                          data-testid="rule-cap-points"
                          type="number"
                          min={1}
                          step={1}
                          aria-invalid={err('cap.points') ? true : undefined}
                          value={draft.cap.points}
                          onChange={(e) => setCap({ points: e.target.value })}
                        />
                      </FormField>
                      <FormField
                        label={t('field.capPeriod')}
                        testId="rule-cap-period"
                        error={err('cap.period')}
                        hint={t('field.capHint')}
                      >
                        <select
                          data-testid="rule-cap-period"
                          value={draft.cap.period}
                          onChange={(e) => setCap({ period: e.target.value as CapPeriod })}
                        >
                          {CAP_PERIODS.map((period) => (
                            <option key={period} value={period}>
                              {t(`cap.period.${period}`)}
                            </option>
                          ))}
                        </select>
                      </FormField>
                    </>
                  )}
                </div>
              </section>

              <section className="card" aria-labelledby="window-h">
                <h2 id="window-h">{t('section.window')}</h2>
                <div className="form-grid">
                  <FormField
                    label={t('field.validFrom', { zone })}
                    testId="rule-valid-from"
                    error={err('validFrom')}
                    hint={t('field.validFromHint')}
                  >
                    <input
                      data-testid="rule-valid-from"
                      type="datetime-local"
                      aria-invalid={err('validFrom') ? true : undefined}
                      value={draft.validFrom}
                      onChange={(e) => update({ validFrom: e.target.value })}
                    />
                  </FormField>
                  <FormField
                    label={t('field.validUntil', { zone })}
                    testId="rule-valid-until"
                    error={err('validUntil')}
                    hint={t('field.validUntilHint')}
                  >
                    <input
                      data-testid="rule-valid-until"
                      type="datetime-local"
                      aria-invalid={err('validUntil') ? true : undefined}
                      value={draft.validUntil}
                      onChange={(e) => update({ validUntil: e.target.value })}
                    />
                  </FormField>
                </div>
              </section>
            </fieldset>
          )}
          {loaded && (
            <RuleVersions
              ruleId={loaded.id}
              refresh={versionsRefresh}
              currentVersion={loaded.version}
              currency={currency}
              t={t}
              onRestore={mayWrite ? (rule) => edit(draftFromJson(rule, currency)) : null}
            />
          )}
        </div>
        <aside className="editor-side">
          <PreviewPanel
            sample={effectiveSample}
            onSample={setSample}
            withActive={withActive}
            onWithActive={setWithActive}
            state={preview}
            ctx={ctx}
            mayReadMembers={hasScope(operator.role, 'members:read')}
          />
        </aside>
      </div>
    </div>
  );
}

/** `/loyalty/rules/new` and `/loyalty/rules/{id}`: the rule form, its versions and a live preview. */
export default function RuleEditorPage({ id }: { id: string | null }) {
  const t = usePageMessages(rulesMessages);
  const { state, reload } = useAsync(`rule-editor:${id ?? 'new'}`, (signal) => loadEditor(id, signal));
  if (state.status === 'error') {
    const missing = state.error instanceof ApiError && state.error.code === 'LOYALTY_RULE_NOT_FOUND';
    return (
      <div className="page">
        {missing ? (
          <div className="state state-empty state-page" data-testid="page-empty">
            <p>{t('rule.notFound', { id: id ?? '' })}</p>
            <Link to="/loyalty/rules">{t('rules.title')}</Link>
          </div>
        ) : (
          <ErrorState error={state.error} onRetry={reload} />
        )}
      </div>
    );
  }
  if (!state.data || state.status === 'loading') return <Loading />;
  return <Editor key={state.data.loadId} data={state.data} onReload={reload} />;
}
