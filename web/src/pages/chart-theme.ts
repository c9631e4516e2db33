// The look every dashboard chart shares.
import type { Translate } from '../i18n/i18n.tsx';

/** The dashboard's series colours, chosen to stay apart for colour-blind readers. */
export const PALETTE = [
  '#4f46e5',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#0ea5e9',
  '#a855f7',
  '#84cc16',
  '#ec4899',
  '#64748b',
  '#14b8a6',
  '#f97316',
  '#78350f',
] as const;

export const AXIS_LABEL = { color: '#64748b', fontSize: 11 };
/** The page's font stack, so labels in Chinese render with the same CJK font as the HTML. */
export const TEXT_STYLE = {
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
};
export const SPLIT_LINE = { lineStyle: { color: '#e2e8f0' } };
export const TOOLTIP = {
  backgroundColor: '#0f172a',
  borderWidth: 0,
  textStyle: { color: '#f8fafc', fontSize: 12 },
};

/** What an option builder needs to write its labels. */
export interface ChartText {
  t: Translate;
  locale: string;
}

/** One series' point in an axis tooltip's parameters. */
export interface AxisParam {
  axisValueLabel?: string;
  marker?: string;
  seriesName?: string;
  value?: number;
  dataIndex: number;
}
