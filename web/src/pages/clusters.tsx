// `/insights/clusters`: the latest clustering run (k, when, silhouette per k), a card per cluster
// with its description, size and feature profile, its members, "Save as segment", and a new run.
import { useCallback, useMemo, useState } from 'react';
import { hasScope } from '../access.ts';
import { ApiError, api } from '../api/client.ts';
import type { Cluster, ClusterRun, Page, SegmentDto } from '../api/intelligence-types.ts';
import { useOperator } from '../api/session.tsx';
import { Kpi } from '../components/kpi.tsx';
import { describeError, Empty, ErrorState, Loading } from '../components/states.tsx';
import { formatDateTime, formatIsoDay, formatNumber } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { horizontalBarsOption, silhouetteOption } from './value-charts.ts';
import {
  biText,
  ChartBox,
  formatPercent,
  type IntelText,
  JobButton,
  MemberLink,
  useIntel,
} from './value-widgets.tsx';

const MEMBERS_PER_PAGE = 30;

/** The latest run, or null before the first one (404 or an empty answer). */
interface RunSummaryDto {
  id: string;
  createdAt: string;
  k: number;
  members: number;
}

/** A run (the latest when `id` is null) and the list of runs; null before the first run. */
async function loadRun(
  id: string | null,
  signal: AbortSignal,
): Promise<{ run: ClusterRun | null; runs: RunSummaryDto[] }> {
  try {
    const [run, runs] = await Promise.all([
      api<ClusterRun | null>(id === null ? '/v1/clusters/latest' : `/v1/clusters/${encodeURIComponent(id)}`, {
        signal,
      }),
      api<Page<RunSummaryDto>>('/v1/clusters', { query: { limit: 20 }, signal }),
    ]);
    return { run: run && Array.isArray(run.clusters) ? run : null, runs: runs.data };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { run: null, runs: [] };
    throw error;
  }
}

/** Earlier runs stay readable: a run can be picked from the last twenty. */
function RunPicker({
  runs,
  current,
  onPick,
  text,
}: {
  runs: RunSummaryDto[];
  current: string;
  onPick: (id: string | null) => void;
  text: IntelText;
}) {
  const { t, locale } = text;
  if (runs.length < 2) return null;
  return (
    <label className="inline-field">
      <span>{t('cl.pickRun')}</span>
      <select
        data-testid="cluster-run-select"
        value={current}
        onChange={(e) => onPick(e.target.value === runs[0]?.id ? null : e.target.value)}
      >
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {t('cl.runOption', { when: formatDateTime(r.createdAt, locale, 'short'), k: r.k })}
          </option>
        ))}
      </select>
    </label>
  );
}

function clusterPath(run: ClusterRun, index: number, suffix: string): string {
  return `/v1/clusters/${encodeURIComponent(run.id)}/clusters/${index}${suffix}`;
}

function ClusterMembers({ run, cluster, text }: { run: ClusterRun; cluster: Cluster; text: IntelText }) {
  const { t, tMain } = text;
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const { state } = useAsync(`cluster-members:${run.id}:${cluster.index}:${cursor ?? ''}`, (signal) =>
    api<Page<{ memberId: string }>>(clusterPath(run, cluster.index, '/members'), {
      query: { limit: MEMBERS_PER_PAGE, cursor },
      signal,
    }),
  );
  const page = state.data;
  return (
    <div data-testid="cluster-members">
      {state.status === 'error' && <p className="form-error small">{describeError(tMain, state.error)}</p>}
      {page && (
        <div className="chip-list">
          {page.data.map((m) => (
            <MemberLink key={m.memberId} id={m.memberId} testId="cluster-member" />
          ))}
        </div>
      )}
      <div className="pager-buttons">
        <button
          type="button"
          className="button secondary"
          disabled={cursors.length === 1}
          onClick={() => setCursors([undefined])}
        >
          {t('common.firstPage')}
        </button>
        <button
          type="button"
          className="button secondary"
          disabled={!page?.nextCursor}
          onClick={() => page?.nextCursor && setCursors((c) => [...c, page.nextCursor as string])}
        >
          {t('common.nextPage')}
        </button>
      </div>
    </div>
  );
}

function SaveAsSegment({ run, cluster, text }: { run: ClusterRun; cluster: Cluster; text: IntelText }) {
  const { t, tMain } = text;
  const [state, setState] = useState<
    | { status: 'idle' | 'saving' }
    | { status: 'saved'; segment: SegmentDto }
    | { status: 'error'; error: unknown }
  >({
    status: 'idle',
  });
  const save = async () => {
    setState({ status: 'saving' });
    try {
      const segment = await api<SegmentDto>(clusterPath(run, cluster.index, '/segment'), {
        method: 'POST',
        body: {},
      });
      setState({ status: 'saved', segment });
    } catch (error) {
      setState({ status: 'error', error });
    }
  };
  if (state.status === 'saved')
    return (
      <span className="small" data-testid="cluster-saved" data-segment-id={state.segment.id}>
        {t('cl.saved')}{' '}
        <Link
          to={`/insights/segments/${encodeURIComponent(state.segment.id)}`}
          data-testid="cluster-saved-link"
        >
          {state.segment.name}
        </Link>
      </span>
    );
  return (
    <>
      <button
        type="button"
        className="button secondary"
        data-testid="cluster-save-segment"
        disabled={state.status === 'saving'}
        onClick={save}
      >
        {state.status === 'saving' ? t('cl.saving') : t('cl.save')}
      </button>
      {state.status === 'error' && (
        <span className="form-error small" role="alert">
          {t('cl.saveFailed', { message: describeError(tMain, state.error) })}
        </span>
      )}
    </>
  );
}

