import type { DestinationStream, Logger } from 'pino';
import type { Config } from './config.ts';
import { loadOrCreateMasterKey, type MasterKeyResult } from './crypto/master-key.ts';
import { PiiCipher } from './crypto/pii-cipher.ts';
import { deriveSubkey } from './crypto/subkeys.ts';
import type { Database, DatabaseHandle, DialectName } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { openDatabase } from './db/open-database.ts';
import { registerJobHandlers } from './job-handlers.ts';
import { type Clock, systemClock } from './lib/clock.ts';
import { createLogger } from './lib/logger.ts';
import { MemoryRateLimiter, type RateLimiter, RedisRateLimiter } from './lib/rate-limiter.ts';
import { ensureDataKey, loadDataKeys } from './modules/crypto-keys/crypto-keys.service.ts';

/** Keys derived from the master key, one per purpose, plus the field cipher. */
export interface CryptoContext {
  pii: PiiCipher;
  wrapKey: Buffer;
  blindIndexKey: Buffer;
  auditKey: Buffer;
  memberJwtKey: Buffer;
  operatorJwtKey: Buffer;
}

/** Everything a route, service or job needs; built once at start-up and passed down explicitly. */
export interface AppContext {
  readonly config: Config;
  readonly db: Database;
  readonly dialect: DialectName;
  readonly database: DatabaseHandle;
  readonly log: Logger;
  readonly clock: Clock;
  readonly crypto: CryptoContext;
  readonly rateLimiter: RateLimiter;
  readonly masterKeySource: MasterKeyResult['source'];
  /** Runs `hook` at close, before the database closes (write-behind buffers flush there). */
  onClose(hook: () => Promise<void>): void;
  close(): Promise<void>;
}

export interface CreateContextOptions {
  clock?: Clock;
  logDestination?: DestinationStream;
  logger?: Logger;
  /** Skip migrations (the `migrate` command runs them itself). */
  migrate?: boolean;
}

/** Opens the database, applies migrations, loads keys; the one place start-up wiring happens. */
export async function createContext(config: Config, options: CreateContextOptions = {}): Promise<AppContext> {
  registerJobHandlers();
  const log = options.logger ?? createLogger(config.logLevel, options.logDestination);
  const clock = options.clock ?? systemClock;
  const masterKey = loadOrCreateMasterKey(config.masterKey, config.dataDir);
  if (masterKey.source === 'generated') {
    log.warn(
      { path: masterKey.path },
      '!!! MEMBRAIN_MASTER_KEY is not set: generated a master key into the data folder. Anyone with that folder can read all personal data. Set MEMBRAIN_MASTER_KEY from a secret store in production, and back the key up: without it the data cannot be decrypted. !!!',
    );
  }
  const database = await openDatabase({ url: config.databaseUrl, schema: config.databaseSchema });
  try {
    if (options.migrate !== false) await migrateToLatest(database);
    const wrapKey = deriveSubkey(masterKey.key, 'data-key-wrap');
    await ensureDataKey(database.db, wrapKey, clock.now());
    const pii = new PiiCipher(() => loadDataKeys(database.db, wrapKey));
    await pii.reload();
    const rateLimiter = await createRateLimiter(config, clock);
    const closeHooks: (() => Promise<void>)[] = [];
    return {
      config,
      db: database.db,
      dialect: database.dialect,
      database,
      log,
      clock,
      masterKeySource: masterKey.source,
      crypto: {
        pii,
        wrapKey,
        blindIndexKey: deriveSubkey(masterKey.key, 'blind-index'),
        auditKey: deriveSubkey(masterKey.key, 'audit-chain'),
        memberJwtKey: deriveSubkey(masterKey.key, 'member-jwt'),
        operatorJwtKey: deriveSubkey(masterKey.key, 'operator-jwt'),
      },
      rateLimiter,
      onClose(hook) {
        closeHooks.push(hook);
      },
      async close() {
        for (const hook of closeHooks.splice(0)) {
          try {
            await hook();
          } catch (error) {
            log.error({ err: error }, 'a close hook failed');
          }
        }
        await rateLimiter.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function createRateLimiter(config: Config, clock: Clock): Promise<RateLimiter> {
  if (!config.redisUrl) return new MemoryRateLimiter(() => clock.now());
  const { Redis } = await import('ioredis');
  return new RedisRateLimiter(new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }));
}
