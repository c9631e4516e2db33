// A large synthetic shop for the member-intelligence benches (profiles, value, segments,
// clusters): one SQLite file, built once with raw prepared statements and reused while its stamp
// matches. Behaviour is generated day by day over two years, so a member's events are scattered
// through the events table as real ingestion leaves them.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../../src/config.ts';
import { type AppContext, createContext } from '../../src/context.ts';
import { createJob, runJob } from '../../src/modules/jobs/index.ts';
import { writeShop } from './million-shop-behaviour.ts';

export { memberIdOf } from './million-shop-behaviour.ts';

/** Bump when the generator changes: files with another stamp are rebuilt. */
export const MILLION_SHOP_VERSION = 1;

export interface MillionShopOptions {
  /** The SQLite file to create or reuse. */
  path: string;
  /** Members (default 1,000,000); events are about six per member. */
  members?: number;
  /** Seed of the generator (default 20261204). */
  seed?: number;
  /** Also fill member_profiles with the `profiles.rebuild` job (default false). */
  profiles?: boolean;
  /** Progress lines (default console.log). */
  log?: (line: string) => void;
}

export interface MillionShop {
  path: string;
  members: number;
  items: number;
  events: number;
  /** Epoch ms the data ends at: "now" for the shop (events are before it). */
  now: number;
  seed: number;
  profiles: boolean;
  /** True when an existing file with a matching stamp was reused. */
  reused: boolean;
  buildSeconds: number;
}

const stampPath = (path: string) => `${path}.stamp.json`;

function readStamp(path: string): MillionShop | null {
  if (!existsSync(path) || !existsSync(stampPath(path))) return null;
  try {
    return JSON.parse(readFileSync(stampPath(path), 'utf8')) as MillionShop & { version: number };
  } catch {
    return null;
  }
}

async function openShop(path: string): Promise<AppContext> {
  const config = loadConfig({
    env: {},
    overrides: {
      databaseUrl: `sqlite:${path}`,
      masterKey: '5a'.repeat(32),
      logLevel: 'warn',
      demo: { enabled: false },
    },
  });
  // Migrates to the latest schema on open, so an older file gains new tables.
  return createContext(config);
}

/**
 * Creates, or reuses when its stamp (`<path>.stamp.json`: version, members, seed) matches, a
 * SQLite shop at `path`: `members` members (ids `m-0000000`… in registration order, with
 * region, gender and channel), 20,000 items in 12 categories with brands and CNY prices, and
 * about six events per member over the two years before `now`: sessions of login, views, searches,
 * cart additions, favourites, paid orders (CNY, item, quantity, price) with coupon uses, reviews
 * with ratings days later, refunds (5% of orders), shares; channel app/web/mini with matching
 * user agents or device ids. Activity is skewed (a few members are very active) and each member
 * prefers a category. With `profiles: true` the `profiles.rebuild` job fills member_profiles.
 * Daily stats, points and tiers are not filled.
 * @example const shop = await ensureMillionShop({ path: 'data/bench/shop-1m.db', profiles: true });
 */
export async function ensureMillionShop(options: MillionShopOptions): Promise<MillionShop> {
  const members = options.members ?? 1_000_000;
  const seed = options.seed ?? 20261204;
  const log = options.log ?? ((line: string) => console.log(line));
  const stamp = readStamp(options.path) as (MillionShop & { version: number }) | null;
  const matches = stamp?.version === MILLION_SHOP_VERSION && stamp.members === members && stamp.seed === seed;
  if (matches && (stamp.profiles || !options.profiles)) return { ...stamp, reused: true };
  const started = performance.now();
  if (!matches)
    for (const p of [options.path, `${options.path}-wal`, `${options.path}-shm`]) rmSync(p, { force: true });
  const ctx = await openShop(options.path);
  try {
    const shop = matches ? stamp : await generate(ctx, options.path, members, seed, log);
    if (options.profiles) await rebuildProfiles(ctx, log);
    const result = {
      ...shop,
      profiles: shop.profiles || options.profiles === true,
      reused: false,
      buildSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    };
    writeFileSync(
      stampPath(options.path),
      `${JSON.stringify({ version: MILLION_SHOP_VERSION, ...result }, null, 2)}\n`,
    );
    return result;
  } finally {
    await ctx.close();
  }
}

async function rebuildProfiles(ctx: AppContext, log: (line: string) => void): Promise<void> {
  const job = await createJob(ctx, 'profiles.rebuild', {}, 'bench');
  const started = performance.now();
  const done = await runJob(ctx, job.id);
  if (done?.status !== 'succeeded') throw new Error(`profiles.rebuild ended ${done?.status}: ${done?.error}`);
  log(`profiles rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function generate(
  ctx: AppContext,
  path: string,
  members: number,
  seed: number,
  log: (line: string) => void,
): Promise<MillionShop> {
  const built = writeShop(ctx.database.sqlite as BetterSqlite3.Database, members, seed, log);
  log(`million-shop: ${built.events.toLocaleString('en')} events written to ${path}`);
  return { path, members, ...built, seed, profiles: false, reused: false, buildSeconds: 0 };
}
