// ECharts options of the Insights pages and the member's value panel.
import type { Bucket, ChurnByTier } from '../api/intelligence-types.ts';
import type { ChartOption } from '../components/echart.tsx';
import { formatDateTime, formatDay, formatMoney, formatNumber } from '../lib/format.ts';
import { AXIS_LABEL, PALETTE, SPLIT_LINE, TEXT_STYLE, TOOLTIP } from './chart-theme.ts';

const percentAxis = (locale: string) => ({
  type: 'value' as const,
  min: 0,
  max: 1,
  axisLabel: {
    ...AXIS_LABEL,
    formatter: (v: number) => new Intl.NumberFormat(locale, { style: 'percent' }).format(v),
  },
  splitLine: SPLIT_LINE,
});

const countAxis = (locale: string) => ({
  type: 'value' as const,
  minInterval: 1,
  axisLabel: { ...AXIS_LABEL, formatter: (v: number) => formatNumber(v, locale) },
  splitLine: SPLIT_LINE,
});

/** Members per bucket as bars; `label` writes a bucket's bounds. */
export function histogramOption(
  buckets: readonly Bucket[],
  label: (bucket: Bucket) => string,
  series: string,
  locale: string,
  color: string = PALETTE[0],
): ChartOption {
  return {
    textStyle: TEXT_STYLE,
    color: [color],
    grid: { left: 48, right: 12, top: 16, bottom: 8, containLabel: true },
    tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'category',
      data: buckets.map(label),
      // Every bucket keeps its label: tilted when they would not fit side by side.
      axisLabel: { ...AXIS_LABEL, interval: 0, rotate: buckets.length > 5 ? 35 : 0 },
    },
    yAxis: countAxis(locale),
    series: [{ name: series, type: 'bar', data: buckets.map((b) => b.members), barCategoryGap: '8%' }],
  };
}

/** A bucket of money (minor units) as "¥100–¥200", the open last one as "≥ ¥50K". */
export function moneyBucketLabel(currency: string, locale: string) {
  const money = (amount: number) => formatMoney({ amount, currency }, locale, { compact: true });
  return (b: Bucket) => (b.to === null ? `≥ ${money(b.from)}` : `${money(b.from)}–${money(b.to)}`);
}

/** A bucket of a probability as "40–50%". */
export function percentBucketLabel(b: Bucket): string {
  return b.to === null
    ? `≥ ${Math.round(b.from * 100)}%`
    : `${Math.round(b.from * 100)}–${Math.round(b.to * 100)}%`;
}

/** Mean churn risk per tier (bars, left axis) and the high-risk members (line, right axis). */
export function churnByTierOption(
  rows: readonly ChurnByTier[],
  names: { tier: (row: ChurnByTier) => string; meanRisk: string; highRisk: string },
  locale: string,
): ChartOption {
  return {
    textStyle: TEXT_STYLE,
    color: [PALETTE[3], PALETTE[1]],
    grid: { left: 48, right: 48, top: 40, bottom: 28 },
    legend: { top: 0, data: [names.meanRisk, names.highRisk] },
    tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: rows.map(names.tier), axisLabel: AXIS_LABEL },
    yAxis: [percentAxis(locale), { ...countAxis(locale), splitLine: { show: false } }],
    series: [
      {
        name: names.meanRisk,
        type: 'bar',
        data: rows.map((r) => Math.round((r.meanChurnRisk ?? 0) * 1000) / 1000),
        barMaxWidth: 36,
      },
      { name: names.highRisk, type: 'line', yAxisIndex: 1, data: rows.map((r) => r.highRisk) },
    ],
  };
}

/** A probability over time (P(alive) history). */
export function probabilityLineOption(
  points: readonly { at: string; value: number }[],
  series: string,
  locale: string,
): ChartOption {
  return {
    textStyle: TEXT_STYLE,
    color: [PALETTE[2]],
    grid: { left: 44, right: 12, top: 12, bottom: 28 },
    tooltip: { ...TOOLTIP, trigger: 'axis' },
    xAxis: {
      type: 'category',
      // Month ends (UTC), as the API samples them.
      data: points.map((p) => formatDay(p.at.slice(0, 10), locale)),
      axisLabel: AXIS_LABEL,
    },
    yAxis: percentAxis(locale),
    series: [
      { name: series, type: 'line', data: points.map((p) => p.value), showSymbol: points.length < 40 },
    ],
  };
}

/** Counts over time (a segment's size). */
export function countLineOption(
  points: readonly { at: string; value: number }[],
  series: string,
  locale: string,
): ChartOption {
  return {
    textStyle: TEXT_STYLE,
    color: [PALETTE[0]],
    grid: { left: 48, right: 12, top: 12, bottom: 28 },
    tooltip: { ...TOOLTIP, trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: points.map((p) => formatDateTime(p.at, locale, 'short')),
      axisLabel: AXIS_LABEL,
    },
    yAxis: countAxis(locale),
    series: [{ name: series, type: 'line', data: points.map((p) => p.value), areaStyle: { opacity: 0.1 } }],
  };
}

/** Horizontal bars, one per label (channels, devices, feature z-scores); negatives drawn red. */
export function horizontalBarsOption(
  rows: readonly { label: string; value: number; color?: string }[],
  series: string,
  locale: string,
  options: { signed?: boolean; color?: string } = {},
): ChartOption {
  const color = options.color ?? PALETTE[0];
  return {
    textStyle: TEXT_STYLE,
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'value',
      axisLabel: {
        ...AXIS_LABEL,
        formatter: (v: number) =>
          new Intl.NumberFormat(locale, { maximumFractionDigits: options.signed ? 1 : 0 }).format(v),
      },
      splitLine: SPLIT_LINE,
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.label),
      axisLabel: { ...AXIS_LABEL, width: 140, overflow: 'truncate' },
    },
    series: [
      {
        name: series,
        type: 'bar',
        barMaxWidth: 14,
        data: rows.map((r) => ({
          value: options.signed ? Math.round(r.value * 100) / 100 : r.value,
          itemStyle: { color: options.signed && r.value < 0 ? PALETTE[3] : (r.color ?? color) },
        })),
      },
    ],
  };
}

/** Silhouette by k as a line, the k the run chose drawn larger. */
export function silhouetteOption(
  entries: readonly [string, number][],
  series: string,
  chosen: number,
): ChartOption {
  return {
    textStyle: TEXT_STYLE,
    color: [PALETTE[5]],
    grid: { left: 44, right: 12, top: 12, bottom: 28 },
    tooltip: { ...TOOLTIP, trigger: 'axis' },
    xAxis: { type: 'category', name: 'k', data: entries.map(([k]) => k), axisLabel: AXIS_LABEL },
    yAxis: { type: 'value', axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
    series: [
      {
        name: series,
        type: 'line',
        data: entries.map(([k, s]) => ({
          value: Math.round(s * 1000) / 1000,
          ...(Number(k) === chosen ? { symbolSize: 12, itemStyle: { color: PALETTE[3] } } : {}),
        })),
      },
    ],
  };
}
