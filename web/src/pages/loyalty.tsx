import { useMemo, useState } from 'react';
import { api } from '../api/client.ts';
import type { PointsStats, TierStats } from '../api/loyalty-types.ts';
import { ChartCard } from '../components/chart-card.tsx';
import { Kpi } from '../components/kpi.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatNumber } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { pointsFlowOption, tierDistributionOption, tierMonthlyOption } from './loyalty-charts.ts';

const PERIODS: { days: number; label: MessageKey }[] = [
  { days: 30, label: 'overview.last30' },
  { days: 90, label: 'overview.last90' },
  { days: 180, label: 'loyalty.last180' },
];
const DEFAULT_DAYS = 90;

/** Whole numbers up to ten million, compact above; the card's title has the exact figure. */
function headline(value: number, locale: string): string {
  return Math.abs(value) >= 10_000_000
    ? new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value)
    : formatNumber(value, locale);
}

interface PeriodTotals {
  earned: number;
  redeemed: number;
  expired: number;
  reversed: number;
  adjusted: number;
}

function totalsOf(stats: PointsStats): PeriodTotals {
  const totals: PeriodTotals = { earned: 0, redeemed: 0, expired: 0, reversed: 0, adjusted: 0 };
  for (const day of stats.daily) {
    totals.earned += day.earned;
    totals.redeemed += day.redeemed;
    totals.expired += day.expired;
    totals.reversed += day.reversed;
    totals.adjusted += day.adjusted;
  }
  return totals;
}

function Figure({
  testId,
  label,
  value,
  warn,
}: {
  testId: string;
  label: string;
  value: number;
  warn?: boolean;
}) {
  const { locale } = useI18n();
  return (
    <Kpi
      testId={testId}
      label={label}
      value={headline(value, locale)}
      exact={formatNumber(value, locale)}
      raw={value}
      tone={warn ? 'warning' : undefined}
    />
  );
}

/** Outstanding points (the programme's liability), what is about to expire, and the period's flow. */
function PointsSection({ stats, days }: { stats: PointsStats; days: number }) {
  const { t, locale } = useI18n();
  const totals = useMemo(() => totalsOf(stats), [stats]);
  const flow = useMemo(() => pointsFlowOption(stats, { t, locale }), [stats, t, locale]);
  const out = stats.outstanding;
  const quiet = stats.daily.every((d) => d.earned === 0 && d.redeemed === 0 && d.expired === 0);
  return (
    <>
      <section aria-labelledby="kpi-liability">
        <h2 id="kpi-liability" className="section-title">
          {t('loyalty.liabilityHeading')}
        </h2>
        <div className="kpi-grid auto">
          <Figure testId="kpi-points-available" label={t('loyalty.kpi.available')} value={out.available} />
          <Figure testId="kpi-points-pending" label={t('loyalty.kpi.pending')} value={out.pending} />
          <Figure
            testId="kpi-points-debt"
            label={t('loyalty.kpi.debt')}
            value={out.debt}
            warn={out.debt > 0}
          />
          <Figure testId="kpi-points-members" label={t('loyalty.kpi.members')} value={out.members} />
          <Figure
            testId="kpi-points-expiring-30d"
            label={t('loyalty.kpi.expiring30d')}
            value={stats.expiring.in30d}
          />
          <Figure
            testId="kpi-points-expiring-90d"
            label={t('loyalty.kpi.expiring90d')}
            value={stats.expiring.in90d}
          />
        </div>
      </section>
      <section aria-labelledby="kpi-period">
        <h2 id="kpi-period" className="section-title">
          {t('loyalty.periodHeading', { days })}
        </h2>
        <div className="kpi-grid">
          <Figure testId="kpi-points-earned" label={t('loyalty.kpi.earned')} value={totals.earned} />
          <Figure testId="kpi-points-redeemed" label={t('loyalty.kpi.redeemed')} value={totals.redeemed} />
          <Figure testId="kpi-points-expired" label={t('loyalty.kpi.expired')} value={totals.expired} />
          <Figure testId="kpi-points-reversed" label={t('loyalty.kpi.reversed')} value={totals.reversed} />
          <Figure testId="kpi-points-adjusted" label={t('loyalty.kpi.adjusted')} value={totals.adjusted} />
        </div>
      </section>
      {quiet && <Empty>{t('loyalty.quiet')}</Empty>}
      <ChartCard
        testId="chart-points-flow"
        title="loyalty.chart.flow"
        option={flow}
        points={stats.daily.length}
      />
    </>
  );
}

/** Members per tier and the monthly upgrades and downgrades. */
function TiersSection() {
  const { t, locale, language } = useI18n();
  const { state, reload } = useAsync('/v1/stats/tiers', (signal) =>
    api<TierStats>('/v1/stats/tiers', { signal }),
  );
  const stats = state.status === 'ok' ? state.data : null;
  const distribution = useMemo(
    () => (stats ? tierDistributionOption(stats, { t, locale }, language) : null),
    [stats, t, locale, language],
  );
  const monthly = useMemo(() => (stats ? tierMonthlyOption(stats, { t, locale }) : null), [stats, t, locale]);
  return (
    <section aria-labelledby="tiers-heading" data-testid="loyalty-tiers">
      <h2 id="tiers-heading" className="section-title">
        {t('loyalty.tiersHeading')}
      </h2>
      {state.status === 'error' && <ErrorState scope="section" error={state.error} onRetry={reload} />}
      {state.status === 'loading' && <Loading scope="section" />}
      {stats && distribution && monthly && (
        <div className="chart-grid">
          <ChartCard
            testId="chart-tier-distribution"
            title="loyalty.chart.distribution"
            option={distribution}
            points={stats.distribution.length}
            emptyText="loyalty.noTiers"
            height={280}
          />
          <ChartCard
            testId="chart-tier-monthly"
            title="loyalty.chart.monthly"
            option={monthly}
            points={stats.monthly.length}
            emptyText="loyalty.noTierChanges"
            height={280}
          />
        </div>
      )}
    </section>
  );
}

/** The loyalty programme at a glance: liability, points flow per day, tiers. */
export default function LoyaltyPage() {
  const { t } = useI18n();
  const [days, setDays] = useState(DEFAULT_DAYS);
  const { state, reload } = useAsync(`/v1/stats/points?days=${days}`, (signal) =>
    api<PointsStats>('/v1/stats/points', { query: { days }, signal }),
  );
  return (
    <div className="page">
      <div className="page-header">
        <h1>{t('loyalty.title')}</h1>
        <fieldset className="range-picker">
          <legend className="visually-hidden">{t('loyalty.period')}</legend>
          <div className="presets">
            {PERIODS.map((p) => (
              <button
                key={p.days}
                type="button"
                data-testid={`loyalty-days-${p.days}`}
                className={days === p.days ? 'chip active' : 'chip'}
                aria-pressed={days === p.days}
                onClick={() => setDays(p.days)}
              >
                {t(p.label)}
              </button>
            ))}
          </div>
        </fieldset>
      </div>
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading />}
      {state.status !== 'error' && state.data && (
        <div
          className={state.status === 'loading' ? 'overview-body refreshing' : 'overview-body'}
          aria-busy={state.status === 'loading'}
        >
          <PointsSection stats={state.data} days={days} />
        </div>
      )}
      <TiersSection />
    </div>
  );
}
