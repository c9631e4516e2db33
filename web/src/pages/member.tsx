import { lazy, Suspense, useState } from 'react';
import { mayRevealPii } from '../access.ts';
import { ApiError, api } from '../api/client.ts';
import { useOperator } from '../api/session.tsx';
import type { Member } from '../api/types.ts';
import { describeError, Empty, ErrorState, Loading } from '../components/states.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatDateTime } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { MemberEvents, MemberOrders } from './member-activity.tsx';

// Points, tier and ledger load with their own chunk, so signing in does not wait for them.
const LoyaltyPanels = lazy(() => import('./member-loyalty.tsx'));
// The value panel (scores, reasons, segments, profile) brings ECharts and its own texts.
const MemberValuePanel = lazy(() => import('./member-value.tsx'));
// The recommendations panel (items with reasons, filters) brings its own texts and styles.
const MemberRecommendationsPanel = lazy(() => import('./member-recommendations.tsx'));

function memberPath(id: string): string {
  return `/v1/members/${encodeURIComponent(id)}`;
}

const PII_ROWS: { field: 'name' | 'email' | 'phone' | 'birthday' | 'address'; testId?: string }[] = [
  { field: 'name', testId: 'member-name' },
  { field: 'email', testId: 'member-email' },
  { field: 'phone', testId: 'member-phone' },
  { field: 'birthday' },
  { field: 'address' },
];

const PLAIN_ROWS = ['gender', 'region', 'locale', 'channel'] as const;

function Profile({ member, revealed }: { member: Member; revealed: boolean }) {
  const { t, locale } = useI18n();
  const none = t('common.none');
  const consents = Object.entries(member.consents);
  const attributes = Object.entries(member.attributes);
  return (
    <dl className="profile-grid" data-pii={revealed ? 'full' : 'masked'}>
      {PII_ROWS.map(({ field, testId }) => (
        <div key={field}>
          <dt>{t(`member.field.${field}` as MessageKey)}</dt>
          <dd data-testid={testId} className={revealed ? 'pii revealed' : 'pii'}>
            {member[field] ?? none}
          </dd>
        </div>
      ))}
      {PLAIN_ROWS.map((field) => (
        <div key={field}>
          <dt>{t(`member.field.${field}`)}</dt>
          <dd>{member[field] ?? none}</dd>
        </div>
      ))}
      <div>
        <dt>{t('member.field.registered')}</dt>
        <dd>{formatDateTime(member.registeredAt, locale)}</dd>
      </div>
      <div>
        <dt>{t('member.field.updated')}</dt>
        <dd>{formatDateTime(member.updatedAt, locale)}</dd>
      </div>
      <div className="span-2">
        <dt>{t('member.field.consents')}</dt>
        <dd>
          {consents.length === 0
            ? none
            : consents.map(([name, consent]) => (
                <span
                  key={name}
                  className={consent.granted ? 'badge status-active' : 'badge status-suspended'}
                >
                  {name}: {t(consent.granted ? 'member.consentGranted' : 'member.consentDenied')}
                </span>
              ))}
        </dd>
      </div>
      <div className="span-2">
        <dt>{t('member.field.attributes')}</dt>
        <dd className="mono small">
          {attributes.length === 0
            ? none
            : attributes.map(([name, value]) => (
                <span key={name} className="attribute">
                  {name}={typeof value === 'string' ? value : JSON.stringify(value)}
                </span>
              ))}
        </dd>
      </div>
    </dl>
  );
}

type Reveal = { status: 'masked' } | { status: 'loading' } | { status: 'full'; member: Member };

/** The audited reveal: one `?pii=full` read, kept in memory only while this page is open. */
function useReveal(id: string) {
  const [reveal, setReveal] = useState<Reveal>({ status: 'masked' });
  const [error, setError] = useState<unknown>(null);
  const start = async () => {
    setReveal({ status: 'loading' });
    setError(null);
    try {
      const member = await api<Member>(memberPath(id), { query: { pii: 'full' } });
      setReveal({ status: 'full', member });
    } catch (err) {
      setError(err);
      setReveal({ status: 'masked' });
    }
  };
  return { reveal, error, start, hide: () => setReveal({ status: 'masked' }) };
}

