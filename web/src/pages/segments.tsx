// `/insights/segments`: the saved segments with their size, how the size moved over the last
// counts (a sparkline) and when they changed; New segment opens the builder.
import { hasScope } from '../access.ts';
import { api } from '../api/client.ts';
import { type Page, type SegmentSummary, segmentPath } from '../api/intelligence-types.ts';
import { useOperator } from '../api/session.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { PALETTE } from './chart-theme.ts';
import { type IntelText, useIntel } from './value-widgets.tsx';

/** How many segments get their size history fetched for a sparkline. */
const TRENDS_FOR = 50;
const TREND_POINTS = 30;

type Row = SegmentSummary & { trend: number[] };

async function loadSegments(signal: AbortSignal): Promise<Row[]> {
  const page = await api<Page<SegmentSummary>>('/v1/segments', { query: { limit: 200 }, signal });
  return Promise.all(
    page.data.map(async (segment, i) => {
      if (segment.sizes) return { ...segment, trend: segment.sizes.map((s) => s.size) };
      if (i >= TRENDS_FOR) return { ...segment, trend: [] };
      try {
        const sizes = await api<{ data: { size: number }[] }>(segmentPath(segment.id, '/sizes'), { signal });
        return { ...segment, trend: sizes.data.slice(-TREND_POINTS).map((s) => s.size) };
      } catch (error) {
        if (error instanceof DOMException) throw error;
        return { ...segment, trend: [] };
      }
    }),
  );
}

/**
 * A sparkline as inline SVG: one per table row, so no chart instance per row. The line is
 * scaled to its own minimum and maximum; the label lists the sizes.
 */
function Sparkline({ values, label }: { values: number[]; label: string }) {
  if (values.length < 2) return <span className="muted small">—</span>;
  const width = 120;
  const height = 28;
  const min = Math.min(...values);
  const span = Math.max(...values) - min || 1;
  const points = values
    .map(
      (v, i) =>
        `${((i / (values.length - 1)) * width).toFixed(1)},${(height - 2 - ((v - min) / span) * (height - 4)).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
      data-testid="seg-sparkline"
      data-points={values.length}
    >
      <polyline points={points} fill="none" stroke={PALETTE[0]} strokeWidth="1.5" />
    </svg>
  );
}

function SegmentTable({ rows, text }: { rows: Row[]; text: IntelText }) {
  const { t, locale } = text;
  return (
    <section className="card table-card">
      <div className="table-scroll">
        <table className="table" data-testid="segments-table">
          <thead>
            <tr>
              <th>{t('sl.col.name')}</th>
              <th className="num">{t('sl.col.size')}</th>
              <th>{t('sl.col.trend')}</th>
              <th>{t('sl.col.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-testid="segment-row" data-segment-id={s.id} data-name={s.name}>
                <td>
                  <Link to={`/insights/segments/${encodeURIComponent(s.id)}`} data-testid="segment-link">
                    {s.name}
                  </Link>
                  {s.description && <div className="muted small">{s.description}</div>}
                </td>
                <td className="num" data-testid="segment-size" data-value={s.size ?? ''}>
                  {s.size === null ? (
                    <span className="muted small">{t('sl.notCounted')}</span>
                  ) : (
                    formatNumber(s.size, locale)
                  )}
                </td>
                <td>
                  <Sparkline
                    values={s.trend}
                    label={t('sl.trendLabel', {
                      sizes: s.trend.map((n) => formatNumber(n, locale)).join(', '),
                    })}
                  />
                </td>
                <td className="nowrap">{formatDateTime(s.updatedAt, locale, 'short')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The saved segments. */
export default function SegmentsPage() {
  const text = useIntel();
  const { t } = text;
  const operator = useOperator();
  const { state, reload } = useAsync('/v1/segments', loadSegments);
  return (
    <div className="page" data-testid="segments-page">
      <div className="page-header">
        <h1>{t('sl.title')}</h1>
        {hasScope(operator.role, 'segments:write') && (
          <Link to="/insights/segments/new" className="button" data-testid="segments-new">
            {t('sl.new')}
          </Link>
        )}
      </div>
      <p className="muted">{t('sl.intro')}</p>
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading />}
      {state.data && state.data.length === 0 && <Empty>{t('sl.empty')}</Empty>}
      {state.data && state.data.length > 0 && <SegmentTable rows={state.data} text={text} />}
    </div>
  );
}
