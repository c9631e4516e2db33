// `/insights/value`: the value model's view of the whole membership — KPIs, the CLV and P(alive)
// distributions, predicted churn by tier, the tier movers, and a retrain that shows its progress.
import { useCallback, useMemo } from 'react';
import { hasScope } from '../access.ts';
import { api } from '../api/client.ts';
import type {
  ChurnByTier,
  ModelDto,
  Mover,
  Page,
  TierRef,
  ValueOverview,
} from '../api/intelligence-types.ts';
import { useOperator } from '../api/session.tsx';
import { Kpi } from '../components/kpi.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { formatIsoDay, formatMoney, formatNumber } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { PALETTE } from './chart-theme.ts';
import { loadLadder, orNull } from './programme-api.ts';
import { churnByTierOption, histogramOption, moneyBucketLabel, percentBucketLabel } from './value-charts.ts';
import { Accuracy, MoverTable, metricAt } from './value-movers.tsx';
import { ChartBox, type IntelText, JobButton, useIntel } from './value-widgets.tsx';

const MOVERS_SHOWN = 10;

interface OverviewData {
  overview: ValueOverview;
  up: Mover[];
  down: Mover[];
  /** The ladder, to name the tiers movers carry by id. */
  tiers: TierRef[];
}

async function loadMovers(direction: 'up' | 'down', signal: AbortSignal): Promise<Mover[]> {
  try {
    const page = await api<Page<Mover>>('/v1/value/movers', {
      query: { direction, limit: MOVERS_SHOWN },
      signal,
    });
    return page.data;
  } catch (error) {
    if (error instanceof DOMException) throw error;
    return [];
  }
}

async function loadOverview(signal: AbortSignal): Promise<OverviewData> {
  const [overview, up, down, ladder] = await Promise.all([
    api<ValueOverview>('/v1/value/overview', { signal }),
    loadMovers('up', signal),
    loadMovers('down', signal),
    orNull(loadLadder(signal)),
  ]);
  // The overview may carry the lists itself; the movers route gives them when it exists.
  const listed = (value: number | Mover[] | undefined) =>
    Array.isArray(value) ? value.slice(0, MOVERS_SHOWN) : [];
  return {
    overview,
    up: up.length > 0 ? up : listed(overview.movers?.up),
    down: down.length > 0 ? down : listed(overview.movers?.down),
    tiers: ladder?.tiers ?? [],
  };
}

const AUC_PATHS = ['churnAuc', 'churn.auc', 'churn.rocAuc', 'auc'];

function Kpis({ overview, text }: { overview: ValueOverview; text: IntelText }) {
  const { t, locale } = text;
  const model: ModelDto | null = overview.model;
  const auc = metricAt(model?.metrics, AUC_PATHS);
  const money = (m: ValueOverview['totalClv']) => (m ? formatMoney(m, locale, { whole: true }) : '—');
  return (
    <div className="kpi-grid auto">
      <Kpi
        testId="kpi-scored"
        label={t('vo.kpi.scored')}
        value={formatNumber(overview.scored, locale)}
        raw={overview.scored}
      />
      <Kpi
        testId="kpi-total-clv"
        label={t('vo.kpi.totalClv')}
        value={money(overview.totalClv)}
        raw={overview.totalClv?.amount}
      />
      <Kpi
        testId="kpi-expected-spend"
        label={t('vo.kpi.expectedSpend')}
        value={money(overview.totalExpectedSpend)}
        raw={overview.totalExpectedSpend?.amount}
      />
      <Kpi
        testId="kpi-model-date"
        label={t('vo.kpi.model')}
        value={model ? formatIsoDay(model.createdAt, locale) : '—'}
        exact={
          model?.dataThrough
            ? t('vo.kpi.dataThrough', { date: formatIsoDay(model.dataThrough, locale) })
            : undefined
        }
      />
      <div className="kpi" title={t('vo.kpi.aucHint')}>
        <div className="kpi-label">{t('vo.kpi.auc')}</div>
        <div className="kpi-value" data-testid="kpi-churn-auc" data-value={auc ?? undefined}>
          {auc === null ? '—' : formatNumber(Math.round(auc * 1000) / 1000, locale)}
        </div>
      </div>
    </div>
  );
}