const PANELS: { id: string; title: MessageKey; text: MessageKey }[] = [
  { id: 'panel-risk', title: 'member.panel.risk', text: 'member.panel.riskText' },
];

function LaterPanels() {
  const { t } = useI18n();
  return (
    <div className="panel-grid">
      {PANELS.map((panel) => (
        <section
          key={panel.id}
          className="card later-panel"
          data-testid={panel.id}
          aria-labelledby={`${panel.id}-h`}
        >
          <div className="later-head">
            <h2 id={`${panel.id}-h`}>{t(panel.title)}</h2>
            <span className="badge later-badge">{t('member.later')}</span>
          </div>
          <p>{t(panel.text)}</p>
          <p className="muted small">{t('member.laterNote')}</p>
        </section>
      ))}
    </div>
  );
}

/** One member: profile (masked unless revealed), points and tier, events, orders, panels to come. */
export function MemberPage({ id }: { id: string }) {
  const { t } = useI18n();
  const operator = useOperator();
  const { state, reload } = useAsync(`member:${id}`, (signal) =>
    api<Member>(memberPath(id), { query: { pii: 'masked' }, signal }),
  );
  const { reveal, error: revealError, start, hide } = useReveal(id);
  const notFound = state.status === 'error' && state.error instanceof ApiError && state.error.status === 404;
  const member = reveal.status === 'full' ? reveal.member : state.data;

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="breadcrumb">
        <Link to="/members">← {t('member.back')}</Link>
      </nav>
      <div className="page-header">
        <h1>
          {t('member.title', { id })}
          {member && (
            <span className={`badge status-${member.status} title-badge`}>
              {t(`status.${member.status}`)}
            </span>
          )}
        </h1>
      </div>
      {notFound && <Empty>{t('member.notFound', { id })}</Empty>}
      {state.status === 'error' && !notFound && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading />}
      {state.status === 'ok' && member && (
        <>
          <section className="card" data-testid="member-profile" aria-labelledby="profile-h">
            <div className="card-head">
              <h2 id="profile-h">{t('member.profile')}</h2>
              {mayRevealPii(operator.role) && reveal.status !== 'full' && (
                <button
                  type="button"
                  className="button warning"
                  data-testid="reveal-pii"
                  disabled={reveal.status === 'loading'}
                  onClick={start}
                >
                  {reveal.status === 'loading' ? t('member.revealing') : t('member.reveal')}
                </button>
              )}
              {reveal.status === 'full' && (
                <button type="button" className="button secondary" data-testid="hide-pii" onClick={hide}>
                  {t('member.hide')}
                </button>
              )}
            </div>
            <p className={reveal.status === 'full' ? 'notice warning-notice' : 'muted small'} role="status">
              {reveal.status === 'full'
                ? t('member.revealed')
                : `${t('member.masked')} ${mayRevealPii(operator.role) ? t('member.revealNote') : ''}`}
            </p>
            {revealError !== null && (
              <p className="form-error" role="alert">
                {t('member.revealFailed', { message: describeError(t, revealError) })}
              </p>
            )}
            <Profile member={member} revealed={reveal.status === 'full'} />
          </section>
          <Suspense fallback={<Loading scope="section" />}>
            <LoyaltyPanels memberId={id} />
          </Suspense>
          <section className="card" data-testid="panel-value" aria-labelledby="panel-value-h">
            <h2 id="panel-value-h">{t('member.panel.value')}</h2>
            <Suspense fallback={<Loading scope="section" />}>
              <MemberValuePanel memberId={id} />
            </Suspense>
          </section>
          <section
            className="card"
            data-testid="panel-recommendations"
            aria-labelledby="panel-recommendations-h"
          >
            <h2 id="panel-recommendations-h">{t('member.panel.recommendations')}</h2>
            <p className="muted small">{t('member.panel.recommendationsText')}</p>
            <Suspense fallback={<Loading scope="section" />}>
              <MemberRecommendationsPanel memberId={id} />
            </Suspense>
          </section>
          <div className="activity-grid">
            <MemberEvents memberId={id} />
            <MemberOrders memberId={id} />
          </div>
          <LaterPanels />
        </>
      )}
    </div>
  );
}
