// The in-process velocity store (the default): a Map of key logs in least-recently-used order.
// Every call is synchronous work of O(entries of the key in the last 7 d) per key, no I/O.
import {
  assertObservationTime,
  resolveAmount,
  resolveMaxEventsPerKey,
  resolveRetentionMs,
  type VelocityObservation,
  type VelocityStats,
  type VelocityStore,
} from './risk.velocity.ts';
import { type KeyLogLimits, VelocityKeyLog } from './risk.velocity-key-log.ts';
import { LruMap } from './risk.velocity-lru.ts';

/** Bounds for the memory store. */
export interface MemoryVelocityStoreOptions {
  /** How long a key remembers an observation, back from its latest one; default and minimum 7 d. */
  retentionMs?: number;
  /** Keys kept; beyond it the least recently observed key is forgotten. Default 100 000. */
  maxKeys?: number;
  /** Entries (and distinct values) per key before its oldest are merged; default 1024, minimum 64. */
  maxEventsPerKey?: number;
}

/** The in-memory store; bounded by `maxKeys` × `maxEventsPerKey`. */
export function createMemoryVelocityStore(options: MemoryVelocityStoreOptions = {}): VelocityStore {
  const maxKeys = options.maxKeys ?? 100_000;
  const maxEntries = resolveMaxEventsPerKey(options.maxEventsPerKey);
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1)
    throw new RangeError(`maxKeys must be ≥ 1, got ${maxKeys}`);
  return new MemoryVelocityStore(maxKeys, {
    retentionMs: resolveRetentionMs(options.retentionMs),
    maxEntries,
  });
}

class MemoryVelocityStore implements VelocityStore {
  private readonly logs: LruMap<VelocityKeyLog>;

  constructor(
    maxKeys: number,
    private readonly limits: KeyLogLimits,
  ) {
    this.logs = new LruMap(maxKeys);
  }

  async observe(observations: readonly VelocityObservation[], at: number): Promise<VelocityStats[]> {
    assertObservationTime(at);
    // Check everything first, so a bad observation records none of the call.
    for (const observation of observations) resolveAmount(observation.amount);
    return observations.map((observation) =>
      this.logs
        .use(observation.key, createKeyLog)
        .observe(at, observation.amount ?? 0, observation.value, this.limits),
    );
  }

  async peek(observations: readonly VelocityObservation[], at: number): Promise<VelocityStats[]> {
    assertObservationTime(at);
    return observations.map((observation) => {
      // A peek does not refresh the key's place in the LRU order: reading is not activity.
      const log = this.logs.peek(observation.key) ?? EMPTY_LOG;
      return log.peek(at, observation.value, this.limits.retentionMs);
    });
  }

  async close(): Promise<void> {
    this.logs.clear();
  }
}

const createKeyLog = () => new VelocityKeyLog();

/** Stands in for unknown keys on peek (peek never writes to it). */
const EMPTY_LOG = new VelocityKeyLog();
