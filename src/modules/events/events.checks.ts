import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, type ErrorDefinition, type ErrorDetail, Errors } from '../../errors.ts';
import { canonicalJson } from '../../lib/json.ts';
import { upsertMember } from '../members/index.ts';
import { findEventHashes, findLiveMemberIds } from './events.repository.ts';
import { type EventType, eventSchema, type NormalisedEvent, typeRuleViolations } from './events.types.ts';

// The checks a batch passes before it is written. Each takes the surviving candidates and returns
// those that pass; the Triage decides whether a failure throws (strict) or rejects (lenient).

export interface EventReject {
  index: number;
  message: string;
}

export interface Candidate {
  index: number;
  event: NormalisedEvent;
  hash: string;
}

type Finding = { index: number; detail: ErrorDetail };

/** Collects the outcome of each check; strict mode turns the first failing check into its error. */
export class Triage {
  readonly rejected: EventReject[] = [];
  duplicates = 0;
  constructor(readonly strict: boolean) {}

  /** Drops the candidates named in `findings`, or throws `definition` listing them all. */
  settle(
    candidates: Candidate[],
    findings: Finding[],
    definition: ErrorDefinition,
    message?: string,
  ): Candidate[] {
    if (findings.length === 0) return candidates;
    if (this.strict)
      throw appError(
        definition,
        message,
        findings.map((f) => f.detail),
      );
    for (const f of findings) this.rejected.push({ index: f.index, message: f.detail.message });
    const dropped = new Set(findings.map((f) => f.index));
    return candidates.filter((c) => !dropped.has(c.index));
  }
}

/** SHA-256 of the canonical JSON of the normalised event (times as ISO), so retries hash equally. */
export function eventContentHash(event: NormalisedEvent): string {
  const canonical = canonicalJson({ ...event, occurredAt: new Date(event.occurredAt).toISOString() });
  return createHash('sha256').update(canonical).digest('hex');
}

function normalise(parsed: ReturnType<typeof eventSchema.parse>): NormalisedEvent {
  const { occurredAt, context, properties, ...rest } = parsed;
  const event: NormalisedEvent = {
    ...rest,
    type: parsed.type as EventType,
    occurredAt: Date.parse(occurredAt),
  };
  // Empty objects carry nothing; dropping them keeps `{}` and "absent" the same event.
  if (context && Object.keys(context).length > 0) event.context = context;
  if (properties && Object.keys(properties).length > 0) event.properties = properties;
  return event;
}

/**
 * Every issue of a bad event. zod skips the type rules when a field aborted parsing (a float
 * amount, say), so they are checked on the raw object as well, to list every problem at once.
 */
function eventIssues(
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
): { path: string; message: string }[] {
  const found = issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return found;
  for (const [path, message] of typeRuleViolations(input as Record<string, unknown>)) {
    if (!found.some((f) => f.path === path && f.message === message)) found.push({ path, message });
  }
  return found;
}

export function validate(raw: readonly unknown[], prefix: string, triage: Triage): Candidate[] {
  const candidates: Candidate[] = [];
  const findings: Finding[] = [];
  raw.forEach((input, index) => {
    const parsed = eventSchema.safeParse(input);
    if (parsed.success) {
      const event = normalise(parsed.data);
      candidates.push({ index, event, hash: eventContentHash(event) });
      return;
    }
    const base = prefix === '' ? [] : [prefix, String(index)];
    for (const { path, message } of eventIssues(input, parsed.error.issues)) {
      findings.push({
        index,
        detail: { path: [...base, path].filter(Boolean).join('.') || '(body)', message },
      });
    }
  });
  if (findings.length > 0 && triage.strict)
    throw appError(
      Errors.VALIDATION_FAILED,
      undefined,
      findings.map((f) => f.detail),
    );
  for (const f of findings)
    triage.rejected.push({ index: f.index, message: `${f.detail.path}: ${f.detail.message}` });
  return candidates;
}

