import { useEffect } from 'react';
import { api } from '../api/client.ts';
import { type LedgerEntry, memberApiPath } from '../api/loyalty-types.ts';
import type { Page } from '../api/types.ts';
import { Pager, useCursorPages } from '../components/pager.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { type Translate, useI18n } from '../i18n/i18n.tsx';
import { formatDateTime, formatIsoDay, formatNumber, formatSigned } from '../lib/format.ts';
import { labelOf } from '../lib/loyalty-labels.ts';
import { useAsync } from '../lib/use-async.ts';

const LEDGER_PAGE = 20;

/** Badge colour per kind: credits green, debits red, the rest neutral. */
const KIND_CLASS: Record<string, string> = {
  earn: 'status-active',
  transfer_in: 'status-active',
  release: 'status-active',
  redeem: 'kind-debit',
  transfer_out: 'kind-debit',
  expire: 'status-suspended',
  reverse: 'status-deleted',
  adjust: 'kind-adjust',
};

/** Pending and debt movements of an entry, in words ("pending +120"), when it has any. */
function sideEffects(entry: LedgerEntry, t: Translate, locale: string): string[] {
  const notes: string[] = [];
  if (entry.pendingDelta)
    notes.push(t('ledger.pendingDelta', { points: formatSigned(entry.pendingDelta, locale) }));
  if (entry.debtDelta) notes.push(t('ledger.debtDelta', { points: formatSigned(entry.debtDelta, locale) }));
  return notes;
}

function LedgerRow({ entry }: { entry: LedgerEntry }) {
  const { t, locale } = useI18n();
  const notes = sideEffects(entry, t, locale);
  return (
    <tr data-testid="ledger-row" data-ledger-id={entry.id} data-kind={entry.kind} data-points={entry.points}>
      <td className="nowrap">{formatDateTime(entry.createdAt, locale, 'short')}</td>
      <td>
        <span className={`badge ${KIND_CLASS[entry.kind] ?? ''}`}>
          {labelOf(t, 'ledger.kind', entry.kind)}
        </span>
      </td>
      <td className={entry.points < 0 ? 'num negative' : 'num'} data-testid="ledger-points">
        {formatSigned(entry.points, locale)}
        {notes.length > 0 && <div className="muted small">{notes.join(' · ')}</div>}
      </td>
      <td className="num" data-testid="ledger-balance">
        {formatNumber(entry.balanceAfter, locale)}
      </td>
      <td className="details" data-testid="ledger-reason">
        {entry.reason}
      </td>
      <td className="small">
        <span className="muted">{labelOf(t, 'ledger.source', entry.source.type)}</span>
        {entry.source.id && <div className="mono small">{entry.source.id}</div>}
        {entry.rule && (
          <div className="mono small">
            {t('ledger.rule', { id: entry.rule.id, version: entry.rule.version })}
          </div>
        )}
      </td>
      <td className="nowrap small">
        {entry.expiresAt ? formatIsoDay(entry.expiresAt, locale) : t('common.none')}
      </td>
    </tr>
  );
}

/** The member's points ledger, newest first, twenty entries a page; back to page one after a change. */
export function MemberLedger({ memberId, version }: { memberId: string; version: number }) {
  const { t } = useI18n();
  const pages = useCursorPages();
  const { reset } = pages;
  // A new entry lands on page one: go there whenever the points change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the trigger, not an input.
  useEffect(() => reset(), [version, reset]);
  const { state, reload } = useAsync(`ledger:${memberId}:${pages.cursor ?? ''}:${version}`, (signal) =>
    api<Page<LedgerEntry>>(memberApiPath(memberId, '/points/ledger'), {
      query: { limit: LEDGER_PAGE, cursor: pages.cursor },
      signal,
    }),
  );
  const entries = state.data?.data ?? [];
  return (
    <section className="card" data-testid="member-ledger" aria-labelledby="ledger-h">
      <div className="card-head">
        <h2 id="ledger-h">{t('ledger.title')}</h2>
      </div>
      {state.status === 'error' && <ErrorState scope="section" error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading scope="section" />}
      {state.status !== 'error' && state.data && entries.length === 0 && (
        <Empty scope="section">{t('ledger.empty')}</Empty>
      )}
      {state.status !== 'error' && entries.length > 0 && (
        <div className={state.status === 'loading' ? 'table-scroll refreshing' : 'table-scroll'}>
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">{t('ledger.col.at')}</th>
                <th scope="col">{t('ledger.col.kind')}</th>
                <th scope="col" className="num">
                  {t('ledger.col.points')}
                </th>
                <th scope="col" className="num">
                  {t('ledger.col.balance')}
                </th>
                <th scope="col">{t('ledger.col.reason')}</th>
                <th scope="col">{t('ledger.col.source')}</th>
                <th scope="col">{t('ledger.col.expires')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <LedgerRow key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {state.data && (pages.page > 1 || state.data.nextCursor) && (
        <Pager
          prefix="ledger"
          page={pages.page}
          nextCursor={state.data.nextCursor}
          busy={state.status === 'loading'}
          onNext={pages.next}
          onPrevious={pages.previous}
        />
      )}
    </section>
  );
}
