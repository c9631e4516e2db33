// The member page's value panel: CLV, expected spend, P(alive) now and over time, churn risk with
// its top reasons, the tier forecast, the member's segments and a summary of the behaviour profile.
import { useMemo } from 'react';
import { api } from '../api/client.ts';
import {
  type ChurnReason,
  type MemberProfile,
  type MemberValue,
  type Page,
  type SegmentRef,
  type TierRef,
  tierText,
} from '../api/intelligence-types.ts';
import { memberApiPath } from '../api/loyalty-types.ts';
import { Kpi } from '../components/kpi.tsx';
import { describeError, Loading } from '../components/states.tsx';
import { formatDateTime, formatMoney, formatNumber } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { loadLadder, orNull } from './programme-api.ts';
import { probabilityLineOption } from './value-charts.ts';
import { ProfileSummary } from './value-profile.tsx';
import { biText, ChartBox, formatPercent, type IntelText, riskLevel, useIntel } from './value-widgets.tsx';

type Loaded<T> = { ok: true; data: T } | { ok: false; error: unknown };

async function settle<T>(promise: Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, data: await promise };
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    return { ok: false, error };
  }
}

interface PanelData {
  value: Loaded<MemberValue>;
  profile: Loaded<MemberProfile>;
  segments: SegmentRef[];
  /** The ladder, to name the tiers the value API gives by id. */
  tiers: TierRef[];
}

async function loadPanel(memberId: string, signal: AbortSignal): Promise<PanelData> {
  const [value, profile, ladder] = await Promise.all([
    settle(api<MemberValue>(memberApiPath(memberId, '/value'), { signal })),
    settle(api<MemberProfile>(memberApiPath(memberId, '/profile'), { signal })),
    orNull(loadLadder(signal)),
  ]);
  // The profile carries the member's segments; without it, they are asked for on their own.
  const segments =
    profile.ok && profile.data.segments
      ? profile.data.segments
      : ((await orNull(api<Page<SegmentRef>>(memberApiPath(memberId, '/segments'), { signal })))?.data ?? []);
  return { value, profile, segments, tiers: ladder?.tiers ?? [] };
}

function Reasons({ reasons, text }: { reasons: ChurnReason[]; text: IntelText }) {
  const { t, locale, zh } = text;
  const max = Math.max(...reasons.map((r) => Math.abs(r.contribution)), 1e-9);
  if (reasons.length === 0) return <p className="muted small">{t('mv.noReasons')}</p>;
  return (
    <ol className="reason-list" data-testid="value-reasons">
      {reasons.map((reason) => (
        <li key={reason.feature} data-testid="value-reason" data-feature={reason.feature}>
          <div className="reason-head">
            <span className="reason-label">{biText(reason.label, zh, reason.feature)}</span>
            <span className="muted small" data-testid="value-reason-value">
              {reason.value === null ? '—' : formatNumber(Math.round(reason.value * 100) / 100, locale)}
            </span>
          </div>
          <div
            className={`reason-bar${reason.contribution < 0 ? ' lowers' : ''}`}
            title={t('mv.contribution', {
              value: formatNumber(Math.round(reason.contribution * 1000) / 1000, locale),
            })}
          >
            <span style={{ width: `${(Math.abs(reason.contribution) / max) * 100}%` }} />
          </div>
        </li>
      ))}
    </ol>
  );
}

function TierForecast({
  value,
  tiers,
  text,
}: {
  value: Extract<MemberValue, { status: 'scored' }>;
  tiers: TierRef[];
  text: IntelText;
}) {
  const { t, zh } = text;
  const current = tierText(value.currentTier, zh, tiers) ?? t('mv.noTier');
  const predicted = tierText(value.predictedTier, zh, tiers) ?? t('mv.noTier');
  const move = value.tierMove > 0 ? 'up' : value.tierMove < 0 ? 'down' : 'same';
  const arrow = move === 'up' ? '↑' : move === 'down' ? '↓' : '→';
  return (
    <div className="tier-forecast" data-testid="value-tier-move" data-move={move}>
      <span className="badge">{current}</span>
      <span className={`tier-arrow move-${move}`} aria-hidden="true">
        {arrow}
      </span>
      <span className="badge">{predicted}</span>
      <span className="small muted"> {t(`mv.move.${move}`)}</span>
    </div>
  );
}

