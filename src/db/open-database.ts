import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseHandle, DB, DialectName } from './database.ts';
import { withStatementCache } from './sqlite-statement-cache.ts';

export interface OpenDatabaseOptions {
  url: string;
  /** PostgreSQL only: the schema to create (if missing) and work in. */
  schema?: string | undefined;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

/** Which dialect a DATABASE_URL names: `sqlite:PATH`, `sqlite::memory:`, `postgres://…`. */
export function dialectOf(url: string): DialectName {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres';
  throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got ${url.split(':')[0]}:…)`);
}

// BIGINT columns hold epoch milliseconds and counters, all far below 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** Opens SQLite (better-sqlite3) or PostgreSQL (pg) behind the same Kysely interface. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  return dialectOf(options.url) === 'sqlite' ? openSqlite(options.url) : openPostgres(options);
}

function openSqlite(url: string): DatabaseHandle {
  const target = url.slice('sqlite:'.length);
  const inMemory = target === ':memory:' || target === '';
  const path = inMemory ? ':memory:' : resolve(target);
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const connection = new SQLite(path);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  // A 64 MiB page cache instead of SQLite's 2 MiB default: event indexes grow large quickly.
  connection.pragma('cache_size = -65536');
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({ database: withStatementCache(connection) }),
    plugins: [new CamelCasePlugin()],
  });
  return {
    db,
    dialect: 'sqlite',
    sqlitePath: inMemory ? null : path,
    schema: null,
    sqlite: connection,
    close: () => db.destroy(),
  };
}

async function openPostgres(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const schema = options.schema;
  if (schema) {
    // Create the schema with a short-lived client first; the pool then searches only that schema.
    const client = new pg.Client({ connectionString: options.url });
    await client.connect();
    try {
      await client.query(`create schema if not exists "${schema}"`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
  await sql`select 1`.execute(db);
  return {
    db,
    dialect: 'postgres',
    sqlitePath: null,
    schema: schema ?? 'public',
    sqlite: null,
    close: () => db.destroy(),
  };
}
