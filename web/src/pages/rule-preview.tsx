// "What would this event earn, and why?": the draft (alone, or with the active rules of the
// event's type) evaluated by the server's own engine on a sample event, as the draft changes.
import { useMemo } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { ConditionTrace, PreviewResult, RuleDto, RuleInput } from '../api/rules-types.ts';
import { RULE_TRIGGERS } from '../api/rules-types.ts';
import { FormField } from '../components/form-field.tsx';
import { describeError } from '../components/states.tsx';
import { eventLabel } from '../i18n/i18n.tsx';
import { countText, ruleLabel } from '../i18n/rules.ts';
import { type PathErrors, pathErrorsOf } from '../lib/field-errors.ts';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import { localInputToIso, localZoneLabel, numberOrText, toMinor } from '../lib/minor-units.ts';
import { useAsync, useDebounced } from '../lib/use-async.ts';
import type { NodePaths } from './rule-draft.ts';
import { expectedText, type ValueContext, valueText } from './rule-values.tsx';

/** How long the draft must stay unchanged before it is previewed again. */
const PREVIEW_DELAY_MS = 400;
/** The id the server gives the first draft of a preview when it has none of its own. */
const FIRST_DRAFT_ID = 'draft-1';

/** The sample event, as typed. */
export interface SampleEvent {
  type: string;
  /** False until the operator picks a type: until then it follows the rule's trigger. */
  typeChosen: boolean;
  amount: string;
  itemId: string;
  /** `datetime-local`; '' = now. */
  occurredAt: string;
  memberId: string;
  rating: string;
  channel: string;
}

export function newSampleEvent(trigger: string): SampleEvent {
  return {
    type: trigger,
    typeChosen: false,
    amount: '',
    itemId: '',
    occurredAt: '',
    memberId: '',
    rating: '',
    channel: '',
  };
}

/** The fields of a saved rule the preview takes as a draft (its id counts its cap usage). */
function asDraft(rule: RuleDto): RuleInput {
  const { version: _version, createdAt: _created, updatedAt: _updated, ...draft } = rule;
  return draft;
}

/** An answer, with the body it answers (to tell a current answer from one still being replaced). */
export type PreviewOutcome = { body: string } & (
  | { kind: 'ok'; result: PreviewResult; draftId: string }
  | { kind: 'invalid'; error: ApiError }
);

export interface PreviewState {
  outcome: PreviewOutcome | null;
  /** Another failure (network, forbidden, unknown member…). */
  error: unknown;
  busy: boolean;
  /** Validation messages about the draft (paths without `rules.0.`), mapped with the paths sent. */
  draftErrors: { errors: PathErrors; paths: NodePaths } | null;
  /** Messages about the sample event (`event.amount.amount`, `memberId`). */
  eventErrors: PathErrors;
}

function eventBody(sample: SampleEvent, currency: string): Record<string, unknown> {
  const event: Record<string, unknown> = { type: sample.type };
  if (sample.amount.trim() !== '')
    event.amount = { amount: toMinor(sample.amount, currency) ?? sample.amount.trim(), currency };
  if (sample.itemId.trim() !== '') event.itemId = sample.itemId.trim();
  const at = localInputToIso(sample.occurredAt);
  if (at) event.occurredAt = at;
  if (sample.rating.trim() !== '') event.rating = numberOrText(sample.rating);
  if (sample.channel.trim() !== '') event.channel = sample.channel.trim();
  return event;
}

/**
 * Previews the draft on the sample event, debounced; with `withActive`, the saved active rules
 * of the event's type run beside it (the draft replaces its own saved version).
 */
