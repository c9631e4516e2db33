// ECharts options of the recommendation models page: a run's training curve and the A/B report's
// click-through rate per variant and day.
import type { ChartOption } from '../components/echart.tsx';
import { formatDay, formatNumber } from '../lib/format.ts';
import { AXIS_LABEL, PALETTE, SPLIT_LINE, TEXT_STYLE, TOOLTIP } from './chart-theme.ts';
import type { CurvePoint, DailyReport } from './recommend-types.ts';

const percentFormatter = (locale: string) => (v: number) =>
  new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(v);

/**
 * The loss (left axis) and the validation NDCG@10 (right axis) per iteration; a series is drawn
 * only when some point carries it, so a curve of losses alone has a single axis.
 */
export function curveOption(
  curve: readonly CurvePoint[],
  names: { loss: string; ndcg: string; iteration: (n: number) => string },
  locale: string,
): ChartOption {
  const hasLoss = curve.some((p) => typeof p.loss === 'number');
  const hasNdcg = curve.some((p) => typeof p.ndcg === 'number');
  const series: Record<string, unknown>[] = [];
  const yAxis: Record<string, unknown>[] = [];
  if (hasLoss) {
    yAxis.push({
      type: 'value',
      scale: true,
      axisLabel: { ...AXIS_LABEL, formatter: (v: number) => formatNumber(Number(v.toPrecision(3)), locale) },
      splitLine: SPLIT_LINE,
    });
    series.push({
      name: names.loss,
      type: 'line',
      yAxisIndex: 0,
      showSymbol: curve.length < 40,
      data: curve.map((p) => (typeof p.loss === 'number' ? p.loss : null)),
    });
  }
  if (hasNdcg) {
    yAxis.push({
      type: 'value',
      scale: true,
      axisLabel: { ...AXIS_LABEL, formatter: (v: number) => v.toFixed(3) },
      splitLine: hasLoss ? { show: false } : SPLIT_LINE,
    });
    series.push({
      name: names.ndcg,
      type: 'line',
      yAxisIndex: yAxis.length - 1,
      showSymbol: curve.length < 40,
      connectNulls: true,
      data: curve.map((p) => (typeof p.ndcg === 'number' ? p.ndcg : null)),
    });
  }
  return {
    textStyle: TEXT_STYLE,
    color: [PALETTE[0], PALETTE[2]],
    grid: { left: 56, right: hasLoss && hasNdcg ? 56 : 16, top: 40, bottom: 28 },
    legend: { top: 0, data: series.map((s) => s.name as string) },
    tooltip: { ...TOOLTIP, trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: curve.map((p) => names.iteration(p.iteration)),
      axisLabel: { ...AXIS_LABEL, formatter: (_: string, index: number) => String(curve[index]?.iteration) },
    },
    yAxis: yAxis.length > 0 ? yAxis : [{ type: 'value' }],
    series,
  };
}

/** A variant's key in the report: null (no experiment) gets the label the page gives it. */
export function variantKey(variant: string | null, none: string): string {
  return variant ?? none;
}

/** Click-through rate (clicks ÷ items shown) per day, one line per variant; no line where nothing was shown. */
export function ctrDailyOption(
  daily: readonly DailyReport[],
  noVariant: string,
  locale: string,
): { option: ChartOption; points: number } {
  const days = [...new Set(daily.map((d) => d.day))].sort();
  const variants = [...new Set(daily.map((d) => variantKey(d.variant, noVariant)))].sort();
  const cell = new Map(daily.map((d) => [`${variantKey(d.variant, noVariant)}|${d.day}`, d]));
  const series = variants.map((variant) => ({
    name: variant,
    type: 'line',
    connectNulls: false,
    showSymbol: days.length < 40,
    data: days.map((day) => {
      const row = cell.get(`${variant}|${day}`);
      return row && row.itemsShown > 0 ? row.clicks / row.itemsShown : null;
    }),
  }));
  const option: ChartOption = {
    textStyle: TEXT_STYLE,
    color: [...PALETTE],
    grid: { left: 56, right: 16, top: 40, bottom: 28 },
    legend: { top: 0, data: variants },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      valueFormatter: (v: number | null) => (v === null ? '—' : percentFormatter(locale)(v)),
    },
    xAxis: { type: 'category', data: days.map((d) => formatDay(d, locale)), axisLabel: AXIS_LABEL },
    yAxis: {
      type: 'value',
      min: 0,
      axisLabel: { ...AXIS_LABEL, formatter: percentFormatter(locale) },
      splitLine: SPLIT_LINE,
    },
    series,
  };
  return { option, points: days.length };
}
