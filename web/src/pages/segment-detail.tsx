// A saved segment below its builder: its size (count again on demand), the size over time, its
// members page by page, the CSV export (member ids only) and archiving.
import { useMemo, useState } from 'react';
import { ApiError, api, readToken } from '../api/client.ts';
import { type Page, type SegmentDto, segmentPath } from '../api/intelligence-types.ts';
import { describeError } from '../components/states.tsx';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import { navigate } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { countLineOption } from './value-charts.ts';
import { ChartBox, type IntelText, MemberLink } from './value-widgets.tsx';

const MEMBERS_PER_PAGE = 20;

/** The export as a file download; the bearer token cannot ride on a plain link. */
async function downloadCsv(segment: SegmentDto): Promise<void> {
  const token = readToken();
  const response = await fetch(segmentPath(segment.id, '/export'), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, response.statusText);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${segment.id}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function SizeTrend({ segment, version, text }: { segment: SegmentDto; version: number; text: IntelText }) {
  const { t, locale } = text;
  const { state } = useAsync(`sizes:${segment.id}:${version}`, (signal) =>
    api<{ data: { countedAt: string; size: number }[] }>(segmentPath(segment.id, '/sizes'), { signal }),
  );
  const sizes = state.data?.data ?? [];
  const option = useMemo(
    () =>
      countLineOption(
        sizes.map((s) => ({ at: s.countedAt, value: s.size })),
        t('sd.sizeSeries'),
        locale,
      ),
    [sizes, t, locale],
  );
  return (
    <ChartBox
      testId="chart-segment-sizes"
      title={t('sd.trend')}
      option={option}
      points={sizes.length}
      height={200}
    />
  );
}

function Members({ segment, version, text }: { segment: SegmentDto; version: number; text: IntelText }) {
  const { t } = text;
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const { state } = useAsync(`seg-members:${segment.id}:${version}:${cursor ?? ''}`, (signal) =>
    api<Page<{ memberId: string }>>(segmentPath(segment.id, '/members'), {
      query: { limit: MEMBERS_PER_PAGE, cursor },
      signal,
    }),
  );
  const page = state.data;
  return (
    <section className="card" data-testid="seg-members" aria-labelledby="seg-members-h">
      <h2 id="seg-members-h">{t('sd.members')}</h2>
      {page && page.data.length === 0 && <p className="muted small">{t('sd.noMembers')}</p>}
      {page && (
        <div className="chip-list">
          {page.data.map((m) => (
            <MemberLink key={m.memberId} id={m.memberId} testId="seg-member" />
          ))}
        </div>
      )}
      <div className="pager-buttons">
        <button
          type="button"
          className="button secondary"
          disabled={cursors.length === 1}
          onClick={() => setCursors([undefined])}
        >
          {t('common.firstPage')}
        </button>
        <button
          type="button"
          className="button secondary"
          data-testid="seg-members-next"
          disabled={!page?.nextCursor || state.status === 'loading'}
          onClick={() => page?.nextCursor && setCursors((c) => [...c, page.nextCursor as string])}
        >
          {t('common.nextPage')}
        </button>
      </div>
    </section>
  );
}

function Archive({ segment, text }: { segment: SegmentDto; text: IntelText }) {
  const { t, tMain } = text;
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const archive = async () => {
    setError(null);
    try {
      await api(segmentPath(segment.id), { method: 'DELETE' });
      navigate('/insights/segments');
    } catch (err) {
      setError(err);
      setConfirming(false);
    }
  };
  const inUse = error instanceof ApiError && error.code === 'SEGMENT_IN_USE';
  return (
    <div className="actions-row">
      {!confirming ? (
        <button
          type="button"
          className="button warning"
          data-testid="seg-archive"
          onClick={() => setConfirming(true)}
        >
          {t('se.archive')}
        </button>
      ) : (
        <span className="confirm">
          {t('se.archiveConfirm')}{' '}
          <button type="button" className="button warning" data-testid="seg-archive-yes" onClick={archive}>
            {t('se.archiveYes')}
          </button>{' '}
          <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
            {t('se.cancel')}
          </button>
        </span>
      )}
      {error !== null && (
        <p className="form-error small" role="alert" data-testid="seg-archive-error">
          {inUse ? t('se.inUse') : t('se.archiveFailed', { message: describeError(tMain, error) })}
        </p>
      )}
    </div>
  );
}

/** Size, trend, members, export and archive of a saved segment. */
export function SegmentDetail({
  segment,
  readOnly,
  text,
}: {
  segment: SegmentDto;
  readOnly: boolean;
  text: IntelText;
}) {
  const { t, tMain, locale } = text;
  const [current, setCurrent] = useState(segment);
  const [counting, setCounting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [counted, setCounted] = useState(0);
  const recount = async () => {
    setCounting(true);
    setError(null);
    try {
      setCurrent(await api<SegmentDto>(segmentPath(segment.id, '/count'), { method: 'POST', body: {} }));
      setCounted((n) => n + 1);
    } catch (err) {
      setError(err);
    } finally {
      setCounting(false);
    }
  };
  const exportCsv = async () => {
    setExporting(true);
    setError(null);
    try {
      await downloadCsv(current);
    } catch (err) {
      setError(err);
    } finally {
      setExporting(false);
    }
  };
  return (
    <div className="segment-detail" data-testid="seg-detail">
      <section className="card" aria-labelledby="seg-size-h">
        <div className="card-head">
          <h2 id="seg-size-h">{t('sd.summary')}</h2>
          <div className="actions-row">
            {!readOnly && (
              <button
                type="button"
                className="button secondary"
                data-testid="seg-recount"
                disabled={counting}
                onClick={recount}
              >
                {counting ? t('sd.recounting') : t('sd.recount')}
              </button>
            )}
            <button
              type="button"
              className="button secondary"
              data-testid="seg-export"
              title={t('sd.exportHint')}
              disabled={exporting}
              onClick={exportCsv}
            >
              {exporting ? t('sd.exporting') : t('sd.export')}
            </button>
          </div>
        </div>
        {current.size === null ? (
          <p className="muted">{t('sd.notCounted')}</p>
        ) : (
          <p className="live-count" data-testid="seg-size" data-value={current.size}>
            {t('sd.size', { n: formatNumber(current.size, locale) })}{' '}
            <span className="muted small">
              {t('sd.countedAt', { when: formatDateTime(current.countedAt, locale) })}
            </span>
          </p>
        )}
        <p className="muted small">
          {t('sd.version', { version: current.version, when: formatDateTime(current.updatedAt, locale) })}
        </p>
        {error !== null && (
          <p className="form-error small" role="alert">
            {describeError(tMain, error)}
          </p>
        )}
      </section>
      <SizeTrend segment={current} version={counted} text={text} />
      <Members segment={current} version={counted} text={text} />
      {!readOnly && <Archive segment={current} text={text} />}
    </div>
  );
}