export function useRulePreview(options: {
  draft: RuleInput;
  paths: NodePaths;
  /** The saved rule's id, when editing one. */
  ruleId: string | null;
  sample: SampleEvent;
  withActive: boolean;
  currency: string;
  untitled: string;
}): PreviewState {
  const { draft, paths, ruleId, sample, withActive, currency, untitled } = options;
  const active = useAsync(withActive ? `active-rules:${sample.type}` : null, (signal) =>
    api<{ data: RuleDto[] }>('/v1/loyalty/rules', {
      query: { status: 'active', trigger: sample.type, limit: 500 },
      signal,
    }),
  );
  const others = withActive ? (active.state.data?.data ?? null) : [];
  const body = useMemo(() => {
    if (others === null) return null;
    // Previewed as if active, and with a stand-in name: the question is what the rule would
    // give, not whether it is switched on or named yet.
    const preview: RuleInput = {
      ...draft,
      name: typeof draft.name === 'string' && draft.name !== '' ? draft.name : untitled,
      status: 'active',
      ...(ruleId ? { id: ruleId } : {}),
    };
    const rules = [preview, ...others.filter((rule) => rule.id !== ruleId).map(asDraft)];
    const memberId = sample.memberId.trim();
    return JSON.stringify({
      event: eventBody(sample, currency),
      ...(memberId ? { memberId } : {}),
      rules,
    });
  }, [draft, ruleId, others, sample, currency, untitled]);
  const request = useMemo(() => (body === null ? null : { body, paths }), [body, paths]);
  const settled = useDebounced(request, PREVIEW_DELAY_MS);
  const preview = useAsync(settled?.body ?? null, async (signal): Promise<PreviewOutcome> => {
    const sent = settled?.body ?? '{}';
    try {
      const result = await api<PreviewResult>('/v1/loyalty/rules/preview', {
        method: 'POST',
        body: JSON.parse(sent),
        signal,
      });
      return { body: sent, kind: 'ok', result, draftId: ruleId ?? FIRST_DRAFT_ID };
    } catch (error) {
      if (error instanceof ApiError && error.code === 'VALIDATION_FAILED')
        return { body: sent, kind: 'invalid', error };
      throw error;
    }
  });
  const outcome = preview.state.data ?? null;
  const failed = preview.state.status === 'error' ? preview.state.error : null;
  const invalid = outcome?.kind === 'invalid' && preview.state.status !== 'error' ? outcome.error : null;
  const eventErrors = new Map([...pathErrorsOf(invalid, 'event.')].map(([path, m]) => [`event.${path}`, m]));
  if (invalid) {
    const member = pathErrorsOf(invalid).get('memberId');
    if (member) eventErrors.set('memberId', member);
  }
  // An unknown member is the sample's problem: it is shown at the member field.
  const unknownMember = failed instanceof ApiError && failed.code === 'MEMBER_NOT_FOUND';
  if (unknownMember) eventErrors.set('memberId', failed.message);
  const activeFailed = withActive && active.state.status === 'error' ? active.state.error : null;
  return {
    outcome: preview.state.status === 'error' ? null : outcome,
    error: unknownMember ? null : (failed ?? activeFailed),
    // Busy until the answer shown is the answer to the latest draft (or the request failed).
    busy:
      (withActive && active.state.status === 'loading') ||
      (preview.state.status !== 'error' && (outcome === null || outcome.body !== body)),
    draftErrors:
      invalid && settled ? { errors: pathErrorsOf(invalid, 'rules.0.'), paths: settled.paths } : null,
    eventErrors,
  };
}

function Mark({ holds, t }: { holds: boolean; t: ValueContext['t'] }) {
  return (
    <span
      className={`mark ${holds ? 'yes' : 'no'}`}
      role="img"
      aria-label={holds ? t('trace.holds') : t('trace.fails')}
    >
      {holds ? '✓' : '✗'}
    </span>
  );
}

