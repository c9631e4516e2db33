import { useCallback, useMemo, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

/** Cursor paging with a way back: the cursors of the pages seen so far. */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const next = useCallback((cursor: string) => setCursors((c) => [...c, cursor]), []);
  const previous = useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), []);
  const reset = useCallback(() => setCursors([undefined]), []);
  return useMemo(
    () => ({ cursor: cursors[cursors.length - 1], page: cursors.length, next, previous, reset }),
    [cursors, next, previous, reset],
  );
}

interface PagerProps {
  /** Test hooks `<prefix>-prev-page` and `<prefix>-next-page`. */
  prefix: string;
  page: number;
  nextCursor: string | null;
  busy: boolean;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
  note?: string;
}

/** Previous / page n / next under a table. */
export function Pager({ prefix, page, nextCursor, busy, onNext, onPrevious, note }: PagerProps) {
  const { t } = useI18n();
  return (
    <div className="pager">
      <span className="muted small">{note}</span>
      <span className="pager-buttons">
        <button
          type="button"
          className="button secondary"
          data-testid={`${prefix}-prev-page`}
          disabled={page <= 1}
          onClick={onPrevious}
        >
          {t('common.previous')}
        </button>
        <span className="muted">{t('common.page', { page })}</span>
        <button
          type="button"
          className="button secondary"
          data-testid={`${prefix}-next-page`}
          disabled={!nextCursor || busy}
          onClick={() => nextCursor && onNext(nextCursor)}
        >
          {t('common.next')}
        </button>
      </span>
    </div>
  );
}
