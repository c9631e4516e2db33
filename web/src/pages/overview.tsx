import { useMemo, useState } from 'react';
import { api } from '../api/client.ts';
import type { Money, Overview } from '../api/types.ts';
import { ChartCard } from '../components/chart-card.tsx';
import { Kpi } from '../components/kpi.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { daysInclusive, formatDay, formatMoney, formatNumber, toMajor, utcDay } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { categoriesOption, eventsOption, ordersOption } from './overview-charts.ts';

const MAX_RANGE_DAYS = 366;
const PRESETS: { days: number; label: MessageKey }[] = [
  { days: 7, label: 'overview.last7' },
  { days: 30, label: 'overview.last30' },
  { days: 90, label: 'overview.last90' },
];

interface RangeTotals {
  orders: number;
  refunds: number;
  gmv: Money;
}

function totalsOf(overview: Overview): RangeTotals {
  let orders = 0;
  let refunds = 0;
  let gmv = 0;
  for (const day of overview.daily) {
    orders += day.orders;
    refunds += day.refunds;
    gmv += day.gmv.amount;
  }
  return { orders, refunds, gmv: { amount: gmv, currency: overview.currency } };
}

/** Whole units up to a million (CN¥356,788), compact above (CN¥12.3M); the card's title has it exactly. */
function headlineMoney(money: Money, locale: string): string {
  return formatMoney(money, locale, toMajor(money) >= 1_000_000 ? { compact: true } : { whole: true });
}

function OverviewBody({ overview }: { overview: Overview }) {
  const { t, locale } = useI18n();
  const n = (value: number) => formatNumber(value, locale);
  const totals = useMemo(() => totalsOf(overview), [overview]);
  const orders = useMemo(() => ordersOption(overview, { t, locale }), [overview, t, locale]);
  const events = useMemo(() => eventsOption(overview, { t, locale }), [overview, t, locale]);
  const categories = useMemo(() => categoriesOption(overview, { t, locale }), [overview, t, locale]);
  const m = overview.members;
  const aov = totals.orders > 0 ? Math.round(totals.gmv.amount / totals.orders) : 0;
  const quiet = totals.orders === 0 && overview.daily.every((d) => d.events === 0);
  return (
    <>
      <section aria-labelledby="kpi-members">
        <h2 id="kpi-members" className="section-title">
          {t('overview.membersHeading')}
        </h2>
        <div className="kpi-grid">
          <Kpi testId="kpi-members-total" label={t('overview.kpi.total')} value={n(m.total)} />
          <Kpi testId="kpi-new-7d" label={t('overview.kpi.new7d')} value={n(m.new7d)} />
          <Kpi testId="kpi-new-30d" label={t('overview.kpi.new30d')} value={n(m.new30d)} />
          <Kpi testId="kpi-active-7d" label={t('overview.kpi.active7d')} value={n(m.active7d)} />
          <Kpi testId="kpi-active-30d" label={t('overview.kpi.active30d')} value={n(m.active30d)} />
        </div>
      </section>
      <section aria-labelledby="kpi-range">
        <h2 id="kpi-range" className="section-title">
          {t('overview.rangeHeading', {
            from: formatDay(overview.from, locale, 'medium'),
            to: formatDay(overview.to, locale, 'medium'),
          })}
        </h2>
        <div className="kpi-grid">
          <Kpi testId="kpi-new-in-range" label={t('overview.kpi.newInRange')} value={n(m.newInRange)} />
          <Kpi testId="kpi-orders" label={t('overview.kpi.orders')} value={n(totals.orders)} />
          <Kpi
            testId="kpi-gmv"
            label={t('overview.kpi.gmv')}
            value={headlineMoney(totals.gmv, locale)}
            exact={formatMoney(totals.gmv, locale)}
          />
          <Kpi
            label={t('overview.kpi.aov')}
            value={formatMoney({ amount: aov, currency: overview.currency }, locale)}
          />
          <Kpi label={t('overview.kpi.refunds')} value={n(totals.refunds)} />
        </div>
      </section>
      {quiet && <Empty>{t('overview.empty')}</Empty>}
      <div className="chart-grid">
        <ChartCard
          testId="chart-orders"
          title="overview.chart.orders"
          option={orders}
          points={overview.daily.length}
          wide
        />
        <ChartCard
          testId="chart-events"
          title="overview.chart.events"
          option={events}
          points={overview.eventsByType.length}
          height={320}
        />
        <ChartCard
          testId="chart-categories"
          title="overview.chart.categories"
          option={categories}
          points={overview.topCategories.length}
          emptyText="overview.noCategories"
          height={320}
        />
      </div>
    </>
  );
}

/** Members, orders and behaviour over a date range (UTC days, from the precomputed daily stats). */
export default function OverviewPage() {
  const { t } = useI18n();
  const [from, setFrom] = useState(() => utcDay(-29));
  const [to, setTo] = useState(() => utcDay(0));
  const span = daysInclusive(from, to);
  const valid = Number.isFinite(span) && span >= 1 && span <= MAX_RANGE_DAYS;
  const key = valid ? `/v1/stats/overview?from=${from}&to=${to}` : null;
  const { state, reload } = useAsync(key, (signal) =>
    api<Overview>('/v1/stats/overview', { query: { from, to }, signal }),
  );
  const preset = (days: number) => {
    setFrom(utcDay(-(days - 1)));
    setTo(utcDay(0));
  };

  return (
    <div className="page">
      <div className="page-header">
        <h1>{t('overview.title')}</h1>
        <fieldset className="range-picker">
          <legend className="visually-hidden">{t('overview.range')}</legend>
          <div className="presets">
            {PRESETS.map((p) => (
              <button
                key={p.days}
                type="button"
                className={span === p.days && to === utcDay(0) ? 'chip active' : 'chip'}
                onClick={() => preset(p.days)}
              >
                {t(p.label)}
              </button>
            ))}
          </div>
          <label className="inline-field">
            <span>{t('overview.from')}</span>
            <input
              type="date"
              data-testid="date-from"
              value={from}
              max={to}
              onChange={(e) => e.target.value && setFrom(e.target.value)}
            />
          </label>
          <label className="inline-field">
            <span>{t('overview.to')}</span>
            <input
              type="date"
              data-testid="date-to"
              value={to}
              min={from}
              onChange={(e) => e.target.value && setTo(e.target.value)}
            />
          </label>
        </fieldset>
      </div>
      {!valid && (
        <p className="form-error" role="alert">
          {t('overview.badRange')}
        </p>
      )}
      {valid && state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {valid && state.status === 'loading' && !state.data && <Loading />}
      {valid && state.status !== 'error' && state.data && (
        <div
          className={state.status === 'loading' ? 'overview-body refreshing' : 'overview-body'}
          aria-busy={state.status === 'loading'}
        >
          <OverviewBody overview={state.data} />
        </div>
      )}
    </div>
  );
}
