import { useState } from 'react';
import { api } from '../api/client.ts';
import { EVENT_TYPES, type MemberEvent, type Money, type Page } from '../api/types.ts';
import { describeError, Empty, ErrorState, Loading } from '../components/states.tsx';
import { eventLabel, type Translate, useI18n } from '../i18n/i18n.tsx';
import { formatDateTime, formatMoney } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';

const EVENTS_PAGE = 20;
const ORDERS_LIMIT = 100;

function eventsPath(memberId: string): string {
  return `/v1/members/${encodeURIComponent(memberId)}/events`;
}

/** The facts of an event worth a glance, in a short line. */
function eventFacts(event: MemberEvent, t: Translate, locale: string): string[] {
  const facts: string[] = [];
  if (event.itemId) facts.push(t('member.event.item', { id: event.itemId }));
  if (event.orderId) facts.push(t('member.event.order', { id: event.orderId }));
  if (event.quantity !== null && event.quantity > 1)
    facts.push(t('member.event.quantity', { quantity: event.quantity }));
  const money = event.amount ?? event.price;
  if (money) facts.push(formatMoney(money, locale));
  if (event.rating !== null) facts.push(t('member.event.rating', { rating: event.rating }));
  const query = event.properties?.query;
  if (typeof query === 'string') facts.push(`“${query}”`);
  if (event.text) facts.push(event.text.length > 80 ? `${event.text.slice(0, 80)}…` : event.text);
  const channel = event.context?.channel;
  if (channel) facts.push(t('member.event.channel', { channel }));
  return facts;
}

function EventRow({ event }: { event: MemberEvent }) {
  const { t, locale } = useI18n();
  return (
    <li className="timeline-row" data-testid="event-row" data-event-type={event.type}>
      <time dateTime={event.occurredAt} className="muted small">
        {formatDateTime(event.occurredAt, locale, 'short')}
      </time>
      <span className={`badge event-${event.type}`}>{eventLabel(t, event.type)}</span>
      <span className="facts">{eventFacts(event, t, locale).join(' · ')}</span>
    </li>
  );
}

