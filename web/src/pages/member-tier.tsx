import { useState } from 'react';
import { hasScope } from '../access.ts';
import { api } from '../api/client.ts';
import {
  type MemberTier,
  memberApiPath,
  type TierHistoryEntry,
  type TierLadder,
  type TierMetric,
  type TierName,
} from '../api/loyalty-types.ts';
import { useOperator } from '../api/session.tsx';
import type { Page } from '../api/types.ts';
import { Pager, useCursorPages } from '../components/pager.tsx';
import { ProgressBar } from '../components/progress.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { type Translate, useI18n } from '../i18n/i18n.tsx';
import { formatDateTime, formatIsoDay } from '../lib/format.ts';
import { labelOf, metricText, tierName, tierRefName } from '../lib/loyalty-labels.ts';
import { useAsync } from '../lib/use-async.ts';
import { TierOverride } from './member-tier-override.tsx';

const HISTORY_PAGE = 20;
/** The programme's default currency, for a spend metric when the programme cannot be read. */
const DEFAULT_CURRENCY = 'CNY';

interface TierView {
  tier: MemberTier;
  /** Currency of spend figures (the programme's). */
  currency: string;
  /** The ladder's tiers, to name the tier ids history and overrides refer to. */
  known: readonly TierName[];
}

/** The ladder (names and the programme's currency); null when it cannot be read. */
async function loadLadder(signal: AbortSignal): Promise<TierLadder | null> {
  try {
    return await api<TierLadder>('/v1/loyalty/tiers', { signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    return null;
  }
}

async function loadTier(memberId: string, signal: AbortSignal): Promise<TierView> {
  const [tier, ladder] = await Promise.all([
    api<MemberTier>(memberApiPath(memberId, '/tier'), { signal }),
    loadLadder(signal),
  ]);
  const next = tier.progress.nextTier;
  return {
    tier,
    currency: tier.progress.currency ?? ladder?.settings.currency ?? DEFAULT_CURRENCY,
    known: ladder?.tiers ?? [tier.tier, ...(next ? [next] : [])],
  };
}

/** A benefit in words: the earning multiplier has a sentence, anything else `name: value`. */
function benefitText(t: Translate, name: string, value: unknown): string {
  if (name === 'earningMultiplier' && typeof value === 'number')
    return t('tier.benefit.earningMultiplier', { value });
  if (value === true) return name;
  return `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

/**
 * Progress of the tier the metric earned (under an override it may differ from the tier shown):
 * toward the next tier, and what keeps the earned one.
 */
function Progress({ view }: { view: TierView }) {
  const { t, locale, language } = useI18n();
  const { tier: member, currency, known } = view;
  const { progress } = member;
  const amount = (value: number) => metricText(progress.metric, value, currency, locale);
  const earnedId = progress.earnedTierId ?? member.tier.id;
  const earnedIndex = known.findIndex((tier) => tier.id === earnedId);
  const earned = tierRefName(earnedId, language, known) ?? tierName(member.tier, language);
  const isEntryTier = earnedIndex === 0 || (earnedIndex < 0 && member.tier.position === 0);
  const next = progress.nextTier;
  const needed = Math.max(progress.neededForNext ?? 0, 0);
  const target = next?.entryThreshold ?? progress.current + needed;
  const fraction = next ? (target > 0 ? progress.current / target : 1) : 1;
  const valueText = next
    ? t('tier.progressText', { current: amount(progress.current), target: amount(target) })
    : amount(progress.current);
  const keep = progress.neededToKeep;
  return (
    <div className="subsection tier-progress">
      <div className="tier-progress-head">
        <span>
          {labelOf(t, 'tier.metric', progress.metric)}, {labelOf(t, 'tier.window', progress.window)}
        </span>
        <strong data-testid="tier-current" data-value={progress.current}>
          {amount(progress.current)}
        </strong>
      </div>
      <ProgressBar
        testId="tier-progress"
        fraction={fraction}
        label={next ? t('tier.progressLabel', { tier: tierName(next, language) }) : t('tier.top')}
        valueText={valueText}
      />
      <p className="small" data-testid="tier-next">
        {!next
          ? t('tier.top')
          : needed > 0
            ? t('tier.neededForNext', { amount: amount(needed), tier: tierName(next, language) })
            : t('tier.reached', { tier: tierName(next, language) })}
      </p>
      {keep !== null && !isEntryTier && (
        <p className="small muted" data-testid="tier-keep">
          {keep > 0
            ? member.validUntil
              ? t('tier.neededToKeepBy', {
                  amount: amount(keep),
                  tier: earned,
                  date: formatIsoDay(member.validUntil, locale),
                })
              : t('tier.neededToKeep', { amount: amount(keep), tier: earned })
            : t('tier.kept', { tier: earned })}
        </p>
      )}
    </div>
  );
}

function TierSummary({ view }: { view: TierView }) {
  const { t, locale, language } = useI18n();
  const member = view.tier;
  const benefits = Object.entries(member.tier.benefits ?? {});
  const earnedId = member.progress.earnedTierId;
  const earned =
    member.override && earnedId && earnedId !== member.tier.id
      ? tierRefName(earnedId, language, view.known)
      : null;
  return (
    <>
      <div className="tier-head">
        <span className="tier-name" data-testid="tier-name" data-tier-id={member.tier.id}>
          {member.tier.color && (
            <span className="tier-swatch" style={{ background: member.tier.color }} aria-hidden="true" />
          )}
          {tierName(member.tier, language)}
        </span>
        <span className="muted small">
          {t('tier.since', { date: formatIsoDay(member.since, locale) })}
          {member.validUntil &&
            ` · ${t('tier.validUntil', { date: formatIsoDay(member.validUntil, locale) })}`}
        </span>
      </div>
      {member.override && (
        <p className="notice warning-notice small" data-testid="tier-override">
          {member.override.until
            ? t('tier.overrideUntil', {
                date: formatIsoDay(member.override.until, locale),
                reason: member.override.reason,
              })
            : t('tier.override', { reason: member.override.reason })}
          {earned && ` ${t('tier.earnedTier', { tier: earned })}`}
        </p>
      )}
      {benefits.length > 0 && (
        <div className="benefits" data-testid="tier-benefits">
          <span className="muted small">{t('tier.benefits')}</span>
          {benefits.map(([name, value]) => (
            <span key={name} className="badge">
              {benefitText(t, name, value)}
            </span>
          ))}
        </div>
      )}
      <Progress view={view} />
    </>
  );
}

function HistoryTable({
  entries,
  metric,
  currency,
  known,
}: {
  entries: TierHistoryEntry[];
  metric: TierMetric | null;
  currency: string;
  /** Tiers whose names the page knows (the ladder), for history that sends ids. */
  known: readonly TierName[];
}) {
  const { t, locale, language } = useI18n();
  return (
    <div className="table-scroll">
      <table className="table compact">
        <thead>
          <tr>
            <th scope="col">{t('tier.history.at')}</th>
            <th scope="col">{t('tier.history.change')}</th>
            <th scope="col">{t('tier.history.tiers')}</th>
            <th scope="col" className="num">
              {t('tier.history.metric')}
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => {
            const from = tierRefName(entry.fromTier, language, known);
            const to = tierRefName(entry.toTier, language, known);
            return (
              <tr key={entry.id} data-testid="tier-history-row" data-change={entry.change}>
                <td className="nowrap">{formatDateTime(entry.at, locale, 'short')}</td>
                <td>
                  <span className={`badge change-${entry.change}`}>
                    {labelOf(t, 'tier.change', entry.change)}
                  </span>
                </td>
                <td className="details">
                  <span className="nowrap">{from ? `${from} → ${to ?? ''}` : (to ?? t('common.none'))}</span>
                  <div className="small" data-testid="tier-history-reason">
                    {entry.reason}
                  </div>
                  <div className="muted small" title={entry.actor.id ?? undefined}>
                    {labelOf(t, 'ledger.source', entry.actor.type)}
                  </div>
                </td>
                <td className="num">
                  {entry.metricValue === null
                    ? t('common.none')
                    : metric
                      ? metricText(metric, entry.metricValue, currency, locale)
                      : entry.metricValue}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Tier changes, newest first, twenty a page. */
function TierHistory({
  memberId,
  metric,
  currency,
  known,
}: {
  memberId: string;
  metric: TierMetric;
  currency: string;
  known: readonly TierName[];
}) {
  const { t } = useI18n();
  const pages = useCursorPages();
  const { state, reload } = useAsync(`tier-history:${memberId}:${pages.cursor ?? ''}`, (signal) =>
    api<Page<TierHistoryEntry>>(memberApiPath(memberId, '/tier/history'), {
      query: { limit: HISTORY_PAGE, cursor: pages.cursor },
      signal,
    }),
  );
  const entries = state.data?.data ?? [];
  return (
    <div className="subsection" data-testid="tier-history">
      <h3>{t('tier.history.title')}</h3>
      {state.status === 'error' && <ErrorState scope="section" error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading scope="section" />}
      {state.status !== 'error' && state.data && entries.length === 0 && (
        <Empty scope="section">{t('tier.history.empty')}</Empty>
      )}
      {state.status !== 'error' && entries.length > 0 && (
        <HistoryTable entries={entries} metric={metric} currency={currency} known={known} />
      )}
      {state.data && (pages.page > 1 || state.data.nextCursor) && (
        <Pager
          prefix="tier-history"
          page={pages.page}
          nextCursor={state.data.nextCursor}
          busy={state.status === 'loading'}
          onNext={pages.next}
          onPrevious={pages.previous}
        />
      )}
    </div>
  );
}

/**
 * The member's tier: name, validity, any override, benefits, progress, and its history. Roles
 * with loyalty:write may set or end an override here; the panel and the history then reload.
 */
export function MemberTierPanel({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const operator = useOperator();
  const [version, setVersion] = useState(0);
  const { state, reload } = useAsync(`tier:${memberId}:${version}`, (signal) => loadTier(memberId, signal));
  // While reloading after a change the previous view stays, so the override form keeps its note.
  const view = state.status !== 'error' ? (state.data ?? null) : null;
  return (
    <section className="card" data-testid="member-tier" aria-labelledby="tier-h">
      <div className="card-head">
        <h2 id="tier-h">{t('tier.title')}</h2>
      </div>
      {state.status === 'error' && <ErrorState scope="section" error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !view && <Loading scope="section" />}
      {view && (
        <div
          className={state.status === 'loading' ? 'refreshing' : undefined}
          aria-busy={state.status === 'loading'}
        >
          <TierSummary view={view} />
        </div>
      )}
      {view && hasScope(operator.role, 'loyalty:write') && (
        <TierOverride
          memberId={memberId}
          tier={view.tier}
          known={view.known}
          onChanged={() => setVersion((v) => v + 1)}
        />
      )}
      {view && (
        <TierHistory
          key={version}
          memberId={memberId}
          metric={view.tier.progress.metric}
          currency={view.currency}
          known={view.known}
        />
      )}
    </section>
  );
}
