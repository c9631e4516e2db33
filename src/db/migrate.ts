import { type Migration, type MigrationResultSet, Migrator } from 'kysely';
import type { DatabaseHandle } from './database.ts';
import * as m0001 from './migrations/0001-core.ts';
import * as m0002 from './migrations/0002-daily-stats.ts';
import * as m0003 from './migrations/0003-points.ts';
import * as m0004 from './migrations/0004-loyalty.ts';
import * as m0005 from './migrations/0005-intelligence.ts';
import * as m0006 from './migrations/0006-recommendations.ts';
import * as m0007 from './migrations/0007-risk.ts';

/** Migrations in order; a new one is a new file here, never an edit of an applied one. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-core': m0001,
  '0002-daily-stats': m0002,
  '0003-points': m0003,
  '0004-loyalty': m0004,
  '0005-intelligence': m0005,
  '0006-recommendations': m0006,
  '0007-risk': m0007,
};

// On PostgreSQL the migration tables must be looked up in our own schema: left unset, Kysely
// finds another schema's tables on the same server and skips creating ours.
function migrator(handle: DatabaseHandle): Migrator {
  return new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => MIGRATIONS },
    ...(handle.schema ? { migrationTableSchema: handle.schema } : {}),
  });
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const result: MigrationResultSet = await migrator(handle).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(result.error)}`, {
      cause: result.error,
    });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has been applied (for /readyz). */
export async function migrationsAreCurrent(handle: DatabaseHandle): Promise<boolean> {
  const all = await migrator(handle).getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
