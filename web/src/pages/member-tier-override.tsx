import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { type MemberTier, memberApiPath, type TierName } from '../api/loyalty-types.ts';
import { describeError } from '../components/states.tsx';
import { useI18n, usePageMessages } from '../i18n/i18n.tsx';
import { overrideMessages } from '../i18n/override.ts';
import { isValidationError, pathErrorsOf } from '../lib/field-errors.ts';
import { tierName } from '../lib/loyalty-labels.ts';

type Field = 'tierId' | 'until' | 'reason';
type FieldErrors = Partial<Record<Field, string>>;
type Outcome = { kind: 'set' | 'ended' } | { kind: 'error'; code: string; text: string } | null;

const MAX_REASON = 200;

/** The last instant of a UTC day, so "until 2026-12-31" covers that whole day. */
function endOfDay(day: string): string {
  return `${day}T23:59:59.999Z`;
}

/**
 * Pin a member to a tier (until a day, or until ended) or end the pin, with a required reason
 * — for roles with loyalty:write. `POST` / `DELETE /v1/members/{id}/tier/override`; the panel and
 * its history reload afterwards.
 */
export function TierOverride({
  memberId,
  tier,
  known,
  onChanged,
}: {
  memberId: string;
  tier: MemberTier;
  /** The ladder's tiers. */
  known: readonly TierName[];
  onChanged: () => void;
}) {
  const t = usePageMessages(overrideMessages);
  const { t: tMain, language } = useI18n();
  const [open, setOpen] = useState(false);
  const [tierId, setTierId] = useState('');
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const ending = tier.override !== null;

  const start = () => {
    setOpen(true);
    setOutcome(null);
    setErrors({});
    setReason('');
    setUntil('');
    setTierId(known.find((k) => k.id !== tier.tier.id)?.id ?? '');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const problems: FieldErrors = {};
    if (reason.trim() === '') problems.reason = t('reasonRequired');
    if (!ending && tierId === '') problems.tierId = t('chooseTier');
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    setOutcome(null);
    try {
      await api<MemberTier>(memberApiPath(memberId, '/tier/override'), {
        method: ending ? 'DELETE' : 'POST',
        body: ending
          ? { reason: reason.trim() }
          : { tierId, reason: reason.trim(), ...(until ? { until: endOfDay(until) } : {}) },
      });
      setOpen(false);
      setOutcome({ kind: ending ? 'ended' : 'set' });
      onChanged();
    } catch (error) {
      if (isValidationError(error)) {
        const byPath = pathErrorsOf(error);
        setErrors({ tierId: byPath.get('tierId'), until: byPath.get('until'), reason: byPath.get('reason') });
        const rest = [...byPath].filter(([path]) => !['tierId', 'until', 'reason'].includes(path));
        if (rest.length > 0 || byPath.size === 0)
          setOutcome({
            kind: 'error',
            code: error.code,
            text: t('failed', { message: rest.map(([p, m]) => `${p}: ${m}`).join('; ') || error.message }),
          });
      } else {
        setOutcome({
          kind: 'error',
          code: error instanceof ApiError ? error.code : 'UNKNOWN',
          text: t('failed', { message: describeError(tMain, error) }),
        });
      }
    } finally {
      setBusy(false);
    }
  };

  const invalid = (field: Field) => ({
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': errors[field] ? `override-${field}-error` : undefined,
  });
  const error = (field: Field) =>
    errors[field] && (
      <small
        id={`override-${field}-error`}
        className="field-error"
        data-testid={`tier-override-${field}-error`}
      >
        {errors[field]}
      </small>
    );

  return (
    <div className="subsection" data-testid="tier-override-panel">
      {outcome && outcome.kind !== 'error' && (
        <p className="notice small" role="status" data-testid="tier-override-done">
          {outcome.kind === 'set' ? t('set') : t('ended')}
        </p>
      )}
      {!open && (
        <div>
          <button
            type="button"
            className="button secondary"
            data-testid={ending ? 'tier-override-end-open' : 'tier-override-open'}
            onClick={start}
          >
            {ending ? t('end') : t('open')}
          </button>
        </div>
      )}
      {open && (
        <form onSubmit={submit} noValidate aria-labelledby="override-h" data-testid="tier-override-form">
          <h3 id="override-h">{ending ? t('endTitle') : t('title')}</h3>
          <p className="muted small">{ending ? t('endIntro') : t('intro')}</p>
          <div className="form-row">
            {!ending && (
              <label className="field">
                <span>{t('tier')}</span>
                <select
                  data-testid="tier-override-tier"
                  value={tierId}
                  onChange={(e) => setTierId(e.target.value)}
                  {...invalid('tierId')}
                >
                  <option value="">{tMain('common.none')}</option>
                  {known.map((k) => (
                    <option key={k.id} value={k.id}>
                      {tierName(k, language)}
                    </option>
                  ))}
                </select>
                {error('tierId')}
              </label>
            )}
            {!ending && (
              <label className="field">
                <span>{t('until')}</span>
                <input
                  data-testid="tier-override-until"
                  type="date"
                  value={until}
                  onChange={(e) => setUntil(e.target.value)}
                  {...invalid('until')}
                />
                {error('until') ?? <small className="muted">{t('untilHint')}</small>}
              </label>
            )}
            <label className="field grow">
              <span>{t('reason')}</span>
              <input
                data-testid="tier-override-reason"
                maxLength={MAX_REASON}
                autoComplete="off"
                aria-required="true"
                placeholder={t('reasonPlaceholder')}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                {...invalid('reason')}
              />
              {error('reason') ?? <small className="muted">{t('reasonHint')}</small>}
            </label>
          </div>
          <div className="filter-buttons">
            <button
              type="submit"
              className={ending ? 'button danger-outline' : 'button primary'}
              data-testid="tier-override-submit"
              disabled={busy}
            >
              {busy ? t('busy') : ending ? t('endSubmit') : t('submit')}
            </button>
            <button type="button" className="button secondary" onClick={() => setOpen(false)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
      {outcome?.kind === 'error' && (
        <p className="form-error" role="alert" data-testid="tier-override-error" data-code={outcome.code}>
          {outcome.text}
        </p>
      )}
    </div>
  );
}
