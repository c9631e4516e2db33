// The member page's recommendations panel: what the member would be shown now, best first, with
// the reason for each item, the strategy that produced the list and the model (and A/B variant)
// behind it; filters for category (the catalogue's own, with counts), stock and diversity ask the
// server again.
import { useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { memberApiPath } from '../api/loyalty-types.ts';
import { describeError, Loading } from '../components/states.tsx';
import { Link } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { CategorySelect } from './recommend-categories.tsx';
import type { MemberRecommendations } from './recommend-types.ts';
import { FilterRow, ModelBadge, RecommendedTable, StrategyBadge, useRec } from './recommend-widgets.tsx';

const LIMIT = 10;

type Stock = '' | 'true' | 'false';
type Diversity = '' | 'none' | 'cap' | 'mmr';

interface Filters {
  category: string;
  inStock: Stock;
  diversity: Diversity;
}

function loadRecommendations(memberId: string, filters: Filters, signal: AbortSignal) {
  return api<MemberRecommendations>(memberApiPath(memberId, '/recommendations'), {
    query: {
      limit: LIMIT,
      category: filters.category,
      inStock: filters.inStock,
      diversity: filters.diversity,
    },
    signal,
  });
}

/** The panel's contents (the member page draws the card and its heading). */
export default function MemberRecommendationsPanel({ memberId }: { memberId: string }) {
  const text = useRec();
  const { t, tMain } = text;
  const [category, setCategory] = useState('');
  const [inStock, setInStock] = useState<Stock>('');
  const [diversity, setDiversity] = useState<Diversity>('');
  const filters: Filters = { category, inStock, diversity };
  const { state, reload } = useAsync(`member-recs:${memberId}:${JSON.stringify(filters)}`, (signal) =>
    loadRecommendations(memberId, filters, signal),
  );
  const list = state.data;
  const notEnoughData =
    state.status === 'error' &&
    state.error instanceof ApiError &&
    state.error.code === 'RECOMMEND_NOT_ENOUGH_DATA';

  return (
    <div className="member-recs" data-testid="member-recommendations" aria-busy={state.status === 'loading'}>
      <FilterRow label={t('common.filters')}>
        <CategorySelect
          label={t('mr.category')}
          value={category}
          onChange={setCategory}
          text={text}
          testId="rec-filter-category"
        />
        <label className="field">
          <span>{t('mr.stock')}</span>
          <select
            data-testid="rec-filter-stock"
            value={inStock}
            onChange={(e) => setInStock(e.target.value as Stock)}
          >
            <option value="">{t('mr.stockAny')}</option>
            <option value="true">{t('mr.stockIn')}</option>
            <option value="false">{t('mr.stockOut')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('mr.diversity')}</span>
          <select
            data-testid="rec-filter-diversity"
            value={diversity}
            onChange={(e) => setDiversity(e.target.value as Diversity)}
          >
            <option value="">{t('mr.diversity.default')}</option>
            <option value="none">{t('mr.diversity.none')}</option>
            <option value="cap">{t('mr.diversity.cap')}</option>
            <option value="mmr">{t('mr.diversity.mmr')}</option>
          </select>
        </label>
      </FilterRow>
      {state.status === 'loading' && !list && <Loading scope="section" />}
      {notEnoughData && (
        <p className="notice" data-testid="rec-not-enough-data">
          {t('mr.notEnoughData')}
        </p>
      )}
      {state.status === 'error' && !notEnoughData && (
        <div className="form-error" role="alert" data-testid="rec-error">
          {t('mr.failed', { message: describeError(tMain, state.error) })}{' '}
          <button type="button" className="button secondary" onClick={reload}>
            {tMain('state.retry')}
          </button>
        </div>
      )}
      {list && state.status !== 'error' && (
        <div
          className={state.status === 'loading' ? 'refreshing' : undefined}
          data-testid="rec-list"
          data-recommendation-id={list.recommendationId}
          data-strategy={list.strategy}
          data-count={list.items.length}
        >
          <div className="rec-meta">
            <StrategyBadge strategy={list.strategy} text={text} />
            <ModelBadge model={list.model} text={text} />
          </div>
          {list.items.length === 0 ? (
            <p className="muted" data-testid="rec-empty">
              {t('mr.empty')}
            </p>
          ) : (
            <RecommendedTable
              items={list.items}
              text={text}
              rowTestId="rec-item"
              renderTitle={(item, title) => (
                <Link to={`/insights/similar/${encodeURIComponent(item.itemId)}`}>{title}</Link>
              )}
            />
          )}
          <p className="muted small mono">{t('mr.listId', { id: list.recommendationId })}</p>
        </div>
      )}
    </div>
  );
}
