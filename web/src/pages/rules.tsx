import './editors.css';
import { useState } from 'react';
import { hasScope } from '../access.ts';
import { api } from '../api/client.ts';
import { RULE_STATUSES, RULE_TRIGGERS, type RuleDto, type RuleStatus } from '../api/rules-types.ts';
import { useOperator } from '../api/session.tsx';
import type { Page } from '../api/types.ts';
import { Pager, useCursorPages } from '../components/pager.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { eventLabel, useI18n, usePageMessages } from '../i18n/i18n.tsx';
import { rulesMessages } from '../i18n/rules.ts';
import { formatDateTime } from '../lib/format.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { DEFAULT_CURRENCY, loadProgramme, orNull } from './programme-api.ts';
import { actionText, capText } from './rule-text.ts';

const PAGE_SIZE = 50;

function rulePath(rule: RuleDto): string {
  return `/loyalty/rules/${encodeURIComponent(rule.id)}`;
}

/** The campaign window in a few words, or nothing for a rule that always runs. */
function windowText(rule: RuleDto, locale: string): string {
  if (!rule.validFrom && !rule.validUntil) return '';
  return `${formatDateTime(rule.validFrom, locale, 'short')} – ${formatDateTime(rule.validUntil, locale, 'short')}`;
}

/** `/loyalty/rules`: the earning rules in evaluation order (trigger, then priority), filterable. */
export default function RulesPage() {
  const t = usePageMessages(rulesMessages);
  const { t: tMain, locale } = useI18n();
  const operator = useOperator();
  const mayWrite = hasScope(operator.role, 'loyalty:write');
  const [status, setStatus] = useState<'' | RuleStatus>('');
  const [trigger, setTrigger] = useState('');
  const pages = useCursorPages();
  const programme = useAsync('/v1/loyalty/programme', (signal) => orNull(loadProgramme(signal)));
  const currency = programme.state.data?.settings.currency ?? DEFAULT_CURRENCY;
  const { state, reload } = useAsync(
    `/v1/loyalty/rules:${status}:${trigger}:${pages.cursor ?? ''}`,
    (signal) =>
      api<Page<RuleDto>>('/v1/loyalty/rules', {
        query: { status, trigger, limit: PAGE_SIZE, cursor: pages.cursor },
        signal,
      }),
  );
  const rules = state.data?.data ?? [];
  return (
    <div className="page" data-testid="rules-page">
      <div className="page-header">
        <h1>{t('rules.title')}</h1>
        <span className="header-tools">
          <label className="inline-field">
            <span>{t('rules.filterTrigger')}</span>
            <select
              data-testid="rules-filter-trigger"
              value={trigger}
              onChange={(e) => {
                setTrigger(e.target.value);
                pages.reset();
              }}
            >
              <option value="">{tMain('common.any')}</option>
              {RULE_TRIGGERS.map((type) => (
                <option key={type} value={type}>
                  {eventLabel(tMain, type)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            <span>{t('field.status')}</span>
            <select
              data-testid="rules-filter-status"
              value={status}
              onChange={(e) => {
                setStatus(e.target.value as '' | RuleStatus);
                pages.reset();
              }}
            >
              <option value="">{tMain('common.any')}</option>
              {RULE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          {mayWrite && (
            <Link to="/loyalty/rules/new" className="button primary" data-testid="rules-new">
              {t('rules.new')}
            </Link>
          )}
        </span>
      </div>
      <p className="muted small">{t('rules.intro')}</p>
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading />}
      {state.status !== 'error' && state.data && rules.length === 0 && <Empty>{t('rules.empty')}</Empty>}
      {state.status !== 'error' && rules.length > 0 && (
        <div className="card table-card">
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('rules.col.name')}</th>
                  <th scope="col">{t('field.trigger')}</th>
                  <th scope="col">{t('field.status')}</th>
                  <th scope="col" className="num">
                    {t('field.priority')}
                  </th>
                  <th scope="col">{t('rules.col.gives')}</th>
                  <th scope="col">{t('rules.col.cap')}</th>
                  <th scope="col">{t('rules.col.window')}</th>
                  <th scope="col">{t('rules.col.updated')}</th>
                </tr>
              </thead>
              <tbody>
                {rules.map((rule) => (
                  <tr
                    key={rule.id}
                    className="clickable"
                    data-testid="rule-row"
                    data-rule-id={rule.id}
                    data-status={rule.status}
                    onClick={() => navigate(rulePath(rule))}
                  >
                    <td>
                      <Link to={rulePath(rule)} data-testid="rule-link" onClick={(e) => e.stopPropagation()}>
                        {rule.name}
                      </Link>
                      {rule.stacking === 'exclusive' && (
                        <span className="badge">{t('stacking.exclusive')}</span>
                      )}
                      {rule.description && <div className="muted small">{rule.description}</div>}
                    </td>
                    <td>
                      <span className={`badge event-${rule.trigger}`}>{eventLabel(tMain, rule.trigger)}</span>
                    </td>
                    <td>
                      <span className={`badge rule-status-${rule.status}`} data-testid="rule-status">
                        {t(`status.${rule.status}`)}
                      </span>
                    </td>
                    <td className="num">{rule.priority}</td>
                    <td data-testid="rule-gives">{actionText(t, rule.action, currency, locale)}</td>
                    <td className="small">{capText(t, rule.cap, locale)}</td>
                    <td className="small nowrap">{windowText(rule, locale) || t('rules.always')}</td>
                    <td className="small nowrap">
                      {formatDateTime(rule.updatedAt, locale, 'short')}
                      <div className="muted">v{rule.version}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            prefix="rules"
            page={pages.page}
            nextCursor={state.data?.nextCursor ?? null}
            busy={state.status === 'loading'}
            onNext={pages.next}
            onPrevious={pages.previous}
          />
        </div>
      )}
    </div>
  );
}
