import { api } from '../api/client.ts';
import type { RuleDto, RuleVersion } from '../api/rules-types.ts';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { eventLabel, useI18n } from '../i18n/i18n.tsx';
import type { RulesTranslate } from '../i18n/rules.ts';
import { formatDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { actionText, capText } from './rule-text.ts';

/**
 * Every saved version of a rule, newest first: who changed it when, what it gave, and its JSON.
 * An editor may load an older version into the form (saving it makes it the newest version).
 */
export function RuleVersions({
  ruleId,
  refresh,
  currentVersion,
  currency,
  t,
  onRestore,
}: {
  ruleId: string;
  /** Changes after each save, to list the new version. */
  refresh: number;
  currentVersion: number;
  currency: string;
  t: RulesTranslate;
  /** Null for read-only roles. */
  onRestore: ((rule: RuleDto) => void) | null;
}) {
  const { t: tMain, locale } = useI18n();
  const path = `/v1/loyalty/rules/${encodeURIComponent(ruleId)}/versions`;
  const { state, reload } = useAsync(`${path}:${refresh}`, (signal) =>
    api<{ data: RuleVersion[] }>(path, { signal }),
  );
  const versions = state.data?.data ?? [];
  return (
    <section className="card" data-testid="rule-versions" aria-labelledby="versions-h">
      <div className="card-head">
        <h2 id="versions-h">{t('versions.title')}</h2>
      </div>
      {state.status === 'error' && <ErrorState scope="section" error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading scope="section" />}
      {state.data && versions.length === 0 && <Empty scope="section">{t('versions.empty')}</Empty>}
      {versions.length > 0 && (
        <div className="table-scroll">
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">{t('versions.version')}</th>
                <th scope="col">{t('versions.changed')}</th>
                <th scope="col">{t('versions.summary')}</th>
                {onRestore && (
                  <th scope="col">
                    <span className="visually-hidden">{t('versions.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {versions.map(({ version, rule, changedBy, changedAt }) => (
                <tr key={version} data-testid="rule-version-row" data-version={version}>
                  <td className="nowrap">
                    v{version}
                    {version === currentVersion && (
                      <span className="badge status-active">{t('versions.current')}</span>
                    )}
                  </td>
                  <td className="nowrap small">
                    {formatDateTime(changedAt, locale, 'short')}
                    <div className="muted mono">{changedBy ?? tMain('common.none')}</div>
                  </td>
                  <td className="details small">
                    <strong>{rule.name}</strong> · {eventLabel(tMain, rule.trigger)} ·{' '}
                    {t(`status.${rule.status}`)} · {actionText(t, rule.action, currency, locale)} ·{' '}
                    {capText(t, rule.cap, locale)}
                    <details>
                      <summary>{t('versions.json')}</summary>
                      <pre className="mono small">{JSON.stringify(rule, null, 2)}</pre>
                    </details>
                  </td>
                  {onRestore && (
                    <td>
                      {version !== currentVersion && (
                        <button
                          type="button"
                          className="button secondary small-button"
                          data-testid="rule-version-restore"
                          onClick={() => onRestore(rule)}
                        >
                          {t('versions.restore')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
