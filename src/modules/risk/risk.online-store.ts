import { createHash } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { VelocityStore } from './risk.velocity.ts';
import { createMemoryVelocityStore } from './risk.velocity-memory.ts';
import { createRedisVelocityStore } from './risk.velocity-redis.ts';

// One velocity store per process and database: in memory by default, in Redis when REDIS_URL is
// set, so every API replica counts the same attempts. Closed with the context. In memory, keys
// past `risk.velocityMaxKeys` are evicted least recently used first (1.5–4 KB each); a shop whose
// members outgrow it loses "new device" memory for the quietest keys, and should use Redis.

const DAY_MS = 86_400_000;
const stores = new WeakMap<Database, VelocityStore>();

export async function velocityStoreFor(ctx: AppContext): Promise<VelocityStore> {
  const existing = stores.get(ctx.db);
  if (existing) return existing;
  const retentionMs = ctx.config.risk.velocityRetentionDays * DAY_MS;
  let store: VelocityStore;
  if (ctx.config.redisUrl) {
    const { Redis } = await import('ioredis');
    const redis = new Redis(ctx.config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
    // One prefix per database (URL and schema): shops sharing a Redis never see each other's counts.
    const database = createHash('sha256')
      .update(`${ctx.config.databaseUrl}\0${ctx.config.databaseSchema ?? ''}`)
      .digest('hex')
      .slice(0, 12);
    const inner = createRedisVelocityStore(redis, { prefix: `membrain:risk:${database}:`, retentionMs });
    store = {
      observe: (o, at) => inner.observe(o, at),
      peek: (o, at) => inner.peek(o, at),
      close: async () => {
        await inner.close();
        redis.disconnect();
      },
    };
  } else {
    store = createMemoryVelocityStore({ retentionMs, maxKeys: ctx.config.risk.velocityMaxKeys });
  }
  // A concurrent first call may have won the race: keep one store.
  const winner = stores.get(ctx.db);
  if (winner) {
    await store.close();
    return winner;
  }
  stores.set(ctx.db, store);
  ctx.onClose(() => store.close());
  return store;
}
