import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, type ErrorDefinition, type ErrorDetail, Errors } from '../../errors.ts';
import { canonicalJson } from '../../lib/json.ts';
import { upsertMember } from '../members/index.ts';
import { findEventHashes, findLiveMemberIds, insertEventRows } from './events.repository.ts';
import type { EventsTable } from './events.table.ts';
import {
  type EventType,
  eventSchema,
  MAX_EVENT_BATCH,
  type NormalisedEvent,
  typeRuleViolations,
} from './events.types.ts';

/** How `ingestEvents` treats bad events. */
export interface IngestEventsOptions {
  /** Work inside this transaction instead of opening one (the importer does, to save progress with it). */
  db?: Database;
  /** Overrides config.events.autoCreateMembers. */
  autoCreateMembers?: boolean;
  /**
   * `strict` (the API): any bad event fails the whole batch with its error code and nothing is
   * written. `lenient` (the importer): bad events come back in `rejected`, the others are stored.
   */
  mode?: 'strict' | 'lenient';
  /** Prefix of validation paths: `events` gives `events.3.amount`; `''` suits a single event. */
  pathPrefix?: string;
}

export interface EventReject {
  index: number;
  message: string;
}

export interface IngestEventsResult {
  accepted: number;
  duplicates: number;
  /** Lenient mode only: events left out, by index in the input. */
  rejected: EventReject[];
}

interface Candidate {
  index: number;
  event: NormalisedEvent;
  hash: string;
}

type Finding = { index: number; detail: ErrorDetail };

/** Collects the outcome of each check; strict mode turns the first failing check into its error. */
class Triage {
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

function validate(raw: readonly unknown[], prefix: string, triage: Triage): Candidate[] {
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
function checkBatchDuplicates(candidates: Candidate[], prefix: string, triage: Triage): Candidate[] {
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

function checkFuture(ctx: AppContext, candidates: Candidate[], triage: Triage): Candidate[] {
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

async function checkMembers(
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
async function checkStored(
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

function toRow(c: Candidate, receivedAt: number): Insertable<EventsTable> {
  const e = c.event;
  return {
    id: e.id,
    type: e.type,
    memberId: e.memberId,
    itemId: e.itemId ?? null,
    orderId: e.orderId ?? null,
    occurredAt: e.occurredAt,
    receivedAt,
    quantity: e.quantity ?? null,
    priceAmount: e.price?.amount ?? null,
    amount: e.amount?.amount ?? null,
    currency: e.amount?.currency ?? e.price?.currency ?? null,
    rating: e.rating ?? null,
    text: e.text ?? null,
    ip: e.context?.ip ?? null,
    deviceId: e.context?.deviceId ?? null,
    userAgent: e.context?.userAgent ?? null,
    channel: e.context?.channel ?? null,
    properties: e.properties ? JSON.stringify(e.properties) : null,
    contentHash: c.hash,
  };
}

/** Inserts; when a concurrent writer stored some ids first, their hashes decide duplicate or conflict. */
async function insertFresh(
  ctx: AppContext,
  db: Database,
  fresh: Candidate[],
  triage: Triage,
): Promise<number> {
  const now = ctx.clock.now();
  const inserted = await insertEventRows(
    db,
    fresh.map((c) => toRow(c, now)),
  );
  if (inserted === fresh.length) return inserted;
  const stored = await findEventHashes(
    db,
    fresh.map((c) => c.event.id),
  );
  const raced = fresh.length - inserted;
  const conflicts = fresh.filter((c) => stored.get(c.event.id) !== c.hash);
  if (conflicts.length > 0) {
    const details = conflicts.map((c) => ({
      index: c.index,
      id: c.event.id,
      message: 'stored concurrently with different content',
    }));
    throw appError(Errors.EVENT_ID_CONFLICT, undefined, details);
  }
  triage.duplicates += raced;
  return inserted;
}

/**
 * Validates and stores behaviour events: all checks first, then one transaction (member
 * existence, idempotency by id and content hash, chunked multi-row inserts).
 * @example await ingestEvents(ctx, [{ id: 'e1', type: 'view', memberId: 'm1', itemId: 'sku-1', occurredAt: '2026-01-15T12:00:00Z' }])
 */
export async function ingestEvents(
  ctx: AppContext,
  events: readonly unknown[],
  options: IngestEventsOptions = {},
): Promise<IngestEventsResult> {
  if (events.length > MAX_EVENT_BATCH) throw appError(Errors.EVENT_BATCH_TOO_LARGE);
  const prefix = options.pathPrefix ?? 'events';
  const triage = new Triage((options.mode ?? 'strict') === 'strict');
  let candidates = validate(events, prefix, triage);
  candidates = checkBatchDuplicates(candidates, prefix, triage);
  candidates = checkFuture(ctx, candidates, triage);
  const autoCreate = options.autoCreateMembers ?? ctx.config.events.autoCreateMembers;
  const write = async (db: Database): Promise<number> => {
    const known = await checkMembers(ctx, db, candidates, autoCreate, triage);
    const fresh = await checkStored(db, known, prefix, triage);
    return fresh.length === 0 ? 0 : insertFresh(ctx, db, fresh, triage);
  };
  const accepted =
    candidates.length === 0
      ? 0
      : options.db
        ? await write(options.db)
        : await ctx.db.transaction().execute(write);
  return {
    accepted,
    duplicates: triage.duplicates,
    rejected: triage.rejected.sort((a, b) => a.index - b.index),
  };
}
