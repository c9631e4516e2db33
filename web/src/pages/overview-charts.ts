import type { Overview } from '../api/types.ts';
import type { ChartOption } from '../components/echart.tsx';
import { eventLabel } from '../i18n/i18n.tsx';
import { formatDay, formatMoney, formatNumber, fromMajor, toMajor } from '../lib/format.ts';
import {
  AXIS_LABEL,
  type AxisParam,
  type ChartText,
  PALETTE,
  SPLIT_LINE,
  TEXT_STYLE,
  TOOLTIP,
} from './chart-theme.ts';

/** Orders as bars on the left axis, GMV (major units) as a line on the right one. */
export function ordersOption(overview: Overview, { t, locale }: ChartText): ChartOption {
  const currency = overview.currency;
  const compactMoney = (major: number) => formatMoney(fromMajor(major, currency), locale, { compact: true });
  const gmv = overview.daily.map((d) => toMajor(d.gmv));
  return {
    textStyle: TEXT_STYLE,
    color: PALETTE.slice(0, 2),
    grid: { left: 48, right: 72, top: 40, bottom: 28 },
    legend: { top: 0, data: [t('overview.series.orders'), t('overview.series.gmv')] },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      formatter: (params: AxisParam[]) => {
        const index = params[0]?.dataIndex ?? 0;
        const day = overview.daily[index];
        if (!day) return '';
        return [
          formatDay(day.day, locale, 'medium'),
          `${params[0]?.marker ?? ''}${t('overview.series.orders')}: ${formatNumber(day.orders, locale)}`,
          `${params[1]?.marker ?? ''}${t('overview.series.gmv')}: ${formatMoney(day.gmv, locale)}`,
        ].join('<br/>');
      },
    },
    xAxis: {
      type: 'category',
      data: overview.daily.map((d) => formatDay(d.day, locale)),
      axisLabel: AXIS_LABEL,
    },
    yAxis: [
      {
        type: 'value',
        name: t('overview.series.orders'),
        minInterval: 1,
        axisLabel: AXIS_LABEL,
        splitLine: SPLIT_LINE,
      },
      {
        type: 'value',
        name: t('overview.series.gmv'),
        axisLabel: { ...AXIS_LABEL, formatter: compactMoney },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: t('overview.series.orders'),
        type: 'bar',
        data: overview.daily.map((d) => d.orders),
        barMaxWidth: 18,
        itemStyle: { borderRadius: [3, 3, 0, 0] },
      },
      {
        name: t('overview.series.gmv'),
        type: 'line',
        yAxisIndex: 1,
        data: gmv,
        smooth: true,
        smoothMonotone: 'x',
        symbolSize: 5,
      },
    ],
  };
}

/** Event types ordered by their total in the range, largest first. */
function typesByVolume(overview: Overview): string[] {
  const totals = new Map<string, number>();
  for (const day of overview.eventsByType) {
    for (const [type, count] of Object.entries(day.counts)) totals.set(type, (totals.get(type) ?? 0) + count);
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([type]) => type);
}

/** Stacked bars: one series per event type. */
export function eventsOption(overview: Overview, { t, locale }: ChartText): ChartOption {
  const types = typesByVolume(overview);
  return {
    textStyle: TEXT_STYLE,
    color: [...PALETTE],
    grid: { left: 56, right: 16, top: 64, bottom: 28 },
    legend: { top: 0, type: 'plain', itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
    tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'category',
      data: overview.eventsByType.map((d) => formatDay(d.day, locale)),
      axisLabel: AXIS_LABEL,
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { ...AXIS_LABEL, formatter: (v: number) => formatNumber(v, locale) },
      splitLine: SPLIT_LINE,
    },
    series: types.map((type) => ({
      name: eventLabel(t, type),
      type: 'bar',
      stack: 'events',
      barMaxWidth: 18,
      data: overview.eventsByType.map((d) => d.counts[type] ?? 0),
    })),
  };
}

/** Horizontal bars of revenue, the largest category on top. */
export function categoriesOption(overview: Overview, { t, locale }: ChartText): ChartOption {
  const rows = [...overview.topCategories].sort((a, b) => a.revenue.amount - b.revenue.amount);
  const compactMoney = (major: number) =>
    formatMoney(fromMajor(major, overview.currency), locale, { compact: true });
  return {
    textStyle: TEXT_STYLE,
    color: PALETTE.slice(2, 3),
    grid: { left: 8, right: 56, top: 8, bottom: 24, containLabel: true },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: AxisParam[]) => {
        const row = rows[params[0]?.dataIndex ?? 0];
        if (!row) return '';
        return [
          row.category,
          `${t('overview.series.revenue')}: ${formatMoney(row.revenue, locale)}`,
          `${t('overview.series.orders')}: ${formatNumber(row.orders, locale)}`,
        ].join('<br/>');
      },
    },
    xAxis: {
      type: 'value',
      axisLabel: {
        ...AXIS_LABEL,
        formatter: compactMoney,
      },
      splitLine: SPLIT_LINE,
    },
    yAxis: {
      type: 'category',
      data: rows.map((r) => r.category),
      axisLabel: { ...AXIS_LABEL, width: 140, overflow: 'truncate' },
    },
    series: [
      {
        name: t('overview.series.revenue'),
        type: 'bar',
        data: rows.map((r) => toMajor(r.revenue)),
        barMaxWidth: 22,
        itemStyle: { borderRadius: [0, 3, 3, 0] },
        label: {
          show: true,
          position: 'right',
          color: '#334155',
          fontSize: 11,
          formatter: (p: { value: number }) => compactMoney(p.value),
        },
      },
    ],
  };
}