/** The member's events, newest first, twenty at a time, optionally of one type. */
export function MemberEvents({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const [type, setType] = useState('');
  const { state, reload } = useAsync(`events:${memberId}:${type}`, (signal) =>
    api<Page<MemberEvent>>(eventsPath(memberId), { query: { type, limit: EVENTS_PAGE }, signal }),
  );
  // Pages loaded after the first belong to it and lapse with it (another type, a reload).
  const [more, setMore] = useState<{ first: unknown; events: MemberEvent[]; cursor: string | null } | null>(
    null,
  );
  const [moreState, setMoreState] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const extra = more && more.first === state.data ? more : null;

  const events = [...(state.data?.data ?? []), ...(extra?.events ?? [])];
  const cursor = extra ? extra.cursor : (state.data?.nextCursor ?? null);
  const loadMore = async () => {
    if (!cursor) return;
    setMoreState({ busy: true, error: null });
    try {
      const page = await api<Page<MemberEvent>>(eventsPath(memberId), {
        query: { type, limit: EVENTS_PAGE, cursor },
      });
      setMore({
        first: state.data,
        events: [...(extra?.events ?? []), ...page.data],
        cursor: page.nextCursor,
      });
      setMoreState({ busy: false, error: null });
    } catch (error) {
      setMoreState({ busy: false, error });
    }
  };

  return (
    <section className="card" data-testid="member-events" aria-labelledby="events-h">
      <div className="card-head">
        <h2 id="events-h">{t('member.events')}</h2>
        <label className="inline-field">
          <span>{t('member.eventsType')}</span>
          <select data-testid="member-events-type" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">{t('common.any')}</option>
            {EVENT_TYPES.map((eventType) => (
              <option key={eventType} value={eventType}>
                {eventLabel(t, eventType)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {state.status === 'error' && <ErrorState scope="section" error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading scope="section" />}
      {state.status !== 'error' && state.data && events.length === 0 && (
        <Empty scope="section">{t('member.eventsEmpty')}</Empty>
      )}
      {state.status !== 'error' && events.length > 0 && (
        <ol className="timeline">
          {events.map((event) => (
            <EventRow key={event.id} event={event} />
          ))}
        </ol>
      )}
      {moreState.error !== null && (
        <p className="form-error" role="alert">
          {describeError(t, moreState.error)}
        </p>
      )}
      {state.status === 'ok' && cursor && (
        <button
          type="button"
          className="button secondary wide"
          data-testid="events-more"
          disabled={moreState.busy}
          onClick={loadMore}
        >
          {moreState.busy ? t('state.loading') : t('common.loadMore')}
        </button>
      )}
    </section>
  );
}

interface Orders {
  rows: MemberEvent[];
  truncated: boolean;
}

async function loadOrders(memberId: string, signal: AbortSignal): Promise<Orders> {
  const query = (type: string) => ({ query: { type, limit: ORDERS_LIMIT }, signal });
  const [paid, refunded] = await Promise.all([
    api<Page<MemberEvent>>(eventsPath(memberId), query('order_paid')),
    api<Page<MemberEvent>>(eventsPath(memberId), query('order_refunded')),
  ]);
  const rows = [...paid.data, ...refunded.data].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
  return { rows, truncated: paid.nextCursor !== null || refunded.nextCursor !== null };
}

/** Sums per currency, so a shop selling in two currencies does not add them up. */
function totals(rows: MemberEvent[], type: string): Money[] {
  const sums = new Map<string, number>();
  for (const row of rows) {
    if (row.type !== type || !row.amount) continue;
    sums.set(row.amount.currency, (sums.get(row.amount.currency) ?? 0) + row.amount.amount);
  }
  return [...sums.entries()].map(([currency, amount]) => ({ amount, currency }));
}

/** Paid and refunded orders, newest first, with the paid and refunded totals. */
export function MemberOrders({ memberId }: { memberId: string }) {
  const { t, locale } = useI18n();
  const { state, reload } = useAsync(`orders:${memberId}`, (signal) => loadOrders(memberId, signal));
  const orders = state.status === 'ok' ? state.data : null;
  const sum = (type: string) =>
    orders
      ? totals(orders.rows, type)
          .map((m) => formatMoney(m, locale))
          .join(' + ') || t('common.none')
      : '';
  return (
    <section className="card" data-testid="member-orders" aria-labelledby="orders-h">
      <div className="card-head">
        <h2 id="orders-h">{t('member.orders')}</h2>
        {orders && orders.rows.length > 0 && (
          <span className="muted small">
            {t('member.ordersPaid')}: {sum('order_paid')} · {t('member.ordersRefunded')}:{' '}
            {sum('order_refunded')}
          </span>
        )}
      </div>
      {state.status === 'error' && <ErrorState scope="section" error={state.error} onRetry={reload} />}
      {state.status === 'loading' && <Loading scope="section" />}
      {orders && orders.rows.length === 0 && <Empty scope="section">{t('member.ordersEmpty')}</Empty>}
      {orders && orders.rows.length > 0 && (
        <div className="table-scroll">
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">{t('member.order.date')}</th>
                <th scope="col">{t('member.order.id')}</th>
                <th scope="col">{t('member.order.kind')}</th>
                <th scope="col" className="num">
                  {t('member.order.amount')}
                </th>
              </tr>
            </thead>
            <tbody>
              {orders.rows.map((row) => {
                const refund = row.type === 'order_refunded';
                return (
                  <tr
                    key={row.id}
                    data-testid="order-row"
                    data-order-id={row.orderId ?? ''}
                    data-kind={row.type}
                  >
                    <td className="nowrap">{formatDateTime(row.occurredAt, locale, 'short')}</td>
                    <td className="mono nowrap">{row.orderId}</td>
                    <td>
                      <span className={refund ? 'badge status-suspended' : 'badge status-active'}>
                        {t(refund ? 'member.order.refunded' : 'member.order.paid')}
                      </span>
                    </td>
                    <td className={refund ? 'num negative' : 'num'}>
                      {row.amount
                        ? `${refund ? '−' : ''}${formatMoney(row.amount, locale)}`
                        : t('common.none')}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {orders?.truncated && <p className="muted small">{t('member.ordersMore', { count: ORDERS_LIMIT })}</p>}
    </section>
  );
}
