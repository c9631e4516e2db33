import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { type ChartOption, EChart } from './echart.tsx';

interface ChartCardProps {
  /** The chart's data-testid; the heading's id derives from it. */
  testId: string;
  title: MessageKey;
  option: ChartOption;
  /** How many days, categories or tiers the option draws. */
  points: number;
  /** Shown above the chart when it has nothing to draw. */
  emptyText?: MessageKey;
  wide?: boolean;
  height?: number;
}

/** A titled card with one chart and its screen-reader summary (the overview and loyalty pages). */
export function ChartCard({ testId, title, option, points, emptyText, wide, height }: ChartCardProps) {
  const { t } = useI18n();
  const headingId = `${testId}-title`;
  return (
    <section className={wide ? 'card chart-card wide' : 'card chart-card'} aria-labelledby={headingId}>
      <h2 id={headingId}>{t(title)}</h2>
      {points === 0 && emptyText && <p className="muted">{t(emptyText)}</p>}
      <EChart
        testId={testId}
        option={option}
        points={points}
        label={t('overview.chartSummary', { title: t(title), count: points })}
        {...(height === undefined ? {} : { height })}
      />
    </section>
  );
}
