import { hasScope } from '../access.ts';
import { api } from '../api/client.ts';
import { type ExpiringPoints, memberApiPath, type PointsSummary } from '../api/loyalty-types.ts';
import { useOperator } from '../api/session.tsx';
import { ErrorState, Loading } from '../components/states.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatIsoDay, formatNumber } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { AdjustPointsForm } from './member-points-adjust.tsx';

/** How far ahead the expiring list looks. */
const EXPIRING_DAYS = 90;

const BALANCES: { field: keyof Omit<PointsSummary, 'memberId'>; label: MessageKey; testId: string }[] = [
  { field: 'available', label: 'points.available', testId: 'points-available' },
  { field: 'pending', label: 'points.pending', testId: 'points-pending' },
  { field: 'expiringSoon', label: 'points.expiringSoon', testId: 'points-expiring-soon' },
  { field: 'lifetimeEarned', label: 'points.lifetimeEarned', testId: 'points-lifetime-earned' },
  { field: 'lifetimeRedeemed', label: 'points.lifetimeRedeemed', testId: 'points-lifetime-redeemed' },
  { field: 'debt', label: 'points.debt', testId: 'points-debt' },
];

function Balances({ summary }: { summary: PointsSummary }) {
  const { t, locale } = useI18n();
  return (
    <dl className="stat-grid">
      {BALANCES.map(({ field, label, testId }) => {
        const value = summary[field];
        const owing = field === 'debt' && value > 0;
        return (
          <div key={field} className={owing ? 'stat stat-warning' : 'stat'}>
            <dt>{t(label)}</dt>
            <dd data-testid={testId} data-value={value}>
              {formatNumber(value, locale)}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

/** Points that expire in the coming days, one row per day. */
function ExpiringList({ memberId, version }: { memberId: string; version: number }) {
  const { t, locale } = useI18n();
  const { state, reload } = useAsync(`points-expiring:${memberId}:${version}`, (signal) =>
    api<ExpiringPoints>(memberApiPath(memberId, '/points/expiring'), {
      query: { days: EXPIRING_DAYS },
      signal,
    }),
  );
  const rows = state.data?.data ?? [];
  const total = rows.reduce((sum, row) => sum + row.points, 0);
  return (
    <div className="subsection" data-testid="points-expiring">
      <h3 id="points-expiring-h">
        {t('points.expiringTitle', { days: EXPIRING_DAYS })}
        {rows.length > 0 && (
          <span className="muted small" data-testid="points-expiring-total" data-value={total}>
            {' '}
            · {t('points.expiringTotal', { points: formatNumber(total, locale) })}
          </span>
        )}
      </h3>
      {state.status === 'error' && <ErrorState scope="section" error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading scope="section" />}
      {state.status !== 'error' && state.data && rows.length === 0 && (
        <p className="muted small">{t('points.expiringNone', { days: EXPIRING_DAYS })}</p>
      )}
      {state.status !== 'error' && rows.length > 0 && (
        <ul className="expiring-list" aria-labelledby="points-expiring-h">
          {rows.map((row) => (
            <li key={row.expiresAt} data-testid="expiring-row" data-points={row.points}>
              <time dateTime={row.expiresAt}>{formatIsoDay(row.expiresAt, locale)}</time>
              <span className="num">
                {t('points.pointsCount', { points: formatNumber(row.points, locale) })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The member's points: balances, what expires soon and, for roles that may change points, the
 * operator adjust form. `version` goes up after every change so everything here reloads.
 */
export function MemberPoints({
  memberId,
  version,
  onChanged,
}: {
  memberId: string;
  version: number;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const operator = useOperator();
  const { state, reload } = useAsync(`points:${memberId}:${version}`, (signal) =>
    api<PointsSummary>(memberApiPath(memberId, '/points'), { signal }),
  );
  return (
    <section className="card" data-testid="member-points" aria-labelledby="points-h">
      <div className="card-head">
        <h2 id="points-h">{t('points.title')}</h2>
      </div>
      {state.status === 'error' && <ErrorState scope="section" error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading scope="section" />}
      {state.data && state.status !== 'error' && (
        <div
          className={state.status === 'loading' ? 'refreshing' : undefined}
          aria-busy={state.status === 'loading'}
        >
          <Balances summary={state.data} />
        </div>
      )}
      {state.data && state.data.debt > 0 && (
        <p className="notice warning-notice small" data-testid="points-debt-note">
          {t('points.debtNote')}
        </p>
      )}
      <ExpiringList memberId={memberId} version={version} />
      {hasScope(operator.role, 'points:write') && (
        <AdjustPointsForm memberId={memberId} onAdjusted={onChanged} />
      )}
    </section>
  );
}
