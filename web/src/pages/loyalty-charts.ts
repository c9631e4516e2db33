import type { PointsStats, TierStats } from '../api/loyalty-types.ts';
import type { ChartOption } from '../components/echart.tsx';
import type { Language } from '../i18n/i18n.tsx';
import { formatDay, formatMonth, formatNumber } from '../lib/format.ts';
import { tierName } from '../lib/loyalty-labels.ts';
import {
  AXIS_LABEL,
  type AxisParam,
  type ChartText,
  PALETTE,
  SPLIT_LINE,
  TEXT_STYLE,
  TOOLTIP,
} from './chart-theme.ts';

// Earned green, redeemed indigo, expired amber, the same in every loyalty chart.
const EARNED = PALETTE[2];
const REDEEMED = PALETTE[0];
const EXPIRED = PALETTE[1];
const DOWN = PALETTE[3];

/** The tooltip lines of one axis position: a heading, then `marker name: value` per series. */
function axisTooltip(heading: (index: number) => string, locale: string) {
  return (params: AxisParam[]) => {
    const index = params[0]?.dataIndex ?? 0;
    return [
      heading(index),
      ...params.map((p) => `${p.marker ?? ''}${p.seriesName ?? ''}: ${formatNumber(p.value ?? 0, locale)}`),
    ].join('<br/>');
  };
}

/** Points earned and redeemed per day as bars, expired as a line. */
export function pointsFlowOption(stats: PointsStats, { t, locale }: ChartText): ChartOption {
  const days = stats.daily;
  const names = [t('loyalty.series.earned'), t('loyalty.series.redeemed'), t('loyalty.series.expired')];
  return {
    textStyle: TEXT_STYLE,
    color: [EARNED, REDEEMED, EXPIRED],
    grid: { left: 56, right: 16, top: 40, bottom: 28 },
    legend: { top: 0, data: names },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: axisTooltip((i) => formatDay(days[i]?.date ?? '', locale, 'medium'), locale),
    },
    xAxis: { type: 'category', data: days.map((d) => formatDay(d.date, locale)), axisLabel: AXIS_LABEL },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { ...AXIS_LABEL, formatter: (v: number) => formatNumber(v, locale) },
      splitLine: SPLIT_LINE,
    },
    series: [
      {
        name: names[0],
        type: 'bar',
        data: days.map((d) => d.earned),
        barMaxWidth: 12,
        itemStyle: { borderRadius: [2, 2, 0, 0] },
      },
      {
        name: names[1],
        type: 'bar',
        data: days.map((d) => d.redeemed),
        barMaxWidth: 12,
        itemStyle: { borderRadius: [2, 2, 0, 0] },
      },
      { name: names[2], type: 'line', data: days.map((d) => d.expired), showSymbol: false },
    ],
  };
}

/** Members per tier as horizontal bars, the entry tier at the bottom, each bar labelled. */
export function tierDistributionOption(
  stats: TierStats,
  { t, locale }: ChartText,
  language: Language,
): ChartOption {
  // The API lists tiers from the entry tier up; ECharts draws a category axis bottom-up.
  const rows = stats.distribution;
  return {
    textStyle: TEXT_STYLE,
    color: [PALETTE[4]],
    grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: axisTooltip((i) => (rows[i] ? tierName(rows[i], language) : ''), locale),
    },
    xAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { ...AXIS_LABEL, formatter: (v: number) => formatNumber(v, locale) },
      splitLine: SPLIT_LINE,
    },
    yAxis: {
      type: 'category',
      data: rows.map((r) => tierName(r, language)),
      axisLabel: { ...AXIS_LABEL, width: 120, overflow: 'truncate' },
    },
    series: [
      {
        name: t('loyalty.series.members'),
        type: 'bar',
        data: rows.map((r) => r.members),
        barMaxWidth: 22,
        itemStyle: { borderRadius: [0, 3, 3, 0] },
        label: {
          show: true,
          position: 'right',
          color: '#334155',
          fontSize: 11,
          formatter: (p: { value: number }) => formatNumber(p.value, locale),
        },
      },
    ],
  };
}

/** Upgrades and downgrades per month, side by side. */
export function tierMonthlyOption(stats: TierStats, { t, locale }: ChartText): ChartOption {
  const months = stats.monthly;
  const names = [t('loyalty.series.upgrades'), t('loyalty.series.downgrades')];
  return {
    textStyle: TEXT_STYLE,
    color: [EARNED, DOWN],
    grid: { left: 48, right: 16, top: 40, bottom: 28 },
    legend: { top: 0, data: names },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: axisTooltip((i) => formatMonth(months[i]?.month ?? '', locale), locale),
    },
    xAxis: {
      type: 'category',
      data: months.map((m) => formatMonth(m.month, locale)),
      axisLabel: AXIS_LABEL,
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { ...AXIS_LABEL, formatter: (v: number) => formatNumber(v, locale) },
      splitLine: SPLIT_LINE,
    },
    series: [
      { name: names[0], type: 'bar', data: months.map((m) => m.upgrades), barMaxWidth: 18 },
      { name: names[1], type: 'bar', data: months.map((m) => m.downgrades), barMaxWidth: 18 },
    ],
  };
}
