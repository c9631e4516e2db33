// `/risk`: the review queue — open or resolved cases, newest first, optionally only the ones
// assigned to the signed-in operator, twenty a page.
import { useState } from 'react';
import { api } from '../api/client.ts';
import { useOperator } from '../api/session.tsx';
import type { Page } from '../api/types.ts';
import { Pager, useCursorPages } from '../components/pager.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { formatDateTime } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import type { CaseStatus, RiskCaseSummary } from './risk-types.ts';
import {
  actionLabel,
  casePath,
  formatAge,
  MemberLink,
  type RiskText,
  ScoreBadge,
  useOperatorName,
  useRiskText,
} from './risk-widgets.tsx';

const PAGE_SIZE = 20;

function StatusBadge({ row, text }: { row: RiskCaseSummary; text: RiskText }) {
  const { t } = text;
  if (row.status === 'open')
    return (
      <span className="badge status-suspended" data-testid="risk-case-status" data-status="open">
        {t('status.open')}
      </span>
    );
  return (
    <span
      className={`badge ${row.resolution === 'fraud' ? 'status-deleted' : 'status-active'}`}
      data-testid="risk-case-status"
      data-status="resolved"
      data-resolution={row.resolution ?? ''}
    >
      {t('status.resolved')}
      {row.resolution && ` · ${t(`label.${row.resolution}`)}`}
    </span>
  );
}

function CaseRow({ row, text, now }: { row: RiskCaseSummary; text: RiskText; now: number }) {
  const { t, locale } = text;
  const name = useOperatorName();
  return (
    <tr data-testid="risk-case-row" data-case-id={row.id} data-member-id={row.memberId ?? ''}>
      <td>
        <ScoreBadge score={row.score} testId="risk-case-score" />
      </td>
      <td>
        <Link to={casePath(row.id)} className="mono small" data-testid="risk-case-link">
          {row.id}
        </Link>
      </td>
      <td>{actionLabel(t, row.action)}</td>
      <td>
        {row.memberId ? (
          <MemberLink id={row.memberId} />
        ) : (
          <span className="muted">{t('queue.noMember')}</span>
        )}
      </td>
      <td className="nowrap small" title={formatDateTime(row.createdAt, locale)}>
        <time dateTime={row.createdAt}>{formatAge(row.createdAt, locale, now)}</time>
      </td>
      <td className="small" data-testid="risk-case-assignee">
        {row.assignee ? name(row.assignee) : <span className="muted">{t('queue.unassigned')}</span>}
      </td>
      <td>
        <StatusBadge row={row} text={text} />
      </td>
    </tr>
  );
}

export default function RiskQueuePage() {
  const text = useRiskText();
  const { t } = text;
  const operator = useOperator();
  const [status, setStatus] = useState<CaseStatus>('open');
  const [mine, setMine] = useState(false);
  const pages = useCursorPages();
  const query = {
    status,
    assignee: mine ? operator.id : undefined,
    limit: PAGE_SIZE,
    cursor: pages.cursor,
  };
  const { state, reload } = useAsync(JSON.stringify(query), (signal) =>
    api<Page<RiskCaseSummary>>('/v1/risk/cases', { query, signal }),
  );
  const rows = state.data?.data ?? [];
  const now = Date.now();
  const emptyText = mine ? 'queue.emptyMine' : status === 'open' ? 'queue.emptyOpen' : 'queue.emptyResolved';

  return (
    <div className="page">
      <div className="page-header">
        <h1>{t('queue.title')}</h1>
        <span className="header-tools">
          <label className="inline-field">
            <span>{t('queue.status')}</span>
            <select
              data-testid="risk-filter-status"
              value={status}
              onChange={(e) => {
                setStatus(e.target.value === 'resolved' ? 'resolved' : 'open');
                pages.reset();
              }}
            >
              <option value="open">{t('status.open')}</option>
              <option value="resolved">{t('status.resolved')}</option>
            </select>
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="risk-filter-mine"
              checked={mine}
              onChange={(e) => {
                setMine(e.target.checked);
                pages.reset();
              }}
            />
            {t('queue.mine')}
          </label>
          <button type="button" className="button secondary" data-testid="risk-refresh" onClick={reload}>
            {t('queue.refresh')}
          </button>
        </span>
      </div>
      <p className="muted">{t('queue.intro')}</p>
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading />}
      {state.status !== 'error' && state.data && rows.length === 0 && <Empty>{t(emptyText)}</Empty>}
      {state.status !== 'error' && state.data && rows.length > 0 && (
        <div className="card table-card">
          <div className="table-scroll">
            <table className="table" data-testid="risk-cases" data-status={status}>
              <thead>
                <tr>
                  <th scope="col">{t('queue.col.score')}</th>
                  <th scope="col">{t('queue.col.case')}</th>
                  <th scope="col">{t('queue.col.action')}</th>
                  <th scope="col">{t('queue.col.member')}</th>
                  <th scope="col">{t('queue.col.age')}</th>
                  <th scope="col">{t('queue.col.assignee')}</th>
                  <th scope="col">{t('queue.col.status')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <CaseRow key={row.id} row={row} text={text} now={now} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            prefix="risk"
            page={pages.page}
            nextCursor={state.data.nextCursor}
            busy={state.status === 'loading'}
            onNext={pages.next}
            onPrevious={pages.previous}
          />
        </div>
      )}
    </div>
  );
}
