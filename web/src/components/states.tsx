import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { type Translate, useI18n } from '../i18n/i18n.tsx';

/** `page` states are the page's own (test hooks page-*); `section` ones belong to a panel. */
type Scope = 'page' | 'section';

export function Loading({ scope = 'page', label }: { scope?: Scope; label?: string }) {
  const { t } = useI18n();
  return (
    <div className={`state state-loading state-${scope}`} data-testid={`${scope}-loading`} role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('state.loading')}
    </div>
  );
}

export function Empty({ scope = 'page', children }: { scope?: Scope; children: ReactNode }) {
  return (
    <div className={`state state-empty state-${scope}`} data-testid={`${scope}-empty`}>
      {children}
    </div>
  );
}

/** A readable sentence for any failure: network, forbidden, validation (with fields), other. */
export function describeError(t: Translate, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'NETWORK') return t('state.networkError');
    if (error.status === 403) return t('state.forbidden');
    const fields = error.details
      .filter((d) => d.path)
      .map((d) => `${d.path}: ${d.message ?? ''}`)
      .join('; ');
    return fields ? `${error.message} (${fields})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorState({
  scope = 'page',
  error,
  onRetry,
}: {
  scope?: Scope;
  error: unknown;
  onRetry?: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className={`state state-error state-${scope}`} data-testid={`${scope}-error`} role="alert">
      <p>{t('state.error', { message: describeError(t, error) })}</p>
      {onRetry && (
        <button type="button" className="button secondary" onClick={onRetry}>
          {t('state.retry')}
        </button>
      )}
    </div>
  );
}
