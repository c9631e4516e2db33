import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { getProgrammeSettings } from '../loyalty/index.ts';
import {
  applyDayFlags,
  applyEvent,
  dayFlagsOf,
  emptyProfile,
  type ProfileState,
  rowToState,
  stateToRow,
  trimAffinities,
} from './profiles.fold.ts';
import {
  findDayFlags,
  findItemFacets,
  findProfileRows,
  lockProfileRows,
  upsertDayFlags,
  upsertProfiles,
} from './profiles.repository.ts';
import { AFFINITY_WEIGHTS, type ProfileEvent } from './profiles.types.ts';

/** The distinct (member, day) pairs of a batch with the union of the flags its events set. */
function batchDays(rows: readonly ProfileEvent[]): Map<string, [string, number, number]> {
  const days = new Map<string, [string, number, number]>();
  for (const e of rows) {
    const { day, flags } = dayFlagsOf(e);
    const key = `${e.memberId}\u0000${day}`;
    const entry = days.get(key);
    if (entry) entry[2] |= flags;
    else days.set(key, [e.memberId, day, flags]);
  }
  return days;
}

/**
 * Moves the day counters of each member by the flags the batch sets for the first time, and
 * returns the day rows to write (only those that change).
 */
async function mergeDays(
  ctx: AppContext,
  db: Database,
  rows: readonly ProfileEvent[],
  states: Map<string, ProfileState>,
): Promise<[string, number, number][]> {
  const days = batchDays(rows);
  const before = await findDayFlags(
    db,
    ctx.dialect,
    [...days.values()].map(([member, day]) => [member, day]),
    ctx.database.sqlite,
  );
  const changed: [string, number, number][] = [];
  for (const [key, [member, day, flags]] of days) {
    const old = before.get(key) ?? 0;
    const next = old | flags;
    if (next === old) continue;
    applyDayFlags(states.get(member) as ProfileState, old, next);
    changed.push([member, day, next]);
  }
  return changed;
}

/**
 * Adds newly stored events to their members' profiles, inside the ingest transaction (pass only
 * rows really inserted). O(1) work per event and a fixed number of statements per batch: one
 * item lookup, one profile read, one day-flag read, one day upsert, one profile upsert (plus a
 * row-lock insert on PostgreSQL). Events may arrive in any time order.
 */
export async function updateProfilesForEvents(
  ctx: AppContext,
  db: Database,
  rows: readonly ProfileEvent[],
): Promise<void> {
  if (rows.length === 0) return;
  const { currency } = await getProgrammeSettings(ctx, db);
  const now = ctx.clock.now();
  const memberIds = [...new Set(rows.map((e) => e.memberId))].sort();
  const itemIds = new Set<string>();
  for (const e of rows) if (e.itemId && AFFINITY_WEIGHTS[e.type] !== undefined) itemIds.add(e.itemId);
  const facets = await findItemFacets(db, ctx.dialect, [...itemIds]);
  if (ctx.dialect === 'postgres') await lockProfileRows(db, memberIds, now);
  const states = new Map<string, ProfileState>();
  for (const row of await findProfileRows(db, ctx.dialect, memberIds, ctx.database.sqlite)) {
    states.set(row.memberId, rowToState(row));
  }
  for (const id of memberIds) if (!states.has(id)) states.set(id, emptyProfile(id));
  const days = await mergeDays(ctx, db, rows, states);
  for (const e of rows) {
    applyEvent(
      states.get(e.memberId) as ProfileState,
      e,
      e.itemId ? facets.get(e.itemId) : undefined,
      currency,
    );
  }
  const sqlite = ctx.database.sqlite;
  await upsertDayFlags(db, ctx.dialect, days, sqlite);
  const profiles = [...states.values()].map((s) => {
    trimAffinities(s);
    return stateToRow(s, now);
  });
  await upsertProfiles(db, ctx.dialect, profiles, sqlite);
}