/** Same id twice in one batch: an exact repeat counts as a duplicate (lenient), otherwise it is an error. */
export function checkBatchDuplicates(candidates: Candidate[], prefix: string, triage: Triage): Candidate[] {
  const first = new Map<string, Candidate>();
  const findings: Finding[] = [];
  const repeats = new Set<number>();
  for (const c of candidates) {
    const seen = first.get(c.event.id);
    if (!seen) first.set(c.event.id, c);
    else if (!triage.strict && seen.hash === c.hash) repeats.add(c.index);
    else {
      const path = prefix === '' ? 'id' : `${prefix}.${c.index}.id`;
      findings.push({
        index: c.index,
        detail: { path, id: c.event.id, message: `id repeats event ${seen.index}` },
      });
    }
  }
  triage.duplicates += repeats.size;
  const kept = candidates.filter((c) => !repeats.has(c.index));
  return triage.settle(kept, findings, Errors.EVENT_DUPLICATE_ID);
}

export function checkFuture(ctx: AppContext, candidates: Candidate[], triage: Triage): Candidate[] {
  const skew = ctx.config.events.maxFutureSkewSeconds;
  const limit = ctx.clock.now() + skew * 1000;
  const findings = candidates
    .filter((c) => c.event.occurredAt > limit)
    .map((c) => ({
      index: c.index,
      detail: { index: c.index, id: c.event.id, message: `occurredAt is more than ${skew} s ahead of now` },
    }));
  return triage.settle(
    candidates,
    findings,
    Errors.EVENT_IN_FUTURE,
    `occurredAt is more than ${skew} s ahead of now`,
  );
}

export async function checkMembers(
  ctx: AppContext,
  db: Database,
  candidates: Candidate[],
  autoCreate: boolean,
  triage: Triage,
): Promise<Candidate[]> {
  const ids = [...new Set(candidates.map((c) => c.event.memberId))];
  const live = await findLiveMemberIds(db, ids);
  const unknown = new Map<string, number[]>();
  for (const c of candidates) {
    if (!live.has(c.event.memberId))
      unknown.set(c.event.memberId, [...(unknown.get(c.event.memberId) ?? []), c.index]);
  }
  if (unknown.size === 0) return candidates;
  if (autoCreate) {
    // Bare members (id only) through the members service, so they are audited like any other.
    for (const memberId of unknown.keys()) {
      await upsertMember(ctx, db, { id: memberId }, { actorType: 'system', actorId: 'events' });
    }
    return candidates;
  }
  const findings = [...unknown].flatMap(([memberId, indexes]) =>
    indexes.map((index) => ({
      index,
      detail: { memberId, indexes, message: `member ${memberId} does not exist` },
    })),
  );
  const details = [...unknown].map(([memberId, indexes]) => ({
    memberId,
    indexes,
    message: `member ${memberId} does not exist`,
  }));
  if (triage.strict) throw appError(Errors.EVENT_UNKNOWN_MEMBERS, undefined, details);
  return triage.settle(candidates, findings, Errors.EVENT_UNKNOWN_MEMBERS);
}

/** Already stored: the same content is a duplicate (acknowledged), other content a conflict. */
export async function checkStored(
  db: Database,
  candidates: Candidate[],
  prefix: string,
  triage: Triage,
): Promise<Candidate[]> {
  const stored = await findEventHashes(
    db,
    candidates.map((c) => c.event.id),
  );
  const findings: Finding[] = [];
  const fresh: Candidate[] = [];
  for (const c of candidates) {
    const hash = stored.get(c.event.id);
    if (hash === undefined) fresh.push(c);
    else if (hash === c.hash) triage.duplicates += 1;
    else {
      const path = prefix === '' ? 'id' : `${prefix}.${c.index}.id`;
      findings.push({
        index: c.index,
        detail: { path, id: c.event.id, message: 'stored with different content' },
      });
    }
  }
  return triage.settle(fresh, findings, Errors.EVENT_ID_CONFLICT);
}
