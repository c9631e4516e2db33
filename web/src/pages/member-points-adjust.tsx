import { type FormEvent, useRef, useState } from 'react';
import { ApiError, api, newIdempotencyKey } from '../api/client.ts';
import { type LedgerEntry, memberApiPath } from '../api/loyalty-types.ts';
import { describeError } from '../components/states.tsx';
import { type Translate, useI18n } from '../i18n/i18n.tsx';
import { formatNumber, formatSigned } from '../lib/format.ts';

/** The most points one adjust may move (the API's MAX_POINTS). */
const MAX_POINTS = 10_000_000;
const MAX_REASON = 200;

type Field = 'points' | 'reason';
type FieldErrors = Partial<Record<Field, string>>;

interface Body {
  points: number;
  reason: string;
}

/** What can be checked before asking the server; bounds and anything else are the server's call. */
function checkDraft(t: Translate, points: string, reason: string): { body: Body } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const number = Number(points.trim());
  if (points.trim() === '' || !Number.isInteger(number)) errors.points = t('points.adjust.pointsInvalid');
  else if (number === 0) errors.points = t('points.adjust.pointsZero');
  if (reason.trim() === '') errors.reason = t('points.adjust.reasonRequired');
  if (errors.points || errors.reason) return { errors };
  return { body: { points: number, reason: reason.trim() } };
}

/** The server's per-field details (`points`, `reason`); anything else goes to the form's own error. */
function fieldErrorsOf(error: ApiError): { fields: FieldErrors; rest: string[] } {
  const fields: FieldErrors = {};
  const rest: string[] = [];
  for (const detail of error.details) {
    const field = detail.path === 'points' || detail.path === 'reason' ? detail.path : null;
    const message = detail.message ?? error.message;
    if (field) fields[field] = fields[field] ? `${fields[field]}; ${message}` : message;
    else rest.push(detail.path ? `${detail.path}: ${message}` : message);
  }
  return { fields, rest };
}

type Outcome = { kind: 'done'; entry: LedgerEntry } | { kind: 'error'; code: string; text: string } | null;

/**
 * An operator's correction: signed points and a required reason, recorded in the ledger and the
 * audit log. Each submission carries an Idempotency-Key; trying the same points and reason again
 * after a failure reuses it, so a request that did reach the server is not applied twice.
 */
export function AdjustPointsForm({ memberId, onAdjusted }: { memberId: string; onAdjusted: () => void }) {
  const { t, locale } = useI18n();
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const submission = useRef<{ body: string; key: string } | null>(null);
  const pointsInput = useRef<HTMLInputElement>(null);
  const reasonInput = useRef<HTMLInputElement>(null);

  /** Shows the field errors and moves the focus to the first field that has one. */
  const showFieldErrors = (errors: FieldErrors) => {
    setFieldErrors(errors);
    if (errors.points) pointsInput.current?.focus();
    else if (errors.reason) reasonInput.current?.focus();
  };

  /** The key of this submission: the same while points and reason are unchanged and unsent. */
  const keyFor = (body: Body): string => {
    const text = JSON.stringify(body);
    if (submission.current?.body !== text) submission.current = { body: text, key: newIdempotencyKey() };
    return submission.current.key;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setOutcome(null);
    const draft = checkDraft(t, points, reason);
    if ('errors' in draft) {
      showFieldErrors(draft.errors);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      const entry = await api<LedgerEntry>(memberApiPath(memberId, '/points/adjust'), {
        method: 'POST',
        body: draft.body,
        headers: { 'Idempotency-Key': keyFor(draft.body) },
      });
      submission.current = null;
      setPoints('');
      setReason('');
      setOutcome({ kind: 'done', entry });
      onAdjusted();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'VALIDATION_FAILED') {
        const { fields, rest } = fieldErrorsOf(error);
        showFieldErrors(fields);
        if (rest.length > 0 || (!fields.points && !fields.reason))
          setOutcome({ kind: 'error', code: error.code, text: rest.join('; ') || error.message });
      } else if (error instanceof ApiError && error.code === 'POINTS_INSUFFICIENT') {
        showFieldErrors({ points: t('points.adjust.insufficient') });
        setOutcome({ kind: 'error', code: error.code, text: t('points.adjust.insufficientNote') });
      } else {
        const code = error instanceof ApiError ? error.code : 'UNKNOWN';
        setOutcome({
          kind: 'error',
          code,
          text: t('points.adjust.failed', { message: describeError(t, error) }),
        });
      }
    } finally {
      setBusy(false);
    }
  };

  const fieldProps = (field: Field) => ({
    'aria-invalid': fieldErrors[field] ? true : undefined,
    'aria-describedby': fieldErrors[field] ? `adjust-${field}-error` : `adjust-${field}-hint`,
  });

  return (
    <form
      className="subsection adjust-form"
      onSubmit={submit}
      noValidate
      aria-labelledby="adjust-h"
      data-testid="points-adjust-form"
    >
      <h3 id="adjust-h">{t('points.adjust.title')}</h3>
      <div className="form-row">
        <label className="field adjust-points">
          <span>{t('points.adjust.points')}</span>
          <input
            ref={pointsInput}
            data-testid="points-adjust-points"
            type="number"
            inputMode="numeric"
            step={1}
            min={-MAX_POINTS}
            max={MAX_POINTS}
            placeholder="+50 / −20"
            aria-required="true"
            value={points}
            onChange={(e) => setPoints(e.target.value)}
            {...fieldProps('points')}
          />
          {fieldErrors.points ? (
            <small id="adjust-points-error" className="field-error" data-testid="points-adjust-points-error">
              {fieldErrors.points}
            </small>
          ) : (
            <small id="adjust-points-hint" className="muted">
              {t('points.adjust.pointsHint')}
            </small>
          )}
        </label>
        <label className="field grow">
          <span>{t('points.adjust.reason')}</span>
          <input
            ref={reasonInput}
            data-testid="points-adjust-reason"
            maxLength={MAX_REASON}
            autoComplete="off"
            placeholder={t('points.adjust.reasonPlaceholder')}
            aria-required="true"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            {...fieldProps('reason')}
          />
          {fieldErrors.reason ? (
            <small id="adjust-reason-error" className="field-error" data-testid="points-adjust-reason-error">
              {fieldErrors.reason}
            </small>
          ) : (
            <small id="adjust-reason-hint" className="muted">
              {t('points.adjust.reasonHint')}
            </small>
          )}
        </label>
        <button type="submit" className="button primary" data-testid="points-adjust-submit" disabled={busy}>
          {busy ? t('points.adjust.submitting') : t('points.adjust.submit')}
        </button>
      </div>
      {outcome?.kind === 'error' && (
        <p className="form-error" role="alert" data-testid="points-adjust-error" data-code={outcome.code}>
          {outcome.text}
        </p>
      )}
      {outcome?.kind === 'done' && (
        <p className="notice" role="status" data-testid="points-adjust-done">
          {t('points.adjust.done', {
            points: formatSigned(outcome.entry.points, locale),
            balance: formatNumber(outcome.entry.balanceAfter, locale),
          })}
        </p>
      )}
    </form>
  );
}