function ClusterCard({
  run,
  cluster,
  mayWrite,
  text,
}: {
  run: ClusterRun;
  cluster: Cluster;
  mayWrite: boolean;
  text: IntelText;
}) {
  const { t, locale, zh } = text;
  const [open, setOpen] = useState(false);
  const profile = useMemo(() => {
    const rows = run.features.map((f) => ({
      label: biText(f.label, zh, f.name),
      value: cluster.centroid[f.name] ?? 0,
    }));
    return { rows, option: horizontalBarsOption(rows, t('cl.zSeries'), locale, { signed: true }) };
  }, [run, cluster, t, locale, zh]);
  return (
    <section
      className="card cluster-card"
      data-testid="cluster-card"
      data-index={cluster.index}
      aria-labelledby={`cluster-${cluster.index}-h`}
    >
      <div className="card-head">
        <h2 id={`cluster-${cluster.index}-h`}>{t('cl.cluster', { n: cluster.index + 1 })}</h2>
        <span className="muted small" data-testid="cluster-size" data-value={cluster.size}>
          {t('cl.share', {
            size: formatNumber(cluster.size, locale),
            share: formatPercent(cluster.share, locale, 1),
          })}
        </span>
      </div>
      <p data-testid="cluster-description">{biText(cluster.description, zh)}</p>
      <ChartBox
        testId={`chart-cluster-${cluster.index}`}
        title={t('cl.profile')}
        option={profile.option}
        points={profile.rows.length}
        height={Math.max(160, profile.rows.length * 22 + 24)}
      />
      <div className="actions-row">
        {mayWrite && <SaveAsSegment run={run} cluster={cluster} text={text} />}
        <button
          type="button"
          className="button link"
          data-testid="cluster-toggle-members"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {open ? t('cl.hideMembers') : t('cl.showMembers')}
        </button>
      </div>
      {open && <ClusterMembers run={run} cluster={cluster} text={text} />}
    </section>
  );
}

function RunSummary({ run, text }: { run: ClusterRun; text: IntelText }) {
  const { t, locale } = text;
  const silhouettes = useMemo(
    () => Object.entries(run.silhouettes ?? {}).sort((a, b) => Number(a[0]) - Number(b[0])),
    [run],
  );
  const option = useMemo(
    () => silhouetteOption(silhouettes, t('cl.silhouetteSeries'), run.k),
    [silhouettes, t, run.k],
  );
  return (
    <div className="chart-grid run-summary">
      <div className="kpi-grid">
        <Kpi testId="cluster-k" label={t('cl.k')} value={String(run.k)} raw={run.k} />
        <Kpi
          testId="cluster-when"
          label={t('cl.when')}
          value={formatIsoDay(run.createdAt, locale)}
          exact={formatDateTime(run.createdAt, locale)}
        />
        <Kpi
          testId="cluster-members-total"
          label={t('cl.members')}
          value={formatNumber(run.members, locale)}
          raw={run.members}
        />
        <Kpi label={t('cl.sample')} value={formatNumber(run.sampleSize, locale)} />
      </div>
      <ChartBox
        testId="chart-silhouettes"
        title={t('cl.silhouette')}
        option={option}
        points={silhouettes.length}
        height={180}
      />
    </div>
  );
}

/** The latest clustering and its clusters. */
export default function ClustersPage() {
  const text = useIntel();
  const { t } = text;
  const operator = useOperator();
  const [picked, setPicked] = useState<string | null>(null);
  const { state, reload } = useAsync(`/v1/clusters/${picked ?? 'latest'}`, (signal) =>
    loadRun(picked, signal),
  );
  const onDone = useCallback(() => {
    setPicked(null);
    reload();
  }, [reload]);
  const run = state.data?.run ?? null;
  const mayWrite = hasScope(operator.role, 'segments:write');
  return (
    <div className="page" data-testid="clusters-page">
      <div className="page-header">
        <h1>{t('cl.title')}</h1>
        {hasScope(operator.role, 'models:manage') && (
          <JobButton
            path="/v1/clusters/run"
            label={t('cl.run')}
            busyLabel={t('cl.running')}
            hint={t('cl.runHint')}
            progressLabel={t('cl.runLabel')}
            testId="clusters-run"
            onDone={onDone}
          />
        )}
      </div>
      <p className="muted">{t('cl.intro')}</p>
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && state.data === undefined && <Loading />}
      {state.status === 'ok' && run === null && <Empty>{t('cl.none')}</Empty>}
      {run && (
        <div data-testid="cluster-run" data-run-id={run.id}>
          <RunPicker runs={state.data?.runs ?? []} current={run.id} onPick={setPicked} text={text} />
          <RunSummary run={run} text={text} />
          <div className="cluster-grid">
            {run.clusters.map((cluster) => (
              <ClusterCard
                key={`${run.id}:${cluster.index}`}
                run={run}
                cluster={cluster}
                mayWrite={mayWrite}
                text={text}
              />
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
