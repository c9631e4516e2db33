// The value overview's tier movers (members expected to move up or down a tier) and the tier
// forecast's backtest.
import type { Mover, TierRef } from '../api/intelligence-types.ts';
import { tierText } from '../api/intelligence-types.ts';
import { formatMoney, formatNumber } from '../lib/format.ts';
import { formatPercent, type IntelText, MemberLink } from './value-widgets.tsx';

/** A number found at the first of `paths` (dotted) in `record`, e.g. the churn AUC among metrics. */
export function metricAt(record: Record<string, unknown> | null | undefined, paths: string[]): number | null {
  for (const path of paths) {
    let node: unknown = record;
    for (const part of path.split('.')) node = (node as Record<string, unknown> | null)?.[part];
    if (typeof node === 'number' && Number.isFinite(node)) return node;
  }
  return null;
}
/** Where the backtest's overall accuracy may sit in the model's metrics. */
export const ACCURACY_PATHS = ['accuracy', 'overall', 'tierAccuracy', 'tierMoveAccuracy'];

/** The first members expected to move up (or down) a tier, each a link to the member. */
export function MoverTable({
  rows,
  direction,
  count,
  tiers,
  text,
}: {
  rows: Mover[];
  direction: 'up' | 'down';
  count: number | null;
  tiers: TierRef[];
  text: IntelText;
}) {
  const { t, locale, zh } = text;
  // Without a churn model every risk is null: the column would only say so row by row.
  const withChurn = rows.some((m) => m.churnRisk !== null);
  return (
    <section
      className="card table-card"
      data-testid={`movers-${direction}`}
      aria-labelledby={`movers-${direction}-h`}
    >
      <div className="card-head">
        <h2 id={`movers-${direction}-h`}>
          {direction === 'up' ? '↑ ' : '↓ '}
          {t(`vo.movers.${direction}`)}
        </h2>
        {count !== null && (
          <span className="muted small">{t('vo.movers.count', { n: formatNumber(count, locale) })}</span>
        )}
      </div>
      {rows.length === 0 ? (
        <p className="muted small">{t('vo.movers.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>{t('common.member')}</th>
                <th>{t('vo.col.tiers')}</th>
                <th className="num">{t('vo.col.spend')}</th>
                <th className="num">{t('vo.col.clv')}</th>
                {withChurn && <th className="num">{t('vo.col.churn')}</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.memberId} data-testid="mover-row">
                  <td>
                    <MemberLink id={m.memberId} testId="mover-link" />
                  </td>
                  <td>
                    {tierText(m.currentTier, zh, tiers) ?? '—'} →{' '}
                    {tierText(m.predictedTier, zh, tiers) ?? '—'}
                  </td>
                  <td className="num">{formatMoney(m.expectedSpend, locale)}</td>
                  <td className="num">{formatMoney(m.clv, locale)}</td>
                  {withChurn && <td className="num">{formatPercent(m.churnRisk, locale)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface PrecisionRecall {
  precision: number | null;
  recall: number | null;
}

/**
 * The tier forecast's backtest (from the model's metrics): overall accuracy, the accuracy of
 * predicting "no change" for everyone as the baseline, and precision and recall of moves.
 */
export function Accuracy({ accuracy, text }: { accuracy: Record<string, unknown> | null; text: IntelText }) {
  const { t, locale } = text;
  if (!accuracy) return null;
  const main = metricAt(accuracy, ACCURACY_PATHS);
  const baseline = metricAt(accuracy, ['noChangeAccuracy']);
  const members = metricAt(accuracy, ['members']);
  const move = (key: 'up' | 'down') => {
    const pr = accuracy[key] as PrecisionRecall | undefined;
    if (!pr) return null;
    return t('vo.accuracyMove', {
      move: t(`vo.movers.${key}`),
      precision: formatPercent(pr.precision, locale),
      recall: formatPercent(pr.recall, locale),
    });
  };
  return (
    <p className="small" data-testid="tier-forecast-accuracy" data-value={main ?? undefined}>
      <strong>{t('vo.accuracy', { value: formatPercent(main, locale, 1) })}</strong>
      {members !== null && (
        <span className="muted"> · {t('vo.accuracyMembers', { n: formatNumber(members, locale) })}</span>
      )}
      {baseline !== null && (
        <span className="muted">
          {' '}
          · {t('vo.accuracyBaseline', { value: formatPercent(baseline, locale, 1) })}
        </span>
      )}
      {(['up', 'down'] as const).map((key) => {
        const line = move(key);
        return line ? (
          <span key={key} className="muted">
            {' · '}
            {line}
          </span>
        ) : null;
      })}
    </p>
  );
}