function Trace({ trace, ctx }: { trace: ConditionTrace; ctx: ValueContext }) {
  const { t } = ctx;
  if ('field' in trace) {
    const expected = expectedText(trace.field, trace.op, trace.expected, ctx);
    const exists =
      trace.op === 'exists' ? (trace.expected === false ? t('cond.existsNo') : t('cond.existsYes')) : '';
    return (
      <div
        className="trace-leaf"
        data-testid="trace-leaf"
        data-field={trace.field}
        data-op={trace.op}
        data-result={trace.result}
      >
        <Mark holds={trace.result} t={t} />
        <span>
          <strong>{ruleLabel(t, `field.${trace.field}`, trace.field)}</strong>{' '}
          {trace.op === 'exists' ? exists : `${ruleLabel(t, `op.${trace.op}`, trace.op)} ${expected}`}
          <span className="muted" data-testid="trace-actual">
            {' · '}
            {t('trace.actual', { value: valueText(trace.field, trace.actual, ctx) })}
          </span>
        </span>
      </div>
    );
  }
  if ('not' in trace)
    return (
      <div className="trace-group" data-testid="trace-group" data-result={trace.result}>
        <div>
          <Mark holds={trace.result} t={t} /> {t('trace.not')}
        </div>
        <div className="trace-children">
          <Trace trace={trace.not} ctx={ctx} />
        </div>
      </div>
    );
  const all = 'all' in trace;
  const children = all ? trace.all : trace.any;
  if (all && children.length === 0)
    return (
      <div className="trace-group" data-testid="trace-group" data-result={trace.result}>
        <Mark holds={trace.result} t={t} /> {t('trace.always')}
      </div>
    );
  return (
    <div className="trace-group" data-testid="trace-group" data-result={trace.result}>
      <div>
        <Mark holds={trace.result} t={t} /> {all ? t('trace.all') : t('trace.any')}
      </div>
      <div className="trace-children">
        {children.map((child, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a trace is rebuilt whole; its order is its identity.
          <Trace key={i} trace={child} ctx={ctx} />
        ))}
      </div>
    </div>
  );
}

function RuleOutcome({
  outcome,
  isDraft,
  ctx,
}: {
  outcome: PreviewResult['rules'][number];
  isDraft: boolean;
  ctx: ValueContext;
}) {
  const { t, locale } = ctx;
  const gives = outcome.points > 0;
  return (
    <li
      className={`preview-rule${gives ? ' gives' : ''}${isDraft ? ' draft' : ''}`}
      data-testid="preview-rule"
      data-rule-id={outcome.ruleId}
      data-matched={outcome.matched}
      data-points={outcome.points}
      data-draft={isDraft}
      data-skipped={outcome.skippedBecause ?? ''}
    >
      <div className="preview-rule-head">
        <Mark holds={outcome.matched} t={t} />
        <span className="preview-rule-name">
          {outcome.name}
          {isDraft && <span className="badge draft-badge">{t('preview.thisDraft')}</span>}
        </span>
        <strong className="preview-points" data-testid="preview-rule-points">
          {gives
            ? countText(t, 'preview.points', outcome.points, { points: formatNumber(outcome.points, locale) })
            : t('preview.noPoints')}
        </strong>
      </div>
      {(outcome.skippedBecause || outcome.cappedFrom !== undefined) && (
        <p className="small muted preview-why" data-testid="preview-rule-why">
          {outcome.skippedBecause && ruleLabel(t, `skip.${outcome.skippedBecause}`, outcome.skippedBecause)}
          {outcome.detail && ` — ${outcome.detail}`}
          {outcome.cappedFrom !== undefined &&
            t('preview.cappedFrom', { points: formatNumber(outcome.cappedFrom, locale) })}
        </p>
      )}
      {outcome.trace && (
        <div className="trace" data-testid="preview-trace">
          <Trace trace={outcome.trace} ctx={ctx} />
        </div>
      )}
    </li>
  );
}

