// The category filter of the recommendation pages: a select of the catalogue's real top-level
// categories (from `GET /v1/items/categories`, largest first) with how many items each holds.
import { api } from '../api/client.ts';
import { describeError } from '../components/states.tsx';
import { formatNumber } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import type { CategoryCount } from './recommend-types.ts';
import type { RecText } from './recommend-widgets.tsx';

interface CategorySelectProps {
  label: string;
  value: string;
  onChange: (category: string) => void;
  text: RecText;
  testId: string;
}

export function CategorySelect({ label, value, onChange, text, testId }: CategorySelectProps) {
  const { t, tMain, locale } = text;
  const { state, reload } = useAsync('item-categories', (signal) =>
    api<{ data: CategoryCount[] }>('/v1/items/categories', { signal }),
  );
  const categories = state.data?.data ?? [];
  // A chosen category stays selectable even if a reload no longer lists it.
  const missing = value !== '' && !categories.some((c) => c.category === value);
  return (
    <>
      <label className="field">
        <span>{label}</span>
        <select
          data-testid={testId}
          data-loaded={state.status === 'ok'}
          value={value}
          title={t('common.categoryHint')}
          onChange={(e) => onChange(e.target.value)}
        >
          <option value="">{t('common.anyCategory')}</option>
          {missing && <option value={value}>{value}</option>}
          {categories.map((c) => (
            <option key={c.category} value={c.category}>
              {t('common.categoryCount', { category: c.category, n: formatNumber(c.items, locale) })}
            </option>
          ))}
        </select>
      </label>
      {state.status === 'error' && (
        <span className="form-error small" role="alert" data-testid={`${testId}-error`}>
          {t('common.categoriesFailed', { message: describeError(tMain, state.error) })}{' '}
          <button type="button" className="button link" onClick={reload}>
            {tMain('state.retry')}
          </button>
        </span>
      )}
    </>
  );
}
