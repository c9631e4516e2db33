import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { AuditEntry, AuditVerifyResult, Page } from '../api/types.ts';
import { Pager, useCursorPages } from '../components/pager.tsx';
import { describeError, Empty, ErrorState, Loading } from '../components/states.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import { useAsync, useDebounced } from '../lib/use-async.ts';

const PAGE_SIZE = 50;

/** Actions the core service writes; the filter takes any other too. */
const KNOWN_ACTIONS = [
  'member.pii.read',
  'member.create',
  'member.update',
  'member.delete',
  'member.register',
  'member.password_change',
  'member.refresh_token_reuse',
  'operator.login',
  'operator.login_failed',
  'operator.create',
  'operator.update',
  'apikey.create',
  'apikey.revoke',
  'datakey.rotate',
];

interface AuditFilters {
  action: string;
  targetId: string;
  actorId: string;
  from: string;
  to: string;
}

const NO_FILTERS: AuditFilters = { action: '', targetId: '', actorId: '', from: '', to: '' };

/** Day inputs are UTC days: `from` opens the first, `to` closes the last one. */
function auditQuery(filters: AuditFilters, cursor: string | undefined) {
  return {
    limit: PAGE_SIZE,
    cursor,
    action: filters.action.trim(),
    targetId: filters.targetId.trim(),
    actorId: filters.actorId.trim(),
    from: filters.from ? `${filters.from}T00:00:00.000Z` : undefined,
    to: filters.to ? `${filters.to}T23:59:59.999Z` : undefined,
  };
}

