import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { canonicalJson } from '../../lib/json.ts';
import { appendAudit } from '../audit/index.ts';
import {
  DEFAULT_RECOMMENDATION_SETTINGS,
  type RecommendationSettings,
  type RecommendationSettingsPut,
  recommendationSettingsSchema,
} from './recommendations.settings-types.ts';
import type { RecommendationSettingsTable } from './recommendations.table.ts';

// The settings live in one row (`default`). Until a merchant saves them the defaults apply at
// version 0 and no row exists; the first save inserts version 1. Serving reads them per request,
// so each process keeps them for a few seconds and drops them when it writes them itself.

export const SETTINGS_ID = 'default';
const CACHE_TTL_MS = 5_000;

export interface StoredSettings {
  version: number;
  settings: RecommendationSettings;
  /** Epoch ms of the last save; 0 while on the defaults. */
  updatedAt: number;
}

/** Who changes the settings, as the audit log records them. */
export interface SettingsActor {
  actorType: string;
  actorId: string;
}

const cache = new WeakMap<Database, { value: StoredSettings; at: number }>();

async function readSettings(db: Database): Promise<StoredSettings> {
  const row = await db
    .selectFrom('recommendationSettings')
    .selectAll()
    .where('id', '=', SETTINGS_ID)
    .executeTakeFirst();
  if (!row) return { version: 0, settings: DEFAULT_RECOMMENDATION_SETTINGS, updatedAt: 0 };
  return {
    version: Number(row.version),
    settings: recommendationSettingsSchema.parse(JSON.parse(row.settings)),
    updatedAt: Number(row.updatedAt),
  };
}

/**
 * The settings in force: `{ version, settings, updatedAt }`, from a per-process cache of a few
 * seconds (pass `fresh` to read the database, as an editor should).
 */
export async function getRecommendationSettings(
  ctx: AppContext,
  options: { fresh?: boolean } = {},
): Promise<StoredSettings> {
  const now = ctx.clock.now();
  const hit = cache.get(ctx.db);
  if (!options.fresh && hit && now >= hit.at && now - hit.at < CACHE_TTL_MS) return hit.value;
  const value = await readSettings(ctx.db);
  cache.set(ctx.db, { value, at: now });
  return value;
}

/** Top-level settings whose value changed, for the audit entry (key order does not count). */
function changedKeys(before: RecommendationSettings, after: RecommendationSettings): string[] {
  return (Object.keys(after) as (keyof RecommendationSettings)[]).filter(
    (key) => canonicalJson(before[key]) !== canonicalJson(after[key]),
  );
}

async function writeRow(
  trx: Database,
  expectedVersion: number,
  row: RecommendationSettingsTable,
): Promise<boolean> {
  if (expectedVersion === 0) {
    const inserted = await trx
      .insertInto('recommendationSettings')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  }
  const updated = await trx
    .updateTable('recommendationSettings')
    .set({ version: row.version, settings: row.settings, updatedAt: row.updatedAt, updatedBy: row.updatedBy })
    .where('id', '=', SETTINGS_ID)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/**
 * Replaces the settings over `version` (409 RECOMMEND_SETTINGS_CONFLICT when someone saved in
 * between) and audits which parts changed. Takes effect at the next training run; serving picks
 * up diversity and the experiment within a few seconds.
 */
export async function updateRecommendationSettings(
  ctx: AppContext,
  input: RecommendationSettingsPut,
  actor: SettingsActor,
): Promise<StoredSettings> {
  const saved = await ctx.db.transaction().execute(async (trx) => {
    const current = await readSettings(trx);
    if (current.version !== input.version) throw appError(Errors.RECOMMEND_SETTINGS_CONFLICT);
    const next: StoredSettings = {
      version: current.version + 1,
      settings: input.settings,
      updatedAt: ctx.clock.now(),
    };
    const written = await writeRow(trx, current.version, {
      id: SETTINGS_ID,
      version: next.version,
      settings: JSON.stringify(next.settings),
      updatedAt: next.updatedAt,
      updatedBy: actor.actorId,
    });
    if (!written) throw appError(Errors.RECOMMEND_SETTINGS_CONFLICT);
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'recommend.settings.update',
      targetType: 'recommendation_settings',
      targetId: SETTINGS_ID,
      details: { version: next.version, changed: changedKeys(current.settings, next.settings) },
    });
    return next;
  });
  cache.delete(ctx.db);
  return saved;
}
