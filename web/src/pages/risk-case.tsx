// `/risk/cases/{id}`: one review case — the header (score, decision, action, member, scenario
// version, status, assignee), the reasons, the feature values, the request, the timeline, the
// accounts linked through devices and IPs, and the reviewer's actions.
import { useEffect, useState } from 'react';
import { hasScope } from '../access.ts';
import { ApiError, api } from '../api/client.ts';
import { useOperator } from '../api/session.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { formatDateTime } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { ContextCard, FeaturesCard, ReasonsCard, TimelineCard } from './risk-case-facts.tsx';
import { ReviewCard } from './risk-case-review.tsx';
import { LinksCard } from './risk-links.tsx';
import type { FeatureCatalogue, RiskCaseDetail } from './risk-types.ts';
import {
  actionLabel,
  decisionLabel,
  MemberLink,
  type RiskText,
  ScoreBadge,
  useOperatorName,
  useRiskText,
} from './risk-widgets.tsx';

function Header({ detail, text }: { detail: RiskCaseDetail; text: RiskText }) {
  const { t, locale } = text;
  const name = useOperatorName();
  const statusClass =
    detail.status === 'open'
      ? 'status-suspended'
      : detail.resolution === 'fraud'
        ? 'status-deleted'
        : 'status-active';
  return (
    <section className="card" aria-label={t('case.title', { id: detail.id })}>
      <dl className="risk-facts" data-testid="risk-case-header">
        <div>
          <dt>{t('case.score')}</dt>
          <dd>
            <ScoreBadge score={detail.score} testId="risk-case-score" />
          </dd>
        </div>
        <div>
          <dt>{t('case.decision')}</dt>
          <dd data-testid="risk-case-decision">{decisionLabel(t, detail.decision.decision)}</dd>
        </div>
        <div>
          <dt>{t('case.action')}</dt>
          <dd>{actionLabel(t, detail.action)}</dd>
        </div>
        <div>
          <dt>{t('case.member')}</dt>
          <dd>
            {detail.memberId ? (
              <MemberLink id={detail.memberId} testId="risk-case-member" />
            ) : (
              t('queue.noMember')
            )}
          </dd>
        </div>
        <div>
          <dt>{t('case.scenario')}</dt>
          <dd>
            {detail.decision.scenarioVersion === null
              ? t('common.none')
              : t('case.scenarioVersion', {
                  action: actionLabel(t, detail.action),
                  version: detail.decision.scenarioVersion,
                })}
          </dd>
        </div>
        <div>
          <dt>{t('case.status')}</dt>
          <dd>
            <span
              className={`badge ${statusClass}`}
              data-testid="risk-case-status"
              data-status={detail.status}
              data-resolution={detail.resolution ?? ''}
            >
              {t(`status.${detail.status}`)}
              {detail.resolution && ` · ${t(`label.${detail.resolution}`)}`}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('case.assignee')}</dt>
          <dd data-testid="risk-case-assignee" data-assignee={detail.assignee ?? ''}>
            {detail.assignee ? name(detail.assignee) : t('queue.unassigned')}
          </dd>
        </div>
        <div>
          <dt>{t('case.opened')}</dt>
          <dd>{formatDateTime(detail.createdAt, locale, 'short')}</dd>
        </div>
      </dl>
    </section>
  );
}

export default function RiskCasePage({ id }: { id: string }) {
  const text = useRiskText();
  const { t } = text;
  const operator = useOperator();
  const mayReview = hasScope(operator.role, 'risk:review');
  const path = `/v1/risk/cases/${encodeURIComponent(id)}`;
  const { state, reload } = useAsync(path, (signal) => api<RiskCaseDetail>(path, { signal }));
  // The catalogue only labels feature values: without it the table still shows them.
  const catalogue = useAsync('/v1/risk/features', (signal) =>
    api<FeatureCatalogue>('/v1/risk/features', { signal }),
  );
  // The case as last read or as the last change returned it (a change replies with the case).
  const [detail, setDetail] = useState<RiskCaseDetail | null>(null);
  useEffect(() => {
    if (state.status === 'ok') setDetail(state.data);
  }, [state]);

  const notFound = state.status === 'error' && state.error instanceof ApiError && state.error.status === 404;
  return (
    <div className="page" data-testid="risk-case" data-case-id={id} data-version={detail?.version ?? ''}>
      <nav className="breadcrumb">
        <Link to="/risk" data-testid="risk-back">
          ← {t('case.back')}
        </Link>
      </nav>
      <div className="page-header">
        <h1>
          {t('case.title', { id: '' })}
          <span className="mono risk-case-id">{id}</span>
        </h1>
      </div>
      {notFound && <Empty>{t('case.notFound', { id })}</Empty>}
      {state.status === 'error' && !notFound && !detail && (
        <ErrorState error={state.error} onRetry={reload} />
      )}
      {!detail && state.status === 'loading' && <Loading />}
      {detail && state.status === 'error' && (
        <ErrorState scope="section" error={state.error} onRetry={reload} />
      )}
      {detail && (
        <div className="risk-column">
          <Header detail={detail} text={text} />
          <div className="risk-grid">
            <div className="risk-column">
              <ReasonsCard detail={detail} text={text} />
              <LinksCard memberId={detail.memberId} text={text} />
              <FeaturesCard detail={detail} catalogue={catalogue.state.data ?? {}} text={text} />
            </div>
            <div className="risk-column">
              {mayReview ? (
                <ReviewCard detail={detail} text={text} onChanged={setDetail} onStale={reload} />
              ) : (
                <p className="notice small">{t('review.readOnly')}</p>
              )}
              <TimelineCard detail={detail} text={text} />
              <ContextCard detail={detail} text={text} />
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