function Charts({ overview, text }: { overview: ValueOverview; text: IntelText }) {
  const { t, locale, zh } = text;
  const clv = useMemo(
    () =>
      histogramOption(
        overview.clvDistribution,
        moneyBucketLabel(overview.currency, locale),
        t('vo.series.members'),
        locale,
      ),
    [overview, t, locale],
  );
  const alive = useMemo(
    () =>
      histogramOption(
        overview.pAliveDistribution,
        percentBucketLabel,
        t('vo.series.members'),
        locale,
        PALETTE[2],
      ),
    [overview, t, locale],
  );
  const churn = useMemo(
    () =>
      churnByTierOption(
        overview.churnByTier,
        {
          tier: (row: ChurnByTier) => (zh ? row.nameZh : row.nameEn) || row.tierId || t('vo.noTierName'),
          meanRisk: t('vo.series.meanRisk'),
          highRisk: t('vo.series.highRisk'),
        },
        locale,
      ),
    [overview, t, locale, zh],
  );
  return (
    <div className="chart-grid">
      <ChartBox
        testId="chart-clv-distribution"
        title={t('vo.chart.clv')}
        option={clv}
        points={overview.clvDistribution.length}
        height={260}
      />
      <ChartBox
        testId="chart-palive-distribution"
        title={t('vo.chart.pAlive')}
        option={alive}
        points={overview.pAliveDistribution.length}
        height={260}
      />
      <ChartBox
        testId="chart-churn-by-tier"
        title={t('vo.chart.churnByTier')}
        option={churn}
        points={overview.churnByTier.length}
        empty={overview.churnByTier.every((r) => r.meanChurnRisk === null) ? t('vo.noChurn') : undefined}
        height={260}
        wide
      />
    </div>
  );
}

function countOf(value: number | Mover[] | undefined): number | null {
  return typeof value === 'number' ? value : null;
}

/** The value model at a glance. */
export default function ValueOverviewPage() {
  const text = useIntel();
  const { t } = text;
  const operator = useOperator();
  const { state, reload } = useAsync('/v1/value/overview', loadOverview);
  const onTrained = useCallback(() => reload(), [reload]);
  const data = state.data;
  return (
    <div className="page" data-testid="value-overview-page">
      <div className="page-header">
        <h1>{t('vo.title')}</h1>
        {hasScope(operator.role, 'models:manage') && (
          <JobButton
            path="/v1/models/value/train"
            label={t('vo.retrain')}
            busyLabel={t('vo.retraining')}
            hint={t('vo.retrainHint')}
            progressLabel={t('vo.retrainLabel')}
            testId="value-retrain"
            onDone={onTrained}
          />
        )}
      </div>
      <p className="muted">{t('vo.intro')}</p>
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !data && <Loading />}
      {data && (
        <div
          className={state.status === 'loading' ? 'overview-body refreshing' : 'overview-body'}
          aria-busy={state.status === 'loading'}
        >
          {!data.overview.model && <Empty>{t('vo.noModel')}</Empty>}
          <Kpis overview={data.overview} text={text} />
          <Charts overview={data.overview} text={text} />
          <h2 className="section-title">{t('vo.movers')}</h2>
          <Accuracy accuracy={data.overview.tierForecastAccuracy} text={text} />
          <div className="chart-grid">
            <MoverTable
              rows={data.up}
              direction="up"
              count={countOf(data.overview.movers?.up)}
              tiers={data.tiers}
              text={text}
            />
            <MoverTable
              rows={data.down}
              direction="down"
              count={countOf(data.overview.movers?.down)}
              tiers={data.tiers}
              text={text}
            />
          </div>
        </div>
      )}
    </div>
  );
}
