// The online feature store behind real-time risk decisions: sliding-window velocity per key
// (member, device, IP, payment fingerprint, shipping address …). The decision engine chooses the
// key names; this file only fixes the contract both stores (memory, Redis) implement.

/** The sliding windows every key is counted over. */
export type VelocityWindow = '1m' | '1h' | '24h' | '7d';

/** Window lengths in milliseconds. */
export const VELOCITY_WINDOWS: Readonly<Record<VelocityWindow, number>> = Object.freeze({
  '1m': 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
});

/** The windows from shortest to longest: stores fill stats in this order (each window nests in the next). */
export const VELOCITY_WINDOW_ORDER: readonly VelocityWindow[] = Object.freeze(['1m', '1h', '24h', '7d']);

/** The longest window; also the default and the minimum retention. */
export const LONGEST_VELOCITY_WINDOW_MS = VELOCITY_WINDOWS['7d'];

/** One thing that happened, counted under one key. */
export interface VelocityObservation {
  /** e.g. `ip:1.2.3.4:order`; the engine chooses key names. */
  key: string;
  /** Summed per window (e.g. order value in minor units); default 0. */
  amount?: number;
  /** Counted distinct per window (e.g. the member id on a device key). */
  value?: string;
}

/** Counts, sums and distinct values of one key in one window. */
export interface WindowStats {
  count: number;
  sum: number;
  distinct: number;
}

/**
 * A key's stats as of a time `at`: observation t counts in window w iff `at − w < t ≤ at`.
 * Observations later than `at` (arrived earlier, but happened later) do not count.
 */
export type VelocityStats = Record<VelocityWindow, WindowStats> & {
  /** Whether `value` had been seen on this key before this observation (within retention). */
  valueSeenBefore: boolean;
  /** Epoch ms of the first observation of the key still retained, or null. */
  firstSeenAt: number | null;
};

/**
 * Records observations and answers sliding-window velocity. Retention: a key keeps an observation
 * while its time is later than the key's latest observation minus `retentionMs`.
 *
 * @example
 * const [ip, device] = await store.observe(
 *   [{ key: `ip:${ip}:order`, amount: 12999, value: memberId }, { key: `device:${deviceId}`, value: memberId }],
 *   Date.now(),
 * );
 * if (ip['1m'].count > 5 || !device.valueSeenBefore) review();
 */
export interface VelocityStore {
  /** Records the observations at time `at` and returns each one's stats as of `at`, the new observation included. Atomic per key (Redis: one Lua script per call or a pipeline of scripts). */
  observe(observations: readonly VelocityObservation[], at: number): Promise<VelocityStats[]>;
  /** The same stats without recording anything (for backtests and dashboards). */
  peek(observations: readonly VelocityObservation[], at: number): Promise<VelocityStats[]>;
  close(): Promise<void>;
}

/** Checks a retention option: a whole number of ms no shorter than the longest window. */
export function resolveRetentionMs(retentionMs: number | undefined): number {
  const value = retentionMs ?? LONGEST_VELOCITY_WINDOW_MS;
  if (!Number.isSafeInteger(value) || value < LONGEST_VELOCITY_WINDOW_MS) {
    throw new RangeError(
      `retentionMs must be an integer ≥ ${LONGEST_VELOCITY_WINDOW_MS} (7 d), got ${value}`,
    );
  }
  return value;
}

/** Checks a call's time: stores compare times exactly, so it must be a finite integer (epoch ms). */
export function assertObservationTime(at: number): void {
  if (!Number.isSafeInteger(at)) throw new RangeError(`at must be an integer epoch ms, got ${at}`);
}

/** Checks an amount: finite, so sums stay finite. */
export function resolveAmount(amount: number | undefined): number {
  const value = amount ?? 0;
  if (!Number.isFinite(value)) throw new RangeError(`amount must be finite, got ${value}`);
  return value;
}

/** Checks a per-key bound: at least 64, so a merge always leaves room for a quarter of raw entries. */
export function resolveMaxEventsPerKey(maxEventsPerKey: number | undefined): number {
  const value = maxEventsPerKey ?? 1024;
  if (!Number.isSafeInteger(value) || value < 64) {
    throw new RangeError(`maxEventsPerKey must be an integer ≥ 64, got ${value}`);
  }
  return value;
}
