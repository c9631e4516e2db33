// `/insights/recommendations`: the recommendation models — every training run with its validation
// metrics, the chosen run's candidates and training curve, a retrain that shows its progress, the
// A/B report (click-through per variant and day, intervals, conversion, p-value) and the settings.
import { useCallback, useMemo, useState } from 'react';
import { hasScope } from '../access.ts';
import { api } from '../api/client.ts';
import { useOperator } from '../api/session.tsx';
import type { Page } from '../api/types.ts';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { formatDateTime, formatIsoDay, formatNumber, utcDay } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { ctrDailyOption, curveOption, variantKey } from './recommend-charts.ts';
import { RecommendSettings } from './recommend-settings.tsx';
import type { CandidateRow, RecommendationReport, RecommendRun } from './recommend-types.ts';
import {
  formatCount,
  formatMetric,
  formatRatio,
  kindLabel,
  type RecText,
  useRec,
} from './recommend-widgets.tsx';
import { ChartBox, JobButton } from './value-widgets.tsx';

const RUNS_SHOWN = 20;
const PERIODS = [7, 30, 90] as const;

function loadRuns(signal: AbortSignal): Promise<Page<RecommendRun>> {
  return api<Page<RecommendRun>>('/v1/models', { query: { kind: 'recommend', limit: RUNS_SHOWN }, signal });
}

function seconds(value: number | undefined, text: RecText): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return text.t('rm.seconds', { n: formatNumber(Math.round(value * 10) / 10, text.locale) });
}

/** A ratio to a mean as "4.71×". */
function timesText(value: number | undefined, text: RecText): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return text.t('rm.times', {
    n: new Intl.NumberFormat(text.locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(
      value,
    ),
  });
}

function stateLabel(state: string, text: RecText): string {
  return state === 'active' || state === 'retired' || state === 'failed'
    ? text.t(`rm.state.${state}`)
    : state;
}

