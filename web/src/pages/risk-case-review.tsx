// The reviewer's side of a case (risk:review): assign to me or unassign, comment, resolve as
// fraud or legitimate with a note. Every change sends the version the page shows; a stale one
// (409 RISK_CASE_CONFLICT) or a case resolved meanwhile (409 RISK_CASE_RESOLVED) reloads the case
// and says why, so the reviewer acts on what is there now.
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { useOperator } from '../api/session.tsx';
import { describeError } from '../components/states.tsx';
import type { CaseLabel, RiskCaseDetail } from './risk-types.ts';
import type { RiskText } from './risk-widgets.tsx';

type Problem = { kind: 'conflict' | 'resolved' | 'empty' } | { kind: 'failed'; error: unknown };

function problemText(problem: Problem, text: RiskText): string {
  const { t, tMain } = text;
  if ('error' in problem) return t('review.failed', { message: describeError(tMain, problem.error) });
  if (problem.kind === 'conflict') return t('review.conflict');
  if (problem.kind === 'resolved') return t('review.alreadyResolved');
  return t('review.commentEmpty');
}

export function ReviewCard({
  detail,
  text,
  onChanged,
  onStale,
}: {
  detail: RiskCaseDetail;
  text: RiskText;
  /** The case as the server returned it after a change. */
  onChanged: (detail: RiskCaseDetail) => void;
  /** The page's copy is out of date: read the case again. */
  onStale: () => void;
}) {
  const { t } = text;
  const operator = useOperator();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [comment, setComment] = useState('');
  const [note, setNote] = useState('');
  const open = detail.status === 'open';
  const path = (what: string) => `/v1/risk/cases/${encodeURIComponent(detail.id)}/${what}`;

  const send = async (what: string, body: Record<string, unknown>): Promise<boolean> => {
    setBusy(true);
    setProblem(null);
    try {
      const next = await api<RiskCaseDetail>(path(what), {
        method: 'POST',
        body: { version: detail.version, ...body },
      });
      onChanged(next);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'RISK_CASE_CONFLICT') {
        setProblem({ kind: 'conflict' });
        onStale();
      } else if (error instanceof ApiError && error.code === 'RISK_CASE_RESOLVED') {
        setProblem({ kind: 'resolved' });
        onStale();
      } else {
        setProblem({ kind: 'failed', error });
      }
      return false;
    } finally {
      setBusy(false);
    }
  };

  const addComment = async (event: FormEvent) => {
    event.preventDefault();
    if (comment.trim() === '') {
      setProblem({ kind: 'empty' });
      return;
    }
    if (await send('comments', { text: comment.trim() })) setComment('');
  };

  const resolve = async (label: CaseLabel) => {
    const trimmed = note.trim();
    if (await send('resolve', { label, ...(trimmed ? { note: trimmed } : {}) })) setNote('');
  };

  return (
    <section className="card risk-review" aria-labelledby="risk-review-h" data-testid="risk-review">
      <div className="card-head">
        <h2 id="risk-review-h">{t('review.title')}</h2>
        {open && (
          <span className="filter-buttons">
            {detail.assignee !== operator.id && (
              <button
                type="button"
                className="button secondary"
                data-testid="risk-assign-me"
                disabled={busy}
                onClick={() => send('assign', { assignee: operator.id })}
              >
                {t('review.assignMe')}
              </button>
            )}
            {detail.assignee !== null && (
              <button
                type="button"
                className="button secondary"
                data-testid="risk-unassign"
                disabled={busy}
                onClick={() => send('assign', { assignee: null })}
              >
                {t('review.unassign')}
              </button>
            )}
          </span>
        )}
      </div>
      {problem && (
        <p className="form-error" role="alert" data-testid="risk-review-problem" data-problem={problem.kind}>
          {problemText(problem, text)}
        </p>
      )}
      {!open && <p className="notice small">{t('review.resolvedNote')}</p>}
      <form onSubmit={addComment}>
        <label className="field">
          <span>{t('review.comment')}</span>
          <textarea
            data-testid="risk-comment-text"
            value={comment}
            maxLength={4000}
            placeholder={t('review.commentPlaceholder')}
            onChange={(e) => setComment(e.target.value)}
          />
        </label>
        <div className="filter-buttons">
          <button
            type="submit"
            className="button secondary"
            data-testid="risk-comment-submit"
            disabled={busy}
          >
            {t('review.addComment')}
          </button>
        </div>
      </form>
      {open && (
        <form onSubmit={(e) => e.preventDefault()}>
          <label className="field">
            <span>{t('review.note')}</span>
            <textarea
              data-testid="risk-resolve-note"
              value={note}
              maxLength={4000}
              placeholder={t('review.notePlaceholder')}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          <div className="filter-buttons">
            <button
              type="button"
              className="button danger-outline"
              data-testid="risk-resolve-fraud"
              disabled={busy}
              onClick={() => resolve('fraud')}
            >
              {t('review.resolveFraud')}
            </button>
            <button
              type="button"
              className="button secondary"
              data-testid="risk-resolve-legit"
              disabled={busy}
              onClick={() => resolve('legit')}
            >
              {t('review.resolveLegit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
