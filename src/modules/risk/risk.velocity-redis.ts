// The shared velocity store (when REDIS_URL is set): every API replica counts the same attempts.
// Per velocity key, two sorted sets and a counter under one hash tag (so a cluster keeps them in one
// slot); one Lua script per key, all of a call's scripts in one pipeline: one round trip per call.
import type { Redis } from 'ioredis';
import {
  assertObservationTime,
  resolveAmount,
  resolveMaxEventsPerKey,
  resolveRetentionMs,
  VELOCITY_WINDOW_ORDER,
  VELOCITY_WINDOWS,
  type VelocityObservation,
  type VelocityStats,
  type VelocityStore,
} from './risk.velocity.ts';
import { VELOCITY_LUA } from './risk.velocity-redis-script.ts';

/** Where the store keeps its keys. */
export interface RedisVelocityStoreOptions {
  /** Prepended to every Redis key, so tests and tenants do not collide; default `membrain:velocity:`. */
  prefix?: string;
  /** How long a key remembers an observation, back from its latest one; default and minimum 7 d. */
  retentionMs?: number;
  /** Entries (and distinct values) per key before its oldest are merged, as in memory; default 1024. */
  maxEventsPerKey?: number;
}

const COMMAND = 'membrainVelocity';
const WINDOW_ARGS = VELOCITY_WINDOW_ORDER.map((w) => String(VELOCITY_WINDOWS[w]));

type ScriptArgs = [string, string, string, ...string[]];
interface VelocityPipeline {
  membrainVelocity(...args: ScriptArgs): VelocityPipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/**
 * The Redis store. The client belongs to the caller: `close()` leaves it connected.
 *
 * @example
 * const store = createRedisVelocityStore(new Redis(url), { prefix: 'membrain:risk:shop1:', retentionMs: 30 * 86_400_000 });
 */
export function createRedisVelocityStore(
  redis: Redis,
  options: RedisVelocityStoreOptions = {},
): VelocityStore {
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 3, lua: VELOCITY_LUA });
  const maxEntries = resolveMaxEventsPerKey(options.maxEventsPerKey);
  const retentionMs = resolveRetentionMs(options.retentionMs);
  return new RedisVelocityStore(redis, options.prefix ?? 'membrain:velocity:', retentionMs, maxEntries);
}

class RedisVelocityStore implements VelocityStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionMs: number,
    private readonly maxEntries: number,
  ) {}

  observe(observations: readonly VelocityObservation[], at: number): Promise<VelocityStats[]> {
    return this.run(observations, at, true);
  }

  peek(observations: readonly VelocityObservation[], at: number): Promise<VelocityStats[]> {
    return this.run(observations, at, false);
  }

  async close(): Promise<void> {}

  private async run(
    observations: readonly VelocityObservation[],
    at: number,
    record: boolean,
  ): Promise<VelocityStats[]> {
    assertObservationTime(at);
    if (observations.length === 0) return [];
    const amounts = observations.map((observation) => resolveAmount(observation.amount));
    const pipeline = this.redis.pipeline() as unknown as VelocityPipeline;
    observations.forEach((observation, i) => {
      // The hash tag {key} keeps a key's three Redis keys in one cluster slot, as a script needs.
      const base = `${this.prefix}{${observation.key}}`;
      pipeline.membrainVelocity(
        `${base}:e`,
        `${base}:v`,
        `${base}:n`,
        record ? '1' : '0',
        String(at),
        String(amounts[i]),
        observation.value === undefined ? '0' : '1',
        observation.value ?? '',
        String(this.retentionMs),
        ...WINDOW_ARGS,
        String(this.maxEntries),
      );
    });
    const replies = await pipeline.exec();
    if (replies === null) throw new Error('velocity pipeline was discarded');
    return replies.map(([error, reply]) => {
      if (error) throw error;
      return parseReply(reply as string[]);
    });
  }
}

function parseReply(reply: string[]): VelocityStats {
  const stats = {
    valueSeenBefore: reply[12] === '1',
    firstSeenAt: reply[13] ? Number(reply[13]) : null,
  } as VelocityStats;
  VELOCITY_WINDOW_ORDER.forEach((window, i) => {
    stats[window] = {
      count: Number(reply[i * 3]),
      sum: Number(reply[i * 3 + 1]),
      distinct: Number(reply[i * 3 + 2]),
    };
  });
  return stats;
}