/** The sample event form, the switch for the other active rules, and the outcome. */
export function PreviewPanel({
  sample,
  onSample,
  withActive,
  onWithActive,
  state,
  ctx,
  mayReadMembers,
}: {
  sample: SampleEvent;
  onSample: (sample: SampleEvent) => void;
  withActive: boolean;
  onWithActive: (on: boolean) => void;
  state: PreviewState;
  ctx: ValueContext;
  mayReadMembers: boolean;
}) {
  const { t, tMain, locale } = ctx;
  const set = (patch: Partial<SampleEvent>) => onSample({ ...sample, ...patch });
  const outcome = state.outcome;
  const result = outcome?.kind === 'ok' ? outcome.result : null;
  const problems = outcome?.kind === 'invalid' ? outcome.error.details.length : 0;
  const eventError = (path: string) => state.eventErrors.get(path);
  return (
    <section
      className="card preview-card"
      data-testid="rule-preview"
      aria-labelledby="preview-h"
      aria-busy={state.busy}
    >
      <div className="card-head">
        <h2 id="preview-h">{t('preview.title')}</h2>
        {state.busy && <span className="spinner" role="status" aria-label={t('preview.updating')} />}
      </div>
      <p className="muted small">{t('preview.intro')}</p>
      <div className="preview-form">
        <FormField label={t('preview.type')} testId="preview-type">
          <select
            data-testid="preview-type"
            value={sample.type}
            onChange={(e) => set({ type: e.target.value, typeChosen: true })}
          >
            {RULE_TRIGGERS.map((type) => (
              <option key={type} value={type}>
                {eventLabel(tMain, type)}
              </option>
            ))}
          </select>
        </FormField>
        <FormField
          label={t('preview.amount', { currency: ctx.currency })}
          testId="preview-amount"
          error={eventError('event.amount.amount') ?? eventError('event.amount')}
        >
          <input
            data-testid="preview-amount"
            type="number"
            inputMode="decimal"
            min={0}
            step={0.01}
            placeholder="129.99"
            value={sample.amount}
            onChange={(e) => set({ amount: e.target.value })}
          />
        </FormField>
        <FormField label={t('preview.itemId')} testId="preview-item" error={eventError('event.itemId')}>
          <input
            data-testid="preview-item"
            autoComplete="off"
            value={sample.itemId}
            onChange={(e) => set({ itemId: e.target.value })}
          />
        </FormField>
        <FormField
          label={t('preview.occurredAt', { zone: localZoneLabel() })}
          testId="preview-date"
          error={eventError('event.occurredAt')}
          hint={t('preview.occurredAtHint')}
          className="span-2"
        >
          <input
            data-testid="preview-date"
            type="datetime-local"
            value={sample.occurredAt}
            onChange={(e) => set({ occurredAt: e.target.value })}
          />
        </FormField>
        {mayReadMembers && (
          <FormField label={t('preview.memberId')} testId="preview-member" error={eventError('memberId')}>
            <input
              data-testid="preview-member"
              autoComplete="off"
              placeholder={t('preview.memberPlaceholder')}
              value={sample.memberId}
              onChange={(e) => set({ memberId: e.target.value })}
            />
          </FormField>
        )}
        <FormField label={t('preview.rating')} testId="preview-rating" error={eventError('event.rating')}>
          <input
            data-testid="preview-rating"
            type="number"
            min={1}
            max={5}
            step={1}
            value={sample.rating}
            onChange={(e) => set({ rating: e.target.value })}
          />
        </FormField>
        <FormField label={t('preview.channel')} testId="preview-channel" error={eventError('event.channel')}>
          <input
            data-testid="preview-channel"
            autoComplete="off"
            placeholder="app"
            value={sample.channel}
            onChange={(e) => set({ channel: e.target.value })}
          />
        </FormField>
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="preview-with-active"
          checked={withActive}
          onChange={(e) => onWithActive(e.target.checked)}
        />
        {t('preview.withActive')}
      </label>
      {state.error !== null && state.error !== undefined && (
        <p className="form-error small" role="alert" data-testid="preview-error">
          {describeError(tMain, state.error)}
        </p>
      )}
      {problems > 0 && (
        <p className="notice warning-notice small" data-testid="preview-invalid">
          {t('preview.invalid', { count: problems })}
        </p>
      )}
      {result && outcome?.kind === 'ok' && (
        <div className="preview-result" data-testid="preview-result">
          <div className="preview-total">
            <span className="muted">{t('preview.total')}</span>
            <strong data-testid="preview-total" data-value={result.total}>
              {countText(t, 'preview.points', result.total, { points: formatNumber(result.total, locale) })}
            </strong>
          </div>
          {result.total > 0 && (
            <p className="small muted" data-testid="preview-timing">
              {result.pending && result.pendingUntil
                ? t('preview.pendingUntil', { date: formatDateTime(result.pendingUntil, locale) })
                : t('preview.availableNow')}
              {' · '}
              {result.expiresAt
                ? t('preview.expiresAt', { date: formatDateTime(result.expiresAt, locale) })
                : t('preview.neverExpires')}
            </p>
          )}
          <ol className="preview-rules">
            {result.rules.map((rule) => (
              <RuleOutcome
                key={rule.ruleId}
                outcome={rule}
                isDraft={rule.ruleId === outcome.draftId}
                ctx={ctx}
              />
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