function RunsTable({
  runs,
  selected,
  onSelect,
  text,
}: {
  runs: RecommendRun[];
  selected: string;
  onSelect: (id: string) => void;
  text: RecText;
}) {
  const { t, locale } = text;
  // Runs are split into variants only while an experiment runs; otherwise the column says nothing.
  const hasVariants = runs.some((run) => run.params?.variant);
  return (
    <section className="card table-card" aria-labelledby="rec-runs-h">
      <div className="rec-pad">
        <h2 id="rec-runs-h">{t('rm.runs')}</h2>
        <p className="muted small">{t('rm.runsHint')}</p>
      </div>
      <div className="table-scroll">
        <table className="table compact" data-testid="rec-runs">
          <thead>
            <tr>
              <th>{t('rm.col.created')}</th>
              <th>{t('rm.col.dataThrough')}</th>
              <th>{t('rm.col.model')}</th>
              {hasVariants && <th>{t('rm.col.variant')}</th>}
              <th>{t('rm.col.state')}</th>
              <th className="num">{t('rm.col.ndcg')}</th>
              <th className="num">{t('rm.col.hr')}</th>
              <th className="num" title={t('rm.coverageHint')}>
                {t('rm.col.coverage')}
              </th>
              <th className="num" title={t('rm.popularityBiasHint')}>
                {t('rm.col.popularityBias')}
              </th>
              <th className="num">{t('rm.col.data')}</th>
              <th className="num">{t('rm.col.seconds')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => {
              const validation = run.metrics?.validation ?? {};
              const params = run.params ?? {};
              const active = run.id === selected;
              return (
                <tr
                  key={run.id}
                  className={active ? 'clickable rec-selected' : 'clickable'}
                  data-testid="rec-run"
                  data-run-id={run.id}
                  aria-current={active ? 'true' : undefined}
                  tabIndex={0}
                  onClick={() => onSelect(run.id)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      onSelect(run.id);
                    }
                  }}
                >
                  <td className="nowrap">{formatDateTime(run.createdAt, locale, 'short')}</td>
                  <td className="nowrap">{formatIsoDay(run.dataThrough, locale)}</td>
                  <td>
                    <span className="badge rec-model" data-testid="rec-run-kind">
                      {kindLabel(t, params.model ?? '—')}
                    </span>
                  </td>
                  {hasVariants && <td>{params.variant ?? t('common.none')}</td>}
                  <td>
                    <span className={`badge rec-state-${run.state}`}>{stateLabel(run.state, text)}</span>
                  </td>
                  <td className="num" data-testid="rec-run-ndcg" data-value={validation.ndcg}>
                    {formatMetric(validation.ndcg, locale)}
                  </td>
                  <td className="num" data-testid="rec-run-hr" data-value={validation.hr}>
                    {formatMetric(validation.hr, locale)}
                  </td>
                  <td className="num" data-testid="rec-run-coverage" data-value={validation.coverage}>
                    {formatRatio(validation.coverage, locale)}
                  </td>
                  <td
                    className="num"
                    data-testid="rec-run-popularity-bias"
                    data-value={validation.popularityBias}
                  >
                    {timesText(validation.popularityBias, text)}
                  </td>
                  <td className="num nowrap">
                    {formatCount(params.members, locale)} · {formatCount(params.items, locale)}
                  </td>
                  <td className="num nowrap">{seconds(run.metrics?.trainSeconds, text)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The candidate the run kept: same kind and hyper-parameters, else the best of its kind. */
function chosenIndex(run: RecommendRun, candidates: CandidateRow[]): number {
  const kind = run.params?.model;
  const hyper = JSON.stringify(run.params?.hyper ?? null);
  const exact = candidates.findIndex((c) => c.kind === kind && JSON.stringify(c.params ?? null) === hyper);
  if (exact >= 0) return exact;
  let best = -1;
  candidates.forEach((c, i) => {
    if (c.kind !== kind) return;
    if (best < 0 || (c.ndcg ?? -1) > (candidates[best]?.ndcg ?? -1)) best = i;
  });
  return best;
}

function paramsText(params: Record<string, unknown> | undefined): string {
  if (!params) return '—';
  const entries = Object.entries(params);
  return entries.length === 0 ? '—' : entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
}

function Candidates({ run, text }: { run: RecommendRun; text: RecText }) {
  const { t, locale } = text;
  const candidates = useMemo(
    () => [...(run.metrics?.candidates ?? [])].sort((a, b) => (b.ndcg ?? -1) - (a.ndcg ?? -1)),
    [run],
  );
  const chosen = chosenIndex(run, candidates);
  return (
    <section className="card table-card" aria-labelledby="rec-candidates-h">
      <div className="rec-pad">
        <h2 id="rec-candidates-h">{t('rm.candidates')}</h2>
        <p className="muted small">{candidates.length > 0 ? t('rm.candidatesHint') : t('rm.noCandidates')}</p>
      </div>
      {candidates.length > 0 && (
        <div className="table-scroll">
          <table className="table compact" data-testid="rec-candidates">
            <thead>
              <tr>
                <th>{t('rm.col.kind')}</th>
                <th>{t('rm.col.params')}</th>
                <th className="num">{t('rm.col.ndcg')}</th>
                <th className="num">{t('rm.col.hr')}</th>
                <th className="num">{t('rm.col.seconds')}</th>
              </tr>
            </thead>
            <tbody>
              {candidates.map((c, i) => (
                <tr
                  // biome-ignore lint/suspicious/noArrayIndexKey: a kind appears once per grid point; the index tells them apart.
                  key={i}
                  data-testid="rec-candidate"
                  data-kind={c.kind}
                  data-chosen={i === chosen ? 'true' : 'false'}
                  className={i === chosen ? 'rec-selected' : undefined}
                >
                  <td>
                    {kindLabel(t, c.kind)}
                    {i === chosen && <span className="badge rec-chosen">{t('rm.chosen')}</span>}
                  </td>
                  <td className="mono small">{paramsText(c.params)}</td>
                  <td className="num" data-value={c.ndcg}>
                    {formatMetric(c.ndcg, locale)}
                  </td>
                  <td className="num">{formatMetric(c.hr, locale)}</td>
                  <td className="num">{seconds(c.seconds, text)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RunDetail({ run, text }: { run: RecommendRun; text: RecText }) {
  const { t, locale } = text;
  const curve = run.metrics?.curve ?? [];
  const option = useMemo(
    () =>
      curveOption(
        curve,
        {
          loss: t('rm.series.loss'),
          ndcg: t('rm.series.ndcg'),
          iteration: (n) => t('rm.axis.iteration', { n }),
        },
        locale,
      ),
    [curve, t, locale],
  );
  return (
    <div className="rec-run-detail" data-testid="rec-run-detail" data-run-id={run.id}>
      <h2 className="rec-run-title">{t('rm.run', { id: run.id })}</h2>
      <p className="muted small" data-testid="rec-run-meta">
        {t('rm.runMeta', {
          created: formatDateTime(run.createdAt, locale),
          dataThrough: formatIsoDay(run.dataThrough, locale),
          interactions: formatCount(run.params?.interactions, locale),
        })}
      </p>
      <div className="rec-run-parts">
        <Candidates run={run} text={text} />
        <ChartBox
          testId="chart-rec-curve"
          title={t('rm.curve')}
          option={option}
          points={curve.length}
          empty={curve.length === 0 ? t('rm.noCurve') : undefined}
          height={260}
          wide
        />
      </div>
    </div>
  );
}

function ReportTable({ report, text }: { report: RecommendationReport; text: RecText }) {
  const { t, locale } = text;
  return (
    <div className="table-scroll">
      <table className="table compact" data-testid="rec-ab-table">
        <thead>
          <tr>
            <th>{t('rm.col.variant')}</th>
            <th>{t('rm.col.model')}</th>
            <th className="num">{t('rm.col.lists')}</th>
            <th className="num">{t('rm.col.members')}</th>
            <th className="num">{t('rm.col.shown')}</th>
            <th className="num">{t('rm.col.clicks')}</th>
            <th className="num">{t('rm.col.ctr')}</th>
            <th className="num">{t('rm.col.ctrInterval')}</th>
            <th className="num">{t('rm.col.carts')}</th>
            <th className="num">{t('rm.col.orders')}</th>
            <th className="num">{t('rm.col.conversion')}</th>
          </tr>
        </thead>
        <tbody>
          {report.variants.map((v) => (
            <tr
              key={`${v.variant ?? ''}:${v.modelId ?? ''}`}
              data-testid="rec-ab-row"
              data-variant={v.variant ?? ''}
            >
              <td>{variantKey(v.variant, t('rm.noVariant'))}</td>
              <td>
                {v.modelKind ? kindLabel(t, v.modelKind) : '—'}
                {v.modelId && <div className="muted small mono">{v.modelId}</div>}
              </td>
              <td className="num">{formatCount(v.lists, locale)}</td>
              <td className="num">{formatCount(v.members, locale)}</td>
              <td className="num">{formatCount(v.itemsShown, locale)}</td>
              <td className="num">{formatCount(v.clicks, locale)}</td>
              <td className="num" data-testid="rec-ab-ctr" data-value={v.ctr ?? ''}>
                {formatRatio(v.ctr, locale, 2)}
              </td>
              <td className="num nowrap">
                {v.ctrLow === null || v.ctrHigh === null
                  ? '—'
                  : `${formatRatio(v.ctrLow, locale, 2)} – ${formatRatio(v.ctrHigh, locale, 2)}`}
              </td>
              <td className="num">{formatCount(v.carts, locale)}</td>
              <td className="num">{formatCount(v.orders, locale)}</td>
              <td className="num">{formatRatio(v.conversion, locale, 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Comparison({ report, text }: { report: RecommendationReport; text: RecText }) {
  const { t, locale } = text;
  const c = report.comparison;
  if (!c) return null;
  const lift =
    c.ctrLift === null
      ? '—'
      : new Intl.NumberFormat(locale, {
          style: 'percent',
          maximumFractionDigits: 1,
          signDisplay: 'always',
        }).format(c.ctrLift);
  const p = c.pValue === null ? '—' : c.pValue < 0.001 ? '< 0.001' : c.pValue.toFixed(3);
  return (
    <p className="notice" data-testid="rec-ab-comparison" data-p-value={c.pValue ?? ''}>
      {t('rm.comparison', { treatment: c.treatment, control: c.control, lift, p })}{' '}
      {c.pValue !== null && (c.pValue < 0.05 ? t('rm.significant') : t('rm.notSignificant'))}
    </p>
  );
}

function AbReport({ text }: { text: RecText }) {
  const { t, locale } = text;
  const [days, setDays] = useState<(typeof PERIODS)[number]>(30);
  const from = utcDay(-(days - 1));
  const to = utcDay(0);
  const { state, reload } = useAsync(`rec-report:${from}:${to}`, (signal) =>
    api<RecommendationReport>('/v1/recommendations/report', { query: { from, to }, signal }),
  );
  const report = state.data;
  const chart = useMemo(
    () => (report ? ctrDailyOption(report.daily, t('rm.noVariant'), locale) : null),
    [report, t, locale],
  );
  return (
    <section aria-labelledby="rec-ab-h" data-testid="rec-ab">
      <div className="page-header">
        <h2 id="rec-ab-h" className="section-title">
          {t('rm.ab')}
        </h2>
        <label className="inline-field">
          <span>{t('rm.period')}</span>
          <select
            data-testid="rec-ab-period"
            value={days}
            onChange={(e) => setDays(Number(e.target.value) as (typeof PERIODS)[number])}
          >
            {PERIODS.map((n) => (
              <option key={n} value={n}>
                {t('rm.days', { n })}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted small">{t('rm.abIntro')}</p>
      {state.status === 'error' && <ErrorState scope="section" error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !report && <Loading scope="section" />}
      {report && chart && state.status !== 'error' && (
        <div className={state.status === 'loading' ? 'refreshing' : undefined}>
          <ChartBox
            testId="chart-rec-ctr"
            title={t('rm.ctrChart')}
            option={chart.option}
            points={chart.points}
            empty={chart.points === 0 ? t('rm.noReport') : undefined}
            height={260}
            wide
          />
          <Comparison report={report} text={text} />
          {report.variants.length > 0 && (
            <section className="card table-card">
              <ReportTable report={report} text={text} />
            </section>
          )}
        </div>
      )}
    </section>
  );
}

/** The recommendation models at a glance. */
export default function RecommendModelsPage() {
  const text = useRec();
  const { t } = text;
  const operator = useOperator();
  const mayManage = hasScope(operator.role, 'models:manage');
  const { state, reload } = useAsync('/v1/models?kind=recommend', loadRuns);
  const [picked, setPicked] = useState<string | null>(null);
  const onTrained = useCallback(() => {
    setPicked(null);
    reload();
  }, [reload]);
  const runs = state.data?.data ?? [];
  const run = runs.find((r) => r.id === picked) ?? runs[0];
  return (
    <div className="page" data-testid="recommend-models-page">
      <div className="page-header">
        <h1>{t('rm.title')}</h1>
        {mayManage && (
          <JobButton
            path="/v1/models/recommend/train"
            label={t('rm.retrain')}
            busyLabel={t('rm.retraining')}
            hint={t('rm.retrainHint')}
            progressLabel={t('rm.retrainLabel')}
            testId="rec-retrain"
            onDone={onTrained}
          />
        )}
      </div>
      <p className="muted">{t('rm.intro')}</p>
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading />}
      {state.data && runs.length === 0 && <Empty>{t('rm.noRuns')}</Empty>}
      {run && (
        <div className={state.status === 'loading' ? 'overview-body refreshing' : 'overview-body'}>
          <RunsTable runs={runs} selected={run.id} onSelect={setPicked} text={text} />
          <RunDetail run={run} text={text} />
        </div>
      )}
      <AbReport text={text} />
      <section aria-labelledby="rec-settings-h">
        <h2 id="rec-settings-h" className="section-title">
          {t('rs.title')}
        </h2>
        <RecommendSettings mayWrite={mayManage} text={text} />
      </section>
    </div>
  );
}