function VerifyStatus() {
  const { t, locale } = useI18n();
  const { state, reload } = useAsync('audit-verify', (signal) =>
    api<AuditVerifyResult>('/v1/audit/verify', { signal }),
  );
  const result = state.status === 'ok' ? state.data : null;
  const problems = result?.problems.reduce((sum, p) => sum + (p.count ?? 1), 0) ?? 0;
  return (
    <section className="card verify-card" aria-labelledby="verify-h">
      <div className="card-head">
        <h2 id="verify-h">{t('audit.verify')}</h2>
        <button
          type="button"
          className="button secondary"
          onClick={reload}
          disabled={state.status === 'loading'}
        >
          {t('audit.verifyAgain')}
        </button>
      </div>
      <p
        data-testid="audit-verify-status"
        data-ok={result ? String(result.ok) : undefined}
        className={result ? (result.ok ? 'verify ok' : 'verify bad') : 'verify'}
        role="status"
      >
        {state.status === 'loading' && t('audit.verifying')}
        {state.status === 'error' && t('audit.verifyFailed', { message: describeError(t, state.error) })}
        {result?.ok && t('audit.verifyOk', { entries: formatNumber(result.entries, locale) })}
        {result &&
          !result.ok &&
          t('audit.verifyProblems', { count: problems, entries: formatNumber(result.entries, locale) })}
      </p>
      {result && result.problems.length > 0 && (
        <ul className="problems">
          {result.problems.map((p) => (
            <li key={`${p.seq}-${p.kind}`}>
              <span className="mono">#{p.seq}</span> {p.kind}: {p.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(valueText).join(', ');
  return JSON.stringify(value);
}

function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${valueText(value)}`)
    .join(' · ');
}

/** Long generated ids (op_01M8N4…) shortened to their ends; the full id is in the tooltip. */
function ShortId({ id }: { id: string }) {
  const short = id.length > 20 ? `${id.slice(0, 9)}…${id.slice(-6)}` : id;
  return (
    <span className="mono" title={id}>
      {short}
    </span>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const { locale } = useI18n();
  return (
    <tr data-testid="audit-row" data-action={entry.action} data-target-id={entry.targetId ?? ''}>
      <td className="mono muted">{entry.seq}</td>
      <td className="nowrap">{formatDateTime(entry.at, locale)}</td>
      <td>
        <span className="muted small">{entry.actorType}</span> <ShortId id={entry.actorId} />
      </td>
      <td>
        <span className="badge action">{entry.action}</span>
      </td>
      <td>
        {entry.targetType && <span className="muted small">{entry.targetType}</span>}{' '}
        <ShortId id={entry.targetId ?? ''} />
      </td>
      <td className="details small">{detailsText(entry.details)}</td>
    </tr>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const { t } = useI18n();
  return (
    <table className="table">
      <caption className="visually-hidden">{t('audit.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('audit.col.seq')}</th>
          <th scope="col">{t('audit.col.at')}</th>
          <th scope="col">{t('audit.col.actor')}</th>
          <th scope="col">{t('audit.col.action')}</th>
          <th scope="col">{t('audit.col.target')}</th>
          <th scope="col">{t('audit.col.details')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <AuditRow key={entry.id} entry={entry} />
        ))}
      </tbody>
    </table>
  );
}

const TEXT_FILTERS: { field: 'action' | 'targetId' | 'actorId'; label: MessageKey; testId: string }[] = [
  { field: 'action', label: 'audit.filterAction', testId: 'audit-filter-action' },
  { field: 'targetId', label: 'audit.filterTarget', testId: 'audit-filter-target' },
  { field: 'actorId', label: 'audit.filterActor', testId: 'audit-filter-actor' },
];

const DAY_FILTERS: { field: 'from' | 'to'; label: MessageKey; testId: string }[] = [
  { field: 'from', label: 'audit.filterFrom', testId: 'audit-filter-from' },
  { field: 'to', label: 'audit.filterTo', testId: 'audit-filter-to' },
];

interface FiltersFormProps {
  form: AuditFilters;
  onChange: (field: keyof AuditFilters, value: string) => void;
  onApply: () => void;
  onReset: () => void;
}

function FiltersForm({ form, onChange, onApply, onReset }: FiltersFormProps) {
  const { t } = useI18n();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply();
  };
  return (
    <form className="card toolbar filters" onSubmit={submit} aria-label={t('audit.filters')}>
      {TEXT_FILTERS.map(({ field, label, testId }) => (
        <label key={field} className="field">
          <span>{t(label)}</span>
          <input
            data-testid={testId}
            list={field === 'action' ? 'audit-actions' : undefined}
            maxLength={field === 'action' ? 64 : 128}
            value={form[field]}
            placeholder={field === 'action' ? t('audit.filterActionPlaceholder') : undefined}
            onChange={(e) => onChange(field, e.target.value)}
          />
        </label>
      ))}
      <datalist id="audit-actions">
        {KNOWN_ACTIONS.map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
      {DAY_FILTERS.map(({ field, label, testId }) => (
        <label key={field} className="field">
          <span>{t(label)}</span>
          <input
            type="date"
            data-testid={testId}
            value={form[field]}
            onChange={(e) => onChange(field, e.target.value)}
          />
        </label>
      ))}
      <div className="filter-buttons">
        <button type="submit" className="button primary" data-testid="audit-filter-submit">
          {t('common.apply')}
        </button>
        <button type="button" className="button secondary" onClick={onReset}>
          {t('common.reset')}
        </button>
      </div>
    </form>
  );
}

/** The audit log, newest first, filtered; and whether its hash chain is intact. */
export function AuditPage() {
  const { t } = useI18n();
  const [form, setForm] = useState<AuditFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  // Typing applies after a pause; Enter or Apply applies at once.
  const debounced = useDebounced(form, 500);
  useEffect(() => setFilters(debounced), [debounced]);
  const pages = useCursorPages();
  const key = JSON.stringify({ filters, cursor: pages.cursor });
  const { state, reload } = useAsync(key, (signal) =>
    api<Page<AuditEntry>>('/v1/audit', { query: auditQuery(filters, pages.cursor), signal }),
  );
  const apply = (next: AuditFilters) => {
    setForm(next);
    setFilters(next);
    pages.reset();
  };
  const page = state.data;
  const shown = state.status !== 'error' && page;

  return (
    <div className="page">
      <div className="page-header">
        <h1>{t('audit.title')}</h1>
      </div>
      <VerifyStatus />
      <FiltersForm
        form={form}
        onChange={(field, value) => {
          setForm((f) => ({ ...f, [field]: value }));
          pages.reset();
        }}
        onApply={() => apply(form)}
        onReset={() => apply(NO_FILTERS)}
      />
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !page && <Loading />}
      {shown && page.data.length === 0 && <Empty>{t('audit.empty')}</Empty>}
      {shown && page.data.length > 0 && (
        <div className={state.status === 'loading' ? 'card table-card refreshing' : 'card table-card'}>
          <AuditTable entries={page.data} />
          <Pager
            prefix="audit"
            page={pages.page}
            nextCursor={page.nextCursor}
            busy={state.status === 'loading'}
            onNext={pages.next}
            onPrevious={pages.previous}
          />
        </div>
      )}
    </div>
  );
}