function Scores({
  value,
  tiers,
  text,
}: {
  value: Extract<MemberValue, { status: 'scored' }>;
  tiers: TierRef[];
  text: IntelText;
}) {
  const { t, locale } = text;
  const level = value.churnRisk === null ? null : riskLevel(value.churnRisk);
  const history = useMemo(
    () =>
      probabilityLineOption(
        value.pAliveHistory.map((p) => ({ at: p.at, value: Math.round(p.pAlive * 1000) / 1000 })),
        t('mv.pAliveSeries'),
        locale,
      ),
    [value, t, locale],
  );
  return (
    <>
      <div className="kpi-grid auto">
        <Kpi
          testId="value-clv"
          label={t('mv.clv')}
          value={formatMoney(value.clv, locale)}
          raw={value.clv.amount}
        />
        <Kpi
          testId="value-expected-spend"
          label={t('mv.expectedSpend')}
          value={formatMoney(value.expectedSpend, locale)}
          exact={t('mv.expectedPurchases', {
            n: formatNumber(Math.round(value.expectedPurchases * 10) / 10, locale),
          })}
          raw={value.expectedSpend.amount}
        />
        <Kpi
          testId="value-palive"
          label={t('mv.pAlive')}
          value={formatPercent(value.pAlive, locale)}
          raw={value.pAlive}
        />
        <div className={`kpi risk-${level ?? 'none'}`} data-testid="value-churn" data-level={level ?? ''}>
          <div className="kpi-label">{t('mv.churn')}</div>
          <div className="kpi-value">{formatPercent(value.churnRisk, locale)}</div>
          <div className="small">
            {level ? t('mv.churnLevel', { level: t(`level.${level}`) }) : t('mv.noChurn')}
          </div>
        </div>
      </div>
      <div className="value-columns">
        <section aria-labelledby="value-reasons-h">
          <h3 id="value-reasons-h" className="intel-h3">
            {t('mv.reasons')}
          </h3>
          <p className="muted small">{t('mv.reasonsHint')}</p>
          {value.churnRisk === null ? (
            <p className="muted small" data-testid="value-no-churn">
              {t('mv.noChurnModel')}
            </p>
          ) : (
            <Reasons reasons={value.churnReasons} text={text} />
          )}
        </section>
        <section aria-labelledby="value-tier-h">
          <h3 id="value-tier-h" className="intel-h3">
            {t('mv.tierForecast')}
          </h3>
          <TierForecast value={value} tiers={tiers} text={text} />
          <ChartBox
            testId="chart-palive-history"
            title={t('mv.pAliveHistory')}
            option={history}
            points={value.pAliveHistory.length}
            height={180}
          />
        </section>
      </div>
      <p className="muted small">
        {t('mv.scoredAt', { when: formatDateTime(value.scoredAt, locale), model: value.modelId })}
      </p>
    </>
  );
}

function Segments({ segments, text }: { segments: SegmentRef[]; text: IntelText }) {
  const { t } = text;
  return (
    <section aria-labelledby="value-segments-h" data-testid="member-segments">
      <h3 id="value-segments-h" className="intel-h3">
        {t('mv.segments')}
      </h3>
      {segments.length === 0 ? (
        <p className="muted small">{t('mv.noSegments')}</p>
      ) : (
        <div className="chip-list">
          {segments.map((s) => (
            <Link
              key={s.id}
              to={`/insights/segments/${encodeURIComponent(s.id)}`}
              className="chip"
              data-testid="member-segment"
            >
              {s.name}
            </Link>
          ))}
        </div>
      )}
    </section>
  );
}

function ValueBody({
  value,
  tiers,
  text,
}: {
  value: Loaded<MemberValue>;
  tiers: TierRef[];
  text: IntelText;
}) {
  const { t, tMain } = text;
  if (!value.ok)
    return (
      <p className="form-error" role="alert" data-testid="value-error">
        {t('mv.valueFailed', { message: describeError(tMain, value.error) })}
      </p>
    );
  if (value.data.status !== 'scored') {
    const reason = value.data.reason;
    const message =
      reason === 'no_model' || reason === 'no_purchases'
        ? t(`mv.notScored.${reason}`)
        : t('mv.notScored.other', { reason });
    return (
      <p className="notice" data-testid="value-not-scored" data-reason={reason}>
        {message}
      </p>
    );
  }
  return <Scores value={value.data} tiers={tiers} text={text} />;
}

/** The value panel's contents (the member page draws the card and its heading). */
export default function MemberValuePanel({ memberId }: { memberId: string }) {
  const text = useIntel();
  const { state } = useAsync(`member-value:${memberId}`, (signal) => loadPanel(memberId, signal));
  if (state.status === 'loading' && !state.data) return <Loading scope="section" />;
  if (state.status === 'error')
    return (
      <p className="form-error" role="alert">
        {describeError(text.tMain, state.error)}
      </p>
    );
  const data = state.data as PanelData;
  return (
    <div className="member-value" data-testid="member-value">
      <ValueBody value={data.value} tiers={data.tiers} text={text} />
      <Segments segments={data.segments} text={text} />
      {data.profile.ok ? (
        <ProfileSummary profile={data.profile.data} text={text} />
      ) : (
        <p className="muted small" data-testid="profile-error">
          {text.t('mv.profileFailed', { message: describeError(text.tMain, data.profile.error) })}
        </p>
      )}
    </div>
  );
}
