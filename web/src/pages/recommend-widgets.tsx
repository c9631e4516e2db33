// Pieces the recommendation pages share: their texts, the reason in the reader's language, the
// strategy and model badges, and the table of recommended items.
import './recommend.css';
import type { ReactNode } from 'react';
import { type Translate, useI18n, usePageMessages } from '../i18n/i18n.tsx';
import { type RecommendTranslate, recommendMessages } from '../i18n/recommend.ts';
import { formatMoney, formatNumber } from '../lib/format.ts';
import {
  RECOMMENDER_KINDS,
  type Reason,
  type RecommendedItem,
  type RecommenderKind,
  type ServingModel,
} from './recommend-types.ts';

export interface RecText {
  t: RecommendTranslate;
  tMain: Translate;
  locale: string;
  zh: boolean;
}

/** The page texts, the shared ones, the number locale and whether server texts are read in Chinese. */
export function useRec(): RecText {
  const { t: tMain, locale, language } = useI18n();
  const t = usePageMessages(recommendMessages);
  return { t, tMain, locale, zh: language === 'zh-CN' };
}

/** The server's sentence in the reader's language (English when the Chinese one is missing). */
export function reasonText(reason: Reason, zh: boolean): string {
  return (zh ? reason.textZh : reason.text) || reason.text || reason.code;
}

/** The title in the reader's language where the item has an English one. */
export function itemTitle(item: { title: string; titleEn?: string | null }, zh: boolean): string {
  return zh ? item.title : item.titleEn || item.title;
}

export function kindLabel(t: RecommendTranslate, kind: string): string {
  return kind === 'auto' || (RECOMMENDER_KINDS as readonly string[]).includes(kind)
    ? t(`kind.${kind as RecommenderKind | 'auto'}`)
    : kind;
}

/** A score to three significant digits: scores of different models live on different scales. */
export function formatScore(score: number, locale: string): string {
  if (!Number.isFinite(score)) return '—';
  return new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 }).format(score);
}

/** 0.4231 → "42.3%". */
export function formatRatio(ratio: number | null | undefined, locale: string, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(ratio);
}

/** A metric such as NDCG to four decimals. */
export function formatMetric(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 4, minimumFractionDigits: 4 }).format(value);
}

const STRATEGIES = ['precomputed', 'online', 'cold-start', 'session'] as const;

export function StrategyBadge({ strategy, text }: { strategy: string; text: RecText }) {
  const known = (STRATEGIES as readonly string[]).includes(strategy)
    ? (strategy as (typeof STRATEGIES)[number])
    : null;
  return (
    <span
      className={`badge rec-strategy rec-strategy-${strategy}`}
      data-testid="rec-strategy"
      data-strategy={strategy}
      title={known ? text.t(`strategy.hint.${known}`) : undefined}
    >
      {known ? text.t(`strategy.${known}`) : strategy}
    </span>
  );
}

export function ModelBadge({ model, text }: { model: ServingModel | null; text: RecText }) {
  const { t } = text;
  if (!model)
    return (
      <span className="badge" data-testid="rec-model" data-model-id="">
        {t('model.none')}
      </span>
    );
  return (
    <span className="rec-badges">
      <span
        className="badge rec-model"
        data-testid="rec-model"
        data-model-id={model.id}
        data-kind={model.kind}
        title={t('model.id', { id: model.id })}
      >
        {t('model.badge', { kind: kindLabel(t, model.kind) })}
      </span>
      {model.variant && (
        <span className="badge rec-variant" data-testid="rec-variant">
          {t('model.variant', { name: model.variant })}
        </span>
      )}
    </span>
  );
}

/**
 * Recommended items best first: title (a link or button through `renderTitle`), category,
 * price, score, stock and the reason sentence.
 */
export function RecommendedTable({
  items,
  text,
  rowTestId,
  renderTitle,
}: {
  items: RecommendedItem[];
  text: RecText;
  rowTestId: string;
  renderTitle?: (item: RecommendedItem, title: string) => ReactNode;
}) {
  const { t, locale, zh } = text;
  return (
    <div className="table-scroll">
      <table className="table compact rec-table">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('col.item')}</th>
            <th>{t('col.category')}</th>
            <th className="num">{t('col.price')}</th>
            <th className="num">{t('col.score')}</th>
            <th>{t('col.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item, index) => {
            const title = itemTitle(item, zh);
            return (
              <tr
                key={item.itemId}
                data-testid={rowTestId}
                data-item-id={item.itemId}
                data-category={item.category}
                data-in-stock={item.inStock ? 'true' : 'false'}
                data-reason={item.reason.code}
              >
                <td className="muted num">{index + 1}</td>
                <td>
                  <div className="rec-title">{renderTitle ? renderTitle(item, title) : title}</div>
                  <div className="muted small mono">
                    {item.itemId}
                    {!item.inStock && <span className="badge rec-out">{t('stock.out')}</span>}
                  </div>
                </td>
                <td>{item.category}</td>
                <td className="num nowrap">{formatMoney(item.price, locale)}</td>
                <td className="num" data-testid={`${rowTestId}-score`} data-value={item.score}>
                  {formatScore(item.score, locale)}
                </td>
                <td className="rec-reason" data-testid={`${rowTestId}-reason`} data-code={item.reason.code}>
                  {reasonText(item.reason, zh)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A row of related controls above a list. */
export function FilterRow({ children, label }: { children: ReactNode; label: string }) {
  return (
    <form className="filters rec-filters" aria-label={label} onSubmit={(e) => e.preventDefault()}>
      {children}
    </form>
  );
}

export function formatCount(value: number | null | undefined, locale: string): string {
  return value === null || value === undefined ? '—' : formatNumber(value, locale);
}
