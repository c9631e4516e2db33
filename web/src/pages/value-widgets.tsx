// Pieces the Insights pages and the member's value panel share: their texts, a chart card with a
// page-dictionary title, percentages, churn levels, and a button that starts a job and follows it.
import './intelligence.css';
import { useEffect, useState } from 'react';
import { mayOpen } from '../access.ts';
import { api } from '../api/client.ts';
import { type BiLabel, type JobStarted, startedJobId } from '../api/intelligence-types.ts';
import type { Job } from '../api/loyalty-types.ts';
import { useOperator } from '../api/session.tsx';
import { type ChartOption, EChart } from '../components/echart.tsx';
import { ProgressBar } from '../components/progress.tsx';
import { describeError } from '../components/states.tsx';
import { type Translate, useI18n, usePageMessages } from '../i18n/i18n.tsx';
import { type IntelligenceTranslate, intelligenceMessages } from '../i18n/intelligence.ts';
import { formatNumber } from '../lib/format.ts';
import { labelOf } from '../lib/loyalty-labels.ts';
import { Link } from '../lib/router.tsx';

export interface IntelText {
  t: IntelligenceTranslate;
  tMain: Translate;
  locale: string;
  zh: boolean;
}

/** The page texts, the shared ones, the number locale and whether labels are read in Chinese. */
export function useIntel(): IntelText {
  const { t: tMain, locale, language } = useI18n();
  const t = usePageMessages(intelligenceMessages);
  return { t, tMain, locale, zh: language === 'zh-CN' };
}

/** A label the server gives in both languages, in the reader's. */
export function biText(label: BiLabel | null | undefined, zh: boolean, fallback = ''): string {
  if (!label) return fallback;
  return (zh ? label.zh : label.en) || label.en || fallback;
}

/** 0.4231 → "42%" (or "42.3%" with one digit). */
export function formatPercent(ratio: number | null | undefined, locale: string, digits = 0): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(ratio);
}

export type RiskLevel = 'low' | 'medium' | 'high';

/** The churn-risk bands the dashboard colours by (the value overview counts high risk from 0.7). */
export function riskLevel(risk: number): RiskLevel {
  if (risk >= 0.7) return 'high';
  if (risk >= 0.3) return 'medium';
  return 'low';
}

/** A titled card with one chart; the title is already in the reader's language. */
export function ChartBox({
  testId,
  title,
  option,
  points,
  height,
  empty,
  wide,
}: {
  testId: string;
  title: string;
  option: ChartOption;
  points: number;
  height?: number;
  /** A note above the chart, e.g. why it has nothing to draw. */
  empty?: string;
  wide?: boolean;
}) {
  const { tMain } = useIntel();
  return (
    <section
      className={wide ? 'card chart-card wide' : 'card chart-card'}
      aria-labelledby={`${testId}-title`}
    >
      <h2 id={`${testId}-title`}>{title}</h2>
      {empty && <p className="muted small">{empty}</p>}
      <EChart
        testId={testId}
        option={option}
        points={points}
        label={tMain('overview.chartSummary', { title, count: points })}
        {...(height === undefined ? {} : { height })}
      />
    </section>
  );
}

const POLL_MS = 1_000;

function jobFraction(job: Job): number | null {
  if (job.status === 'succeeded') return 1;
  if (job.progress.fraction !== null && job.progress.fraction !== undefined) return job.progress.fraction;
  return job.progress.total ? job.progress.done / job.progress.total : null;
}

/**
 * A button that POSTs `path` (a 202 naming a job), then asks for the job every second until it
 * ends, with a progress bar; `onDone` runs when it succeeds.
 */
export function JobButton({
  path,
  label,
  busyLabel,
  hint,
  progressLabel,
  testId,
  onDone,
}: {
  path: string;
  label: string;
  busyLabel: string;
  hint: string;
  progressLabel: string;
  testId: string;
  onDone: () => void;
}) {
  const { t, tMain, locale } = useIntel();
  const operator = useOperator();
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const running = job !== null && (job.status === 'queued' || job.status === 'running');

  useEffect(() => {
    if (!job || !running) return;
    const timer = window.setTimeout(async () => {
      try {
        const next = await api<Job>(`/v1/jobs/${encodeURIComponent(job.id)}`);
        setJob(next);
        if (next.status === 'succeeded') onDone();
      } catch (err) {
        setError(err);
      }
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [job, running, onDone]);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api<JobStarted>(path, { method: 'POST', body: {} });
      const id = startedJobId(answer);
      // The 202 carries the job itself (contract change of 13:52); older answers only its id.
      const carried = answer.job as Partial<Job> | undefined;
      setJob(
        carried?.status && carried.progress
          ? (carried as Job)
          : await api<Job>(`/v1/jobs/${encodeURIComponent(id)}`),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const done = job ? formatNumber(job.progress.done, locale) : '';
  const text = job
    ? job.progress.total === null
      ? tMain('jobs.progressDone', { done })
      : tMain('jobs.progressOf', { done, total: formatNumber(job.progress.total, locale) })
    : '';
  return (
    <div className="job-box intel-job">
      <button
        type="button"
        className="button"
        data-testid={testId}
        disabled={busy || running}
        title={hint}
        onClick={start}
      >
        {running ? busyLabel : label}
      </button>
      {job && (
        <div data-testid={`${testId}-job`} data-job-id={job.id} data-status={job.status} role="status">
          <ProgressBar fraction={jobFraction(job)} label={progressLabel} valueText={text} />
          <span className="small">
            <span className="badge">{labelOf(tMain, 'jobs.status', job.status)}</span> {text}
            {job.error && <span className="field-error"> {t('job.failed', { message: job.error })}</span>}
            {mayOpen(operator.role, 'jobs') && (
              <>
                {' · '}
                <Link to="/loyalty/jobs">{t('job.openJobs')}</Link>
              </>
            )}
          </span>
        </div>
      )}
      {error !== null && (
        <p className="form-error small" role="alert" data-testid={`${testId}-error`}>
          {describeError(tMain, error)}
        </p>
      )}
    </div>
  );
}

/** A link to a member's page. */
export function MemberLink({ id, testId }: { id: string; testId?: string }) {
  return (
    <Link to={`/members/${encodeURIComponent(id)}`} className="mono" data-testid={testId} data-member-id={id}>
      {id}
    </Link>
  );
}
