// Pieces the risk pages share: their texts, the score's colour band, labels for actions,
// decisions and statuses, who an operator id is, and how long ago something happened.
import './risk.css';
import { useOperator } from '../api/session.tsx';
import { type Translate, useI18n, usePageMessages } from '../i18n/i18n.tsx';
import { type RiskKey, type RiskTranslate, riskMessages } from '../i18n/risk.ts';
import { Link } from '../lib/router.tsx';
import type { RiskReason } from './risk-types.ts';

export interface RiskText {
  t: RiskTranslate;
  tMain: Translate;
  locale: string;
  /** Whether server texts (reason descriptions) are read in Chinese. */
  zh: boolean;
}

/** The page texts, the shared ones, the number locale and the reading language. */
export function useRiskText(): RiskText {
  const { t: tMain, locale, language } = useI18n();
  const t = usePageMessages(riskMessages);
  return { t, tMain, locale, zh: language === 'zh-CN' };
}

export type ScoreBand = 'low' | 'review' | 'block';

/**
 * The colour band of a score, at the default scenarios' thresholds (review from 50, block from
 * 80). A scenario may use others; the band is a reading aid, the decision is the server's.
 */
export function scoreBand(score: number): ScoreBand {
  if (score >= 80) return 'block';
  if (score >= 50) return 'review';
  return 'low';
}

/** The score as a coloured pill, with its band in words for readers who do not see colour. */
export function ScoreBadge({ score, testId }: { score: number; testId?: string }) {
  const { t } = useRiskText();
  const band = scoreBand(score);
  return (
    <span
      className={`risk-score risk-band-${band}`}
      data-testid={testId}
      data-band={band}
      title={t('band.hint', { score, band: t(`band.${band}`) })}
    >
      {score}
      <span className="visually-hidden"> ({t(`band.${band}`)})</span>
    </span>
  );
}

const ACTIONS = ['order', 'login', 'signup', 'redeem', 'transfer', 'coupon'] as const;
const DECISIONS = ['allow', 'review', 'block'] as const;

/** A label from a fixed family, or the raw value when the server sends one the page does not know. */
function known<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

export function actionLabel(t: RiskTranslate, action: string): string {
  return known(ACTIONS, action) ? t(`action.${action}` as RiskKey) : action;
}

export function decisionLabel(t: RiskTranslate, decision: string): string {
  return known(DECISIONS, decision) ? t(`decision.${decision}` as RiskKey) : decision;
}

/** The server's reason in the reader's language (English when the Chinese one is missing). */
export function reasonText(reason: RiskReason, zh: boolean): string {
  return (zh ? reason.descriptionZh : reason.description) || reason.description || reason.code;
}

/**
 * An operator id as the reader knows it: "you" for the signed-in operator; other operators by
 * id (their names are listed only to admins, see /work/notes/requests-riskui.md).
 */
export function useOperatorName(): (id: string | null) => string {
  const operator = useOperator();
  const { t } = useRiskText();
  return (id) => {
    if (id === null) return t('common.none');
    return id === operator.id ? `${operator.username} (${t('common.you')})` : id;
  };
}

/** "5 minutes ago", "3 days ago" in the reader's language. */
export function formatAge(iso: string, locale: string, now: number = Date.now()): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const seconds = Math.round((ms - now) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86_400), 'day');
}

/** A link to a member's page. */
export function MemberLink({ id, testId }: { id: string; testId?: string }) {
  return (
    <Link to={`/members/${encodeURIComponent(id)}`} className="mono" data-testid={testId} data-member-id={id}>
      {id}
    </Link>
  );
}

/** Where a case's page lives. */
export function casePath(id: string): string {
  return `/risk/cases/${encodeURIComponent(id)}`;
}
