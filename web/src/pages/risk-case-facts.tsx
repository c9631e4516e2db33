// The read-only parts of a case page: the reasons (chart and table), the feature values with
// their meaning, the request's context, and the timeline.
import { useMemo } from 'react';
import { EChart } from '../components/echart.tsx';
import { FEATURE_FAMILY_ZH, FEATURE_ZH, WINDOW_ZH } from '../i18n/risk.ts';
import { formatDateTime, formatMoney, formatNumber } from '../lib/format.ts';
import { reasonsOption } from './risk-charts.ts';
import type { FeatureCatalogue, RiskCaseDetail } from './risk-types.ts';
import { decisionLabel, type RiskText, reasonText, useOperatorName } from './risk-widgets.tsx';

export function ReasonsCard({ detail, text }: { detail: RiskCaseDetail; text: RiskText }) {
  const { t, tMain, zh } = text;
  const reasons = detail.decision.reasons;
  const option = useMemo(() => reasonsOption(reasons, (r) => reasonText(r, zh)), [reasons, zh]);
  return (
    <section className="card table-card" aria-labelledby="risk-reasons-h">
      <div className="risk-pad">
        <h2 id="risk-reasons-h">{t('reasons.title')}</h2>
        <p className="muted small">{t('reasons.hint')}</p>
      </div>
      {reasons.length === 0 ? (
        <p className="muted risk-pad">{t('reasons.none')}</p>
      ) : (
        <>
          <div className="risk-pad">
            <EChart
              testId="risk-reasons-chart"
              option={option}
              points={reasons.length}
              height={Math.max(120, 40 + reasons.length * 34)}
              label={tMain('overview.chartSummary', { title: t('reasons.chart'), count: reasons.length })}
            />
          </div>
          <div className="table-scroll">
            <table className="table compact" data-testid="risk-reasons">
              <thead>
                <tr>
                  <th scope="col">{t('reasons.col.code')}</th>
                  <th scope="col">{t('reasons.col.description')}</th>
                  <th scope="col" className="num">
                    {t('reasons.col.contribution')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {reasons.map((reason) => (
                  <tr key={reason.code} data-testid="risk-reason" data-code={reason.code}>
                    <td className="mono small">{reason.code}</td>
                    <td data-testid="risk-reason-text">{reasonText(reason, zh)}</td>
                    <td
                      className={`num risk-contribution ${reason.contribution >= 0 ? 'positive' : 'negative'}`}
                    >
                      {reason.contribution > 0 ? `+${reason.contribution}` : reason.contribution}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** The catalogue's meaning of a feature, in Chinese when the page knows it. */
function featureMeaning(name: string, catalogue: FeatureCatalogue, zh: boolean): string {
  if (zh) {
    if (FEATURE_ZH[name]) return FEATURE_ZH[name];
    const dot = name.lastIndexOf('.');
    const family = FEATURE_FAMILY_ZH[name.slice(0, dot)];
    const window = WINDOW_ZH[name.slice(dot + 1)];
    if (family && window) return `${family}（${window}）`;
  }
  return catalogue[name] ?? '';
}

function featureValue(value: unknown, text: RiskText): string {
  if (typeof value === 'number') {
    return new Intl.NumberFormat(text.locale, { maximumFractionDigits: 3 }).format(value);
  }
  if (typeof value === 'boolean') return text.t(value ? 'features.yes' : 'features.no');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function FeaturesCard({
  detail,
  catalogue,
  text,
}: {
  detail: RiskCaseDetail;
  catalogue: FeatureCatalogue;
  text: RiskText;
}) {
  const { t, zh } = text;
  const known = Object.entries(detail.decision.features)
    .filter(([, value]) => value !== null && value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return (
    <section className="card table-card" aria-labelledby="risk-features-h">
      <div className="risk-pad">
        <h2 id="risk-features-h">{t('features.title')}</h2>
        <p className="muted small">{t('features.hint')}</p>
      </div>
      {known.length === 0 ? (
        <p className="muted risk-pad">{t('features.none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table compact" data-testid="risk-features">
            <thead>
              <tr>
                <th scope="col">{t('features.col.name')}</th>
                <th scope="col" className="num">
                  {t('features.col.value')}
                </th>
                <th scope="col">{t('features.col.meaning')}</th>
              </tr>
            </thead>
            <tbody>
              {known.map(([name, value]) => (
                <tr key={name} data-testid="risk-feature" data-feature={name}>
                  <td className="mono small">{name}</td>
                  <td className="num">{featureValue(value, text)}</td>
                  <td className="small muted">{featureMeaning(name, catalogue, zh)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function money(value: unknown, locale: string): string | null {
  if (!value || typeof value !== 'object') return null;
  const { amount, currency } = value as { amount?: unknown; currency?: unknown };
  if (typeof amount !== 'number' || typeof currency !== 'string') return null;
  return formatMoney({ amount, currency }, locale);
}

/** The request as checked: identifiers of the context and what the action was about. */
export function ContextCard({ detail, text }: { detail: RiskCaseDetail; text: RiskText }) {
  const { t, locale } = text;
  const inputs = detail.decision.inputs;
  const context = (inputs.context && typeof inputs.context === 'object' ? inputs.context : {}) as Record<
    string,
    unknown
  >;
  const rows: [string, string, string | null][] = [
    ['ip', t('context.ip'), str(context.ip)],
    ['device', t('context.device'), str(context.deviceId)],
    ['payment', t('context.payment'), str(context.paymentFingerprint)],
    ['country', t('context.country'), str(context.country)],
    ['address', t('context.address'), context.shippingAddressHash ? t('context.addressHashed') : null],
    ['userAgent', t('context.userAgent'), str(context.userAgent)],
    ['amount', t('context.amount'), money(inputs.amount, locale)],
    [
      'points',
      t('context.points'),
      typeof inputs.points === 'number' ? formatNumber(inputs.points, locale) : null,
    ],
    ['order', t('context.order'), str(inputs.orderId)],
    ['recipient', t('context.recipient'), str(inputs.recipientMemberId)],
    ['coupon', t('context.coupon'), str(inputs.couponCode)],
  ];
  return (
    <section className="card" aria-labelledby="risk-context-h">
      <h2 id="risk-context-h">{t('context.title')}</h2>
      <dl className="risk-facts" data-testid="risk-context">
        {rows.map(([key, label, value]) => (
          <div key={key} data-testid={`risk-context-${key}`}>
            <dt>{label}</dt>
            <dd className={key === 'ip' || key === 'device' || key === 'payment' ? 'mono' : undefined}>
              {value ?? t('common.none')}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

interface TimelineEntry {
  key: string;
  at: string | null;
  kind: string;
  title: string;
  body?: string | null;
}

/**
 * What happened to the case, oldest first: the decision, the case opening, every comment and the
 * resolution. The API keeps the current assignee only (not when it changed), so the assignment is
 * the last row, marked "now".
 */
export function TimelineCard({ detail, text }: { detail: RiskCaseDetail; text: RiskText }) {
  const { t, locale } = text;
  const name = useOperatorName();
  const entries: TimelineEntry[] = [
    {
      key: 'decision',
      at: detail.decision.createdAt,
      kind: 'decision',
      title: t('timeline.decision', {
        score: detail.score,
        decision: decisionLabel(t, detail.decision.decision),
      }),
    },
    { key: 'opened', at: detail.createdAt, kind: 'opened', title: t('timeline.opened') },
    ...detail.comments.map((c) => ({
      key: c.id,
      at: c.createdAt,
      kind: 'comment',
      title: t('timeline.comment', { who: name(c.author) }),
      body: c.text,
    })),
  ];
  if (detail.status === 'resolved' && detail.resolution) {
    entries.push({
      key: 'resolved',
      at: detail.resolvedAt,
      kind: 'resolved',
      title: t('timeline.resolved', { label: t(`label.${detail.resolution}`), who: name(detail.resolvedBy) }),
      body: detail.note,
    });
  }
  // Stable order by time; the decision and the case share a transaction, decision first.
  const ordered = entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => Date.parse(a.entry.at ?? '') - Date.parse(b.entry.at ?? '') || a.index - b.index)
    .map(({ entry }) => entry);
  if (detail.assignee)
    ordered.push({
      key: 'assigned',
      at: null,
      kind: 'assigned',
      title: t('timeline.assigned', { who: name(detail.assignee) }),
    });
  return (
    <section className="card" aria-labelledby="risk-timeline-h">
      <h2 id="risk-timeline-h">{t('timeline.title')}</h2>
      <ol className="timeline risk-timeline" data-testid="risk-timeline">
        {ordered.map((entry) => (
          <li
            key={entry.key}
            className="timeline-row"
            data-testid="risk-timeline-entry"
            data-kind={entry.kind}
          >
            {entry.at ? (
              <time className="small muted" dateTime={entry.at}>
                {formatDateTime(entry.at, locale, 'short')}
              </time>
            ) : (
              <span className="small muted">{t('timeline.assignedNow')}</span>
            )}
            <div>
              <strong className="small">{entry.title}</strong>
              {entry.body && (
                <p className="comment-text" data-testid="risk-timeline-text">
                  {entry.body}
                </p>
              )}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
