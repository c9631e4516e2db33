import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import { type ConfigInput, loadConfig } from '../config.ts';
import { type AppContext, createContext } from '../context.ts';
import { ManualClock } from '../lib/clock.ts';

/** A fixed master key for tests (never used outside them). */
export const TEST_MASTER_KEY = '7f'.repeat(32);

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  url: string;
}

/**
 * The backends every repository and API suite runs on: SQLite always, PostgreSQL too when
 * DATABASE_URL names one (CI sets it). Use with `describe.each(testDatabases())`.
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [{ name: 'sqlite', url: 'sqlite::memory:' }];
  const url = process.env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) list.push({ name: 'postgres', url });
  // CI's second pass sets MEMBRAIN_TEST_BACKENDS=postgres so SQLite suites do not run twice.
  const only = process.env.MEMBRAIN_TEST_BACKENDS?.split(',').map((s) => s.trim());
  return only ? list.filter((db) => only.includes(db.name)) : list;
}

export interface TestContext extends AppContext {
  clock: ManualClock;
}

export interface TestContextOptions {
  config?: ConfigInput;
  logDestination?: DestinationStream;
  clock?: ManualClock;
}

/** A fresh, migrated database (in-memory SQLite, or a new PostgreSQL schema dropped on close). */
export async function createTestContext(
  database: TestDatabase,
  options: TestContextOptions = {},
): Promise<TestContext> {
  const schema = database.name === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
  // A temp data folder, removed on close unless the test brought its own (it may read files there).
  const ownDataDir =
    options.config?.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'membrain-test-')) : null;
  const config = loadConfig({
    env: {},
    overrides: {
      databaseUrl: database.url,
      databaseSchema: schema,
      dataDir: ownDataDir ?? undefined,
      masterKey: TEST_MASTER_KEY,
      logLevel: options.logDestination ? 'info' : 'silent',
      // Cheap hashing keeps the suites fast; production cost is set in config.ts.
      argon2: { memoryCost: 64, timeCost: 1, parallelism: 1 },
      demo: { enabled: false },
      ...options.config,
    },
  });
  const clock = options.clock ?? new ManualClock();
  let ctx: AppContext;
  try {
    ctx = await createContext(config, { clock, logDestination: options.logDestination });
  } catch (error) {
    if (schema) await dropSchema(database.url, schema);
    if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...ctx,
    clock,
    async close() {
      await ctx.close();
      if (schema) await dropSchema(database.url, schema);
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
