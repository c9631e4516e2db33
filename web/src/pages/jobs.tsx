import { useEffect, useState } from 'react';
import { hasScope } from '../access.ts';
import { api } from '../api/client.ts';
import { JOB_STATUSES, type Job, type JobStatus } from '../api/loyalty-types.ts';
import { useOperator } from '../api/session.tsx';
import type { Page } from '../api/types.ts';
import { Pager, useCursorPages } from '../components/pager.tsx';
import { ProgressBar } from '../components/progress.tsx';
import { describeError, Empty, ErrorState, Loading } from '../components/states.tsx';
import { type Translate, useI18n } from '../i18n/i18n.tsx';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import { labelOf } from '../lib/loyalty-labels.ts';
import { useAsync } from '../lib/use-async.ts';

const PAGE_SIZE = 20;
/** How often a page showing queued or running jobs asks again. */
const POLL_MS = 2_000;

const STATUS_CLASS: Record<Job['status'], string> = {
  queued: '',
  running: 'kind-adjust',
  succeeded: 'status-active',
  failed: 'status-deleted',
  cancelled: 'status-suspended',
};

function isActive(job: Job): boolean {
  return job.status === 'queued' || job.status === 'running';
}

/** 0.4 s, 12 s, 3 min 4 s, 2 h 5 min: in the reader's units. */
export function formatDuration(ms: number, locale: string): string {
  const unit = (value: number, name: 'second' | 'minute' | 'hour') =>
    new Intl.NumberFormat(locale, {
      style: 'unit',
      unit: name,
      unitDisplay: 'short',
      maximumFractionDigits: 1,
    }).format(value);
  const seconds = ms / 1000;
  if (seconds < 60) return unit(seconds < 10 ? Math.round(seconds * 10) / 10 : Math.round(seconds), 'second');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${unit(minutes, 'minute')} ${unit(Math.round(seconds % 60), 'second')}`;
  return `${unit(Math.floor(minutes / 60), 'hour')} ${unit(minutes % 60, 'minute')}`;
}

/** JSON for a details box; strings as they are. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string')
    return error.message;
  return asText(error);
}

function progressText(job: Job, t: Translate, locale: string): string {
  const { done, total } = job.progress;
  return total === null
    ? t('jobs.progressDone', { done: formatNumber(done, locale) })
    : t('jobs.progressOf', { done: formatNumber(done, locale), total: formatNumber(total, locale) });
}

/** Cancel a queued or running job, or queue a failed or cancelled one again (jobs:manage). */
function JobActions({ job, onChanged }: { job: Job; onChanged: () => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const action = isActive(job)
    ? 'cancel'
    : job.status === 'failed' || job.status === 'cancelled'
      ? 'resume'
      : null;
  if (!action) return null;
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await api<Job>(`/v1/jobs/${encodeURIComponent(job.id)}/${action}`, { method: 'POST' });
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className={action === 'cancel' ? 'button danger-outline' : 'button secondary'}
        data-testid={`job-${action}`}
        disabled={busy}
        onClick={run}
      >
        {t(action === 'cancel' ? 'jobs.cancel' : 'jobs.resume')}
      </button>
      {error !== null && (
        <p className="form-error small" role="alert">
          {describeError(t, error)}
        </p>
      )}
    </>
  );
}

function JobRow({ job, manage, onChanged }: { job: Job; manage: boolean; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const fraction =
    job.status === 'succeeded'
      ? 1
      : (job.progress.fraction ?? (job.progress.total ? job.progress.done / job.progress.total : null));
  const text = progressText(job, t, locale);
  const ended = job.finishedAt ?? null;
  return (
    <tr data-testid="job-row" data-job-id={job.id} data-status={job.status} data-type={job.type}>
      <td>
        <strong>{labelOf(t, 'jobs.type', job.type)}</strong>
        <div className="mono small muted">{job.id}</div>
      </td>
      <td>
        <span className={`badge ${STATUS_CLASS[job.status] ?? ''}`} data-testid="job-status">
          {labelOf(t, 'jobs.status', job.status)}
        </span>
      </td>
      <td>
        <div className="job-progress">
          <ProgressBar
            testId="job-progress"
            fraction={fraction}
            label={t('jobs.progressLabel', { job: labelOf(t, 'jobs.type', job.type) })}
            valueText={text}
          />
          <span className="muted small">
            {text}
            {fraction !== null && job.status !== 'succeeded' && ` · ${Math.floor(fraction * 100)}%`}
          </span>
        </div>
      </td>
      <td className="nowrap small">{formatDateTime(job.createdAt, locale, 'short')}</td>
      <td className="nowrap small">
        {job.startedAt && ended
          ? formatDuration(Date.parse(ended) - Date.parse(job.startedAt), locale)
          : job.startedAt
            ? t('jobs.runningSince', { time: formatDateTime(job.startedAt, locale, 'short') })
            : t('common.none')}
      </td>
      <td className="details">
        {job.error !== null && job.error !== undefined && (
          <p className="job-error" data-testid="job-error">
            {errorText(job.error)}
          </p>
        )}
        {job.attempts !== undefined && job.attempts > 1 && (
          <p className="muted small">{t('jobs.attempts', { attempts: job.attempts })}</p>
        )}
        {job.result !== null && job.result !== undefined && (
          <details>
            <summary>{t('jobs.result')}</summary>
            <pre className="mono small">{asText(job.result)}</pre>
          </details>
        )}
        {job.params !== null && job.params !== undefined && (
          <details>
            <summary>{t('jobs.params')}</summary>
            <pre className="mono small">{asText(job.params)}</pre>
          </details>
        )}
      </td>
      {manage && (
        <td className="nowrap">
          <JobActions job={job} onChanged={onChanged} />
        </td>
      )}
    </tr>
  );
}

/** Background jobs (recalculations, imports, training), newest first; running ones update live. */
export default function JobsPage() {
  const { t } = useI18n();
  const operator = useOperator();
  const manage = hasScope(operator.role, 'jobs:manage');
  const [status, setStatus] = useState<'' | JobStatus>('');
  const pages = useCursorPages();
  const { state, reload } = useAsync(`/v1/jobs:${status}:${pages.cursor ?? ''}`, (signal) =>
    api<Page<Job>>('/v1/jobs', { query: { limit: PAGE_SIZE, cursor: pages.cursor, status }, signal }),
  );
  const active = state.data?.data.some(isActive) ?? false;

  // Ask again two seconds after each answer while a job on this page is still queued or running
  // (a failed answer stops the polling; its error state offers a retry).
  useEffect(() => {
    if (!active || state.status !== 'ok') return;
    const timer = window.setTimeout(reload, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [active, state, reload]);

  const jobs = state.data?.data ?? [];
  return (
    <div className="page">
      <div className="page-header">
        <h1>{t('jobs.title')}</h1>
        <span className="header-tools">
          <label className="inline-field">
            <span>{t('jobs.col.status')}</span>
            <select
              data-testid="jobs-filter-status"
              value={status}
              onChange={(e) => {
                setStatus(e.target.value as '' | JobStatus);
                pages.reset();
              }}
            >
              <option value="">{t('common.any')}</option>
              {JOB_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {labelOf(t, 'jobs.status', s)}
                </option>
              ))}
            </select>
          </label>
          {active && (
            <span className="muted small live" data-testid="jobs-live" role="status">
              {t('jobs.live')}
            </span>
          )}
          <button type="button" className="button secondary" data-testid="jobs-refresh" onClick={reload}>
            {t('jobs.refresh')}
          </button>
        </span>
      </div>
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading />}
      {state.status !== 'error' && state.data && jobs.length === 0 && <Empty>{t('jobs.empty')}</Empty>}
      {state.status !== 'error' && state.data && jobs.length > 0 && (
        <div className="card table-card">
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('jobs.col.job')}</th>
                  <th scope="col">{t('jobs.col.status')}</th>
                  <th scope="col">{t('jobs.col.progress')}</th>
                  <th scope="col">{t('jobs.col.created')}</th>
                  <th scope="col">{t('jobs.col.duration')}</th>
                  <th scope="col">{t('jobs.col.details')}</th>
                  {manage && (
                    <th scope="col">
                      <span className="visually-hidden">{t('jobs.col.actions')}</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {jobs.map((job) => (
                  <JobRow key={job.id} job={job} manage={manage} onChanged={reload} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            prefix="jobs"
            page={pages.page}
            nextCursor={state.data.nextCursor}
            busy={state.status === 'loading'}
            onNext={pages.next}
            onPrevious={pages.previous}
          />
        </div>
      )}
    </div>
  );
}
