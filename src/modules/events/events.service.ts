import type { Insertable } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { awardPointsForEvents } from '../loyalty/index.ts';
import { updateProfilesForEvents } from '../profiles/index.ts';
import { flushExposuresNamed } from '../recommendations/recommendations.exposure-log.ts';
import {
  namedRecommendationIds,
  recordFeedbackForEvents,
} from '../recommendations/recommendations.feedback.ts';
import { labelDecisionsFromEvents } from '../risk/risk.labels.ts';
import { recordEventStats } from '../stats/index.ts';
import { applyInstantUpgrades } from '../tiers/index.ts';
import {
  type Candidate,
  checkBatchDuplicates,
  checkFuture,
  checkMembers,
  checkStored,
  type EventReject,
  Triage,
  validate,
} from './events.checks.ts';
import { insertEventRows } from './events.repository.ts';
import type { EventsTable } from './events.table.ts';
import { MAX_EVENT_BATCH, type NormalisedEvent } from './events.types.ts';

export { type EventReject, eventContentHash } from './events.checks.ts';

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
  /** Historical rows from a file import: they earn points only when the programme says so. */
  imported?: boolean;
}

export interface IngestEventsResult {
  accepted: number;
  duplicates: number;
  /** Lenient mode only: events left out, by index in the input. */
  rejected: EventReject[];
}

/** The stored row of a validated event (the demo generator writes rows through this too). */
export function eventToRow(
  e: NormalisedEvent,
  receivedAt: number,
  contentHash: string,
): Insertable<EventsTable> {
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
    contentHash,
  };
}

/**
 * Inserts every candidate with insert-or-ignore, then looks only at the ids that were already
 * there: the same content is a duplicate (a retry), other content a conflict. The common case
 * — all new — costs no lookup; a conflict throws in strict mode and the transaction undoes all.
 */
async function insertAndReconcile(
  ctx: AppContext,
  db: Database,
  candidates: Candidate[],
  prefix: string,
  triage: Triage,
  imported: boolean,
): Promise<number> {
  const now = ctx.clock.now();
  const rows = candidates.map((c) => eventToRow(c.event, now, c.hash));
  const inserted = await insertEventRows(db, rows, ctx.database.sqlite);
  const existing = candidates.filter((c) => !inserted.has(c.event.id));
  if (existing.length > 0) await checkStored(db, existing, prefix, triage);
  // Daily aggregates count only what was really stored, in this same transaction.
  const stored = inserted.size === rows.length ? rows : rows.filter((r) => inserted.has(r.id));
  await recordEventStats(db, ctx.dialect, stored);
  // Member profiles too: a stored event is always in its member's profile.
  await updateProfilesForEvents(ctx, db, stored);
  // Events that name a served recommendation list are its clicks, carts and orders.
  await recordFeedbackForEvents(db, stored);
  // A chargeback labels the risk decisions of its order as fraud, for the models to learn from.
  await labelDecisionsFromEvents(db, stored);
  // Points and tier upgrades in the same transaction: an event is stored iff its points are.
  const changed = await awardPointsForEvents(ctx, db, stored, { imported });
  if (changed.length > 0) await applyInstantUpgrades(ctx, db, changed);
  return inserted.size;
}

/**
 * Validates and stores behaviour events: all checks first, then one transaction (member
 * existence, inserts, then idempotency by id and content hash for ids already stored).
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
    return known.length === 0
      ? 0
      : insertAndReconcile(ctx, db, known, prefix, triage, options.imported ?? false);
  };
  // A list served moments ago may still be queued in this process: store it before its feedback
  // (a caller's own transaction, as the importer's, cannot wait for that write).
  if (!options.db) await flushExposuresNamed(ctx.db, namedRecommendationIds(candidates.map((c) => c.event)));
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
