import { useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { Programme } from '../api/rules-types.ts';
import { describeError } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { ProgrammeTranslate } from '../i18n/programme.ts';
import { isValidationError, type PathErrors, pathErrorsOf, unshownErrors } from '../lib/field-errors.ts';

export type SaveOutcome =
  | { kind: 'saved' }
  | { kind: 'conflict' }
  | { kind: 'invalid'; errors: PathErrors }
  | { kind: 'error'; error: unknown }
  | null;

/**
 * Saving programme settings: `PUT /v1/loyalty/programme` with every setting and the version they
 * replace. Validation details come back by path without the `settings.` prefix; a stale version
 * is a conflict the page offers to reload.
 */
export function useProgrammeSave(onSaved: (programme: Programme) => void) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<SaveOutcome>(null);
  const save = async (settings: Record<string, unknown>, version: number) => {
    if (busy) return;
    setBusy(true);
    setOutcome(null);
    try {
      const saved = await api<Programme>('/v1/loyalty/programme', {
        method: 'PUT',
        body: { settings, version },
      });
      setOutcome({ kind: 'saved' });
      onSaved(saved);
    } catch (error) {
      if (isValidationError(error)) setOutcome({ kind: 'invalid', errors: pathErrorsOf(error, 'settings.') });
      else if (error instanceof ApiError && error.code === 'LOYALTY_PROGRAMME_VERSION_CONFLICT')
        setOutcome({ kind: 'conflict' });
      else setOutcome({ kind: 'error', error });
    } finally {
      setBusy(false);
    }
  };
  const errors: PathErrors = outcome?.kind === 'invalid' ? outcome.errors : new Map();
  return { busy, outcome, setOutcome, save, errors };
}

/** The result of saving programme settings, shared by the tiers and settings pages. */
export function SaveOutcomeNote({
  outcome,
  t,
  prefix,
  onReload,
  shownPaths,
}: {
  outcome: SaveOutcome;
  t: ProgrammeTranslate;
  prefix: string;
  onReload: () => void;
  /** Paths the form shows at their fields; the others are listed here. */
  shownPaths?: (path: string) => boolean;
}) {
  const { t: tMain } = useI18n();
  if (!outcome) return null;
  if (outcome.kind === 'saved')
    return (
      <p className="notice" role="status" data-testid={`${prefix}-saved`}>
        {t('common.saved')}
      </p>
    );
  if (outcome.kind === 'conflict')
    return (
      <div className="form-error conflict" role="alert" data-testid={`${prefix}-conflict`}>
        <span>{t('common.conflict')}</span>
        <button
          type="button"
          className="button secondary"
          data-testid={`${prefix}-reload`}
          onClick={onReload}
        >
          {t('common.reload')}
        </button>
      </div>
    );
  if (outcome.kind === 'invalid') {
    const rest = unshownErrors(outcome.errors, shownPaths ?? (() => true));
    return (
      <div className="form-error" role="alert" data-testid={`${prefix}-invalid`}>
        {t('common.invalid')}
        {rest.length > 0 && (
          <ul className="problems-list">
            {rest.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <p className="form-error" role="alert" data-testid={`${prefix}-error`}>
      {t('common.failed', { message: describeError(tMain, outcome.error) })}
    </p>
  );
}
