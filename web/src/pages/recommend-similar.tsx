// `/insights/similar[/{itemId}]`: the similar-items explorer. The catalogue (searched by title or
// id, filtered by category, brand and stock, as the items API allows) or an item id picks an item; the model's most similar
// items are listed with scores and reasons, and clicking one explores it in turn (the address
// names the item, so the browser's back button walks the trail).
import { useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { Page } from '../api/types.ts';
import { Pager, useCursorPages } from '../components/pager.tsx';
import { describeError, ErrorState, Loading } from '../components/states.tsx';
import { formatMoney } from '../lib/format.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useAsync, useDebounced } from '../lib/use-async.ts';
import { CategorySelect } from './recommend-categories.tsx';
import { type CatalogueItem, itemPath, type SimilarItems } from './recommend-types.ts';
import {
  FilterRow,
  itemTitle,
  ModelBadge,
  RecommendedTable,
  type RecText,
  useRec,
} from './recommend-widgets.tsx';

const CATALOGUE_PAGE = 15;
const SIMILAR_SHOWN = 12;

export function explorerPath(itemId: string): string {
  return `/insights/similar/${encodeURIComponent(itemId)}`;
}

interface CatalogueFilters {
  /** Part of a title (either language) or of an id. */
  q: string;
  category: string;
  brand: string;
  inStock: boolean;
}

function Catalogue({ selected, text }: { selected: string | null; text: RecText }) {
  const { t, locale, zh } = text;
  const [searchInput, setSearchInput] = useState('');
  const [category, setCategory] = useState('');
  const [brandInput, setBrandInput] = useState('');
  const [inStock, setInStock] = useState(false);
  const [idInput, setIdInput] = useState('');
  const filters: CatalogueFilters = {
    q: useDebounced(searchInput.trim(), 350),
    category,
    brand: useDebounced(brandInput.trim(), 350),
    inStock,
  };
  const pages = useCursorPages();
  const { reset } = pages;
  const filterKey = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: new filters start again from page one.
  useEffect(() => reset(), [filterKey, reset]);
  const { state, reload } = useAsync(`catalogue:${filterKey}:${pages.cursor ?? ''}`, (signal) =>
    api<Page<CatalogueItem>>('/v1/items', {
      query: {
        limit: CATALOGUE_PAGE,
        q: filters.q,
        category: filters.category,
        brand: filters.brand,
        inStock: filters.inStock ? 'true' : undefined,
        cursor: pages.cursor,
      },
      signal,
    }),
  );
  const page = state.data;
  return (
    <section
      className="card table-card rec-catalogue"
      aria-labelledby="rec-catalogue-h"
      data-testid="rec-catalogue"
    >
      <div className="rec-pad">
        <h2 id="rec-catalogue-h">{t('si.catalogue')}</h2>
        <form
          className="filters rec-filters"
          onSubmit={(e) => {
            e.preventDefault();
            if (idInput.trim()) navigate(explorerPath(idInput.trim()));
          }}
        >
          <label className="field">
            <span>{t('si.byId')}</span>
            <input
              data-testid="rec-similar-id"
              value={idInput}
              maxLength={64}
              onChange={(e) => setIdInput(e.target.value)}
            />
          </label>
          <button type="submit" className="button secondary" data-testid="rec-similar-open">
            {t('si.open')}
          </button>
        </form>
        <FilterRow label={t('si.catalogue')}>
          <label className="field">
            <span>{t('si.search')}</span>
            <input
              type="search"
              data-testid="rec-catalogue-search"
              value={searchInput}
              maxLength={100}
              placeholder={t('si.searchPlaceholder')}
              title={t('si.searchHint')}
              onChange={(e) => setSearchInput(e.target.value)}
            />
          </label>
          <CategorySelect
            label={t('si.category')}
            value={category}
            onChange={setCategory}
            text={text}
            testId="rec-catalogue-category"
          />
          <label className="field">
            <span>{t('si.brand')}</span>
            <input
              data-testid="rec-catalogue-brand"
              value={brandInput}
              maxLength={100}
              placeholder={t('common.any')}
              onChange={(e) => setBrandInput(e.target.value)}
            />
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="rec-catalogue-in-stock"
              checked={inStock}
              onChange={(e) => setInStock(e.target.checked)}
            />
            {t('si.inStockOnly')}
          </label>
        </FilterRow>
      </div>
      {state.status === 'error' && <ErrorState scope="section" error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !page && <Loading scope="section" />}
      {page && state.status !== 'error' && (
        <div className={state.status === 'loading' ? 'refreshing' : undefined}>
          {page.data.length === 0 ? (
            <p className="muted rec-pad">{t('si.empty')}</p>
          ) : (
            <ul className="rec-pick-list">
              {page.data.map((item) => (
                <li key={item.id}>
                  <Link
                    to={explorerPath(item.id)}
                    className={item.id === selected ? 'rec-pick active' : 'rec-pick'}
                    aria-current={item.id === selected ? 'true' : undefined}
                    data-testid="rec-catalogue-item"
                    data-item-id={item.id}
                  >
                    <span className="rec-title">{itemTitle(item, zh)}</span>
                    <span className="muted small">
                      <span className="mono">{item.id}</span> · {item.category}
                      {item.brand ? ` · ${item.brand}` : ''} · {formatMoney(item.price, locale)}
                      {!item.inStock && <span className="badge rec-out">{t('stock.out')}</span>}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <Pager
            prefix="rec-catalogue"
            page={pages.page}
            nextCursor={page.nextCursor}
            busy={state.status === 'loading'}
            onNext={pages.next}
            onPrevious={pages.previous}
          />
        </div>
      )}
    </section>
  );
}

interface Explored {
  item: CatalogueItem | null;
  similar: SimilarItems | null;
}

async function loadExplored(
  itemId: string,
  filters: { inStock: boolean; category: string | null },
  signal: AbortSignal,
): Promise<Explored> {
  const item = await api<CatalogueItem>(itemPath(itemId), { signal }).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  });
  if (!item) return { item: null, similar: null };
  const similar = await api<SimilarItems>(itemPath(itemId, '/similar'), {
    query: {
      limit: SIMILAR_SHOWN,
      inStock: filters.inStock ? 'true' : undefined,
      category: filters.category ?? undefined,
    },
    signal,
  });
  return { item, similar };
}

function SimilarPanel({ itemId, text }: { itemId: string; text: RecText }) {
  const { t, tMain, locale, zh } = text;
  const [inStock, setInStock] = useState(false);
  const [sameCategory, setSameCategory] = useState(false);
  const [category, setCategory] = useState<string | null>(null);
  const { state, reload } = useAsync(
    `similar:${itemId}:${inStock}:${sameCategory ? category : ''}`,
    (signal) => loadExplored(itemId, { inStock, category: sameCategory ? category : null }, signal),
  );
  const data = state.data;
  const item = data?.item ?? null;
  useEffect(() => {
    if (item) setCategory(item.category);
  }, [item]);
  if (state.status === 'error')
    return (
      <section className="card" data-testid="rec-similar-error">
        <p className="form-error" role="alert">
          {t('common.loadFailed', { message: describeError(tMain, state.error) })}
        </p>
        <button type="button" className="button secondary" onClick={reload}>
          {tMain('state.retry')}
        </button>
      </section>
    );
  if (!data) return <Loading scope="section" />;
  if (!item)
    return (
      <section className="card" data-testid="rec-similar-not-found">
        <p>{t('si.notFound', { id: itemId })}</p>
      </section>
    );
  const similar = data.similar;
  return (
    <section
      className={state.status === 'loading' ? 'card rec-similar refreshing' : 'card rec-similar'}
      data-testid="rec-similar"
      data-item-id={item.id}
      aria-labelledby="rec-similar-h"
    >
      <div className="card-head">
        <h2 id="rec-similar-h" data-testid="rec-similar-title">
          {t('si.similarTo', { title: itemTitle(item, zh) })}
        </h2>
        {similar && <ModelBadge model={similar.model} text={text} />}
      </div>
      <p className="muted small">
        <span className="mono" data-testid="rec-similar-item-id">
          {item.id}
        </span>{' '}
        · {item.categoryPath.join(' › ')}
        {item.brand ? ` · ${item.brand}` : ''} · {formatMoney(item.price, locale)} ·{' '}
        {item.inStock ? t('stock.in') : t('stock.out')}
      </p>
      <FilterRow label={t('common.filters')}>
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="rec-similar-in-stock"
            checked={inStock}
            onChange={(e) => setInStock(e.target.checked)}
          />
          {t('si.resultsInStock')}
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="rec-similar-same-category"
            checked={sameCategory}
            onChange={(e) => setSameCategory(e.target.checked)}
          />
          {t('si.resultsCategory')}
        </label>
      </FilterRow>
      {!similar || similar.items.length === 0 ? (
        <p className="muted" data-testid="rec-similar-empty">
          {t('si.none')}
        </p>
      ) : (
        <RecommendedTable
          items={similar.items}
          text={text}
          rowTestId="rec-similar-item"
          renderTitle={(result, title) => (
            <Link
              to={explorerPath(result.itemId)}
              data-testid="rec-similar-link"
              data-item-id={result.itemId}
            >
              {title}
            </Link>
          )}
        />
      )}
    </section>
  );
}

/** The explorer: the catalogue beside the chosen item's similar items. */
export default function RecommendSimilarPage({ itemId }: { itemId: string | null }) {
  const text = useRec();
  const { t } = text;
  return (
    <div className="page" data-testid="recommend-similar-page">
      <div className="page-header">
        <h1>{t('si.title')}</h1>
      </div>
      <p className="muted">{t('si.intro')}</p>
      <div className="rec-explorer">
        <Catalogue selected={itemId} text={text} />
        {itemId === null ? (
          <section className="card" data-testid="rec-similar-pick">
            <p className="muted">{t('si.pickHint')}</p>
          </section>
        ) : (
          <SimilarPanel key={itemId} itemId={itemId} text={text} />
        )}
      </div>
    </div>
  );
}
