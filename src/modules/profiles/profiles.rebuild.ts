import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { getProgrammeSettings } from '../loyalty/index.ts';
import { liveMemberIdsAfter } from '../members/index.ts';
import {
  applyDayFlags,
  applyEvent,
  dayFlagsOf,
  emptyProfile,
  type ProfileState,
  stateToRow,
  trimAffinities,
} from './profiles.fold.ts';
import {
  deleteProfileRange,
  findRangeEvents,
  upsertDayFlags,
  upsertProfiles,
} from './profiles.repository.ts';
import type { RebuildResult } from './profiles.types.ts';

/** Members per step: one transaction each. */
export const REBUILD_CHUNK = 5_000;
/** Members whose events are read by one query, so a step holds a fifth of its events at a time. */
const READ_SLICE = 1_000;
/** Rows per write statement. */
const WRITE_SLICE = 5_000;

interface Built {
  profiles: Map<string, ProfileState>;
  days: Map<string, [string, number, number]>;
  events: number;
}

/** Folds the events of `ids` (sorted) into profiles, READ_SLICE members per query. */
async function foldChunk(
  ctx: AppContext,
  db: Database,
  ids: readonly string[],
  currency: string,
): Promise<Built> {
  const built: Built = { profiles: new Map(), days: new Map(), events: 0 };
  const live = new Set(ids);
  for (let start = 0; start < ids.length; start += READ_SLICE) {
    const slice = ids.slice(start, start + READ_SLICE);
    const events = await findRangeEvents(
      db,
      slice[0] as string,
      slice[slice.length - 1] as string,
      ctx.database.sqlite,
    );
    for (const e of events) {
      if (!live.has(e.memberId)) continue;
      let s = built.profiles.get(e.memberId);
      if (!s) {
        s = emptyProfile(e.memberId);
        built.profiles.set(e.memberId, s);
      }
      const facets = e.category === null ? undefined : { category: e.category, brand: e.brand };
      applyEvent(s, e, facets, currency);
      const { day, flags } = dayFlagsOf(e);
      const key = `${e.memberId}\u0000${day}`;
      const entry = built.days.get(key);
      if (entry) entry[2] |= flags;
      else built.days.set(key, [e.memberId, day, flags]);
      built.events += 1;
    }
  }
  for (const [member, , flags] of built.days.values())
    applyDayFlags(built.profiles.get(member) as ProfileState, 0, flags);
  return built;
}

async function writeSliced<T>(rows: readonly T[], write: (slice: T[]) => Promise<void>): Promise<void> {
  for (let start = 0; start < rows.length; start += WRITE_SLICE)
    await write(rows.slice(start, start + WRITE_SLICE));
}

/**
 * Rebuilds the profiles of the next `size` live members after `after` from their events: their
 * profile and day rows (and any left by deleted members in the same id range) are replaced in
 * one transaction, so running a step twice writes the same rows. Returns the chunk's ids.
 */
export async function rebuildChunk(
  ctx: AppContext,
  after: string | null,
  size: number,
): Promise<{ ids: string[]; result: RebuildResult }> {
  return ctx.db.transaction().execute(async (trx) => {
    const ids = await liveMemberIdsAfter(trx, after, size);
    const { currency } = await getProgrammeSettings(ctx, trx);
    const built = await foldChunk(ctx, trx, ids, currency);
    // The last chunk also clears rows past the last live member.
    await deleteProfileRange(trx, after, ids.length < size ? null : (ids[ids.length - 1] as string));
    const now = ctx.clock.now();
    const rows = [...built.profiles.values()].map((s) => {
      trimAffinities(s);
      return stateToRow(s, now);
    });
    await writeSliced(rows, (slice) => upsertProfiles(trx, ctx.dialect, slice, ctx.database.sqlite));
    await writeSliced([...built.days.values()], (slice) =>
      upsertDayFlags(trx, ctx.dialect, slice, ctx.database.sqlite),
    );
    return { ids, result: { members: ids.length, profiles: rows.length, events: built.events } };
  });
}
