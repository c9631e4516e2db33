import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { appendAudit } from '../audit/index.ts';
import { cached, invalidate } from './loyalty.cache.ts';
import {
  findProgrammeRow,
  insertProgrammeRowIfMissing,
  PROGRAMME_ID,
  updateProgrammeRow,
} from './loyalty.repository.ts';
import type { LoyaltyProgrammeTable } from './loyalty.table.ts';
import type { LoyaltyActor, ProgrammeDto, ProgrammePut } from './loyalty.types.ts';
import {
  DEFAULT_PROGRAMME_SETTINGS,
  type ProgrammeSettings,
  programmeSettingsSchema,
} from './programme.settings.ts';

interface Programme {
  settings: ProgrammeSettings;
  version: number;
  updatedAt: number;
}

function rowToProgramme(row: LoyaltyProgrammeTable): Programme {
  return {
    // Parsed, so settings saved by an older version get the defaults zod fills in.
    settings: programmeSettingsSchema.parse(JSON.parse(row.settings)),
    version: Number(row.version),
    updatedAt: Number(row.updatedAt),
  };
}

/** The programme row, installing the default settings (version 1) on the first read. */
export async function loadProgramme(ctx: AppContext, db: Database): Promise<Programme> {
  const row = await findProgrammeRow(db);
  if (row) return rowToProgramme(row);
  await insertProgrammeRowIfMissing(db, {
    id: PROGRAMME_ID,
    settings: JSON.stringify(DEFAULT_PROGRAMME_SETTINGS),
    version: 1,
    updatedBy: null,
    updatedAt: ctx.clock.now(),
  });
  return rowToProgramme((await findProgrammeRow(db)) as LoyaltyProgrammeTable);
}

/**
 * The programme settings, from a per-process cache of a few seconds; the first read of a new
 * installation stores the defaults. Pass the transaction you are in as `db`.
 */
export async function getProgrammeSettings(
  ctx: AppContext,
  db: Database = ctx.db,
): Promise<ProgrammeSettings> {
  return (await cached(ctx, 'programme', () => loadProgramme(ctx, db))).settings;
}

function toDto(programme: Programme): ProgrammeDto {
  return {
    settings: programme.settings,
    version: programme.version,
    updatedAt: new Date(programme.updatedAt).toISOString(),
  };
}

/** GET /v1/loyalty/programme: read from the database, not the cache, so an editor sees the latest. */
export async function getProgramme(ctx: AppContext): Promise<ProgrammeDto> {
  return toDto(await loadProgramme(ctx, ctx.db));
}

/** Top-level settings whose value changed, for the audit entry. */
function changedKeys(before: ProgrammeSettings, after: ProgrammeSettings): string[] {
  return Object.keys(after).filter(
    (key) =>
      JSON.stringify(before[key as keyof ProgrammeSettings]) !==
      JSON.stringify(after[key as keyof ProgrammeSettings]),
  );
}

/** PUT /v1/loyalty/programme: replaces the settings over `version`; 409 when it is stale. */
export async function updateProgramme(
  ctx: AppContext,
  input: ProgrammePut,
  actor: LoyaltyActor,
): Promise<ProgrammeDto> {
  const saved = await ctx.db.transaction().execute(async (trx) => {
    const current = await loadProgramme(ctx, trx);
    if (current.version !== input.version) throw appError(Errors.LOYALTY_PROGRAMME_VERSION_CONFLICT);
    const next: Programme = {
      settings: input.settings,
      version: current.version + 1,
      updatedAt: ctx.clock.now(),
    };
    const written = await updateProgrammeRow(trx, current.version, {
      settings: JSON.stringify(next.settings),
      version: next.version,
      updatedBy: actor.actorId,
      updatedAt: next.updatedAt,
    });
    if (!written) throw appError(Errors.LOYALTY_PROGRAMME_VERSION_CONFLICT);
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'loyalty.programme.update',
      targetType: 'loyalty_programme',
      targetId: PROGRAMME_ID,
      details: { version: next.version, changed: changedKeys(current.settings, next.settings) },
    });
    return next;
  });
  invalidate(ctx, 'programme');
  return toDto(saved);
}
