import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';

// The ingest path reads the programme settings and the active rules for every batch; they change
// a few times a day. Each process keeps them for a few seconds and drops them when it writes
// them itself, so an edit shows at once here and within CACHE_TTL_MS in other processes.

export const CACHE_TTL_MS = 5_000;

interface Slot<T> {
  value: T;
  until: number;
}

class LoyaltyCache {
  private readonly slots = new Map<string, Slot<unknown>>();

  async get<T>(key: string, now: number, load: () => Promise<T>): Promise<T> {
    const slot = this.slots.get(key);
    // A clock moved backwards (tests) also reloads.
    if (slot && now < slot.until && now >= slot.until - CACHE_TTL_MS) return slot.value as T;
    const value = await load();
    this.slots.set(key, { value, until: now + CACHE_TTL_MS });
    return value;
  }

  drop(key: string): void {
    this.slots.delete(key);
  }
}

// Keyed by the database handle: one cache per open database, gone when it is.
const caches = new WeakMap<Database, LoyaltyCache>();

function cacheOf(ctx: AppContext): LoyaltyCache {
  let cache = caches.get(ctx.db);
  if (!cache) {
    cache = new LoyaltyCache();
    caches.set(ctx.db, cache);
  }
  return cache;
}

export type CacheKey = 'programme' | 'activeRules';

/** The cached value of `key`, loaded with `load` when missing or older than CACHE_TTL_MS. */
export function cached<T>(ctx: AppContext, key: CacheKey, load: () => Promise<T>): Promise<T> {
  return cacheOf(ctx).get(key, ctx.clock.now(), load);
}

/** Forgets `key` in this process (after a write of it commits). */
export function invalidate(ctx: AppContext, key: CacheKey): void {
  cacheOf(ctx).drop(key);
}
