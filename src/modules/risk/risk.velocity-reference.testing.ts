// A brute-force velocity store for tests: keeps every observation in a list and recomputes each
// answer from the definitions, so the real stores are checked against the semantics, not themselves.
import {
  LONGEST_VELOCITY_WINDOW_MS,
  VELOCITY_WINDOW_ORDER,
  VELOCITY_WINDOWS,
  type VelocityObservation,
  type VelocityStats,
} from './risk.velocity.ts';

interface Recorded {
  time: number;
  amount: number;
  value: string | undefined;
}

/** The velocity semantics spelled out: O(observations) per answer, no bounds. */
export class ReferenceVelocityStore {
  private readonly keys = new Map<string, { latest: number; recorded: Recorded[] }>();

  constructor(private readonly retentionMs = LONGEST_VELOCITY_WINDOW_MS) {}

  observe(observations: readonly VelocityObservation[], at: number): VelocityStats[] {
    return observations.map(({ key, amount, value }) => {
      const state = this.keys.get(key) ?? { latest: Number.NEGATIVE_INFINITY, recorded: [] };
      this.keys.set(key, state);
      state.latest = Math.max(state.latest, at);
      const cutoff = state.latest - this.retentionMs;
      state.recorded = state.recorded.filter((r) => r.time > cutoff);
      const seen = this.seenBefore(state.recorded, value, at);
      if (at > cutoff) state.recorded.push({ time: at, amount: amount ?? 0, value });
      return statsOf(state.recorded, at, seen);
    });
  }

  peek(observations: readonly VelocityObservation[], at: number): VelocityStats[] {
    return observations.map(({ key, value }) => {
      const state = this.keys.get(key) ?? { latest: Number.NEGATIVE_INFINITY, recorded: [] };
      const cutoff = Math.max(state.latest, at) - this.retentionMs;
      const retained = state.recorded.filter((r) => r.time > cutoff);
      return statsOf(retained, at, this.seenBefore(retained, value, at));
    });
  }

  private seenBefore(retained: Recorded[], value: string | undefined, at: number): boolean {
    return value !== undefined && retained.some((r) => r.value === value && r.time <= at);
  }
}

function statsOf(retained: Recorded[], at: number, valueSeenBefore: boolean): VelocityStats {
  const upToNow = retained.filter((r) => r.time <= at);
  const stats = {
    valueSeenBefore,
    firstSeenAt: upToNow.length === 0 ? null : Math.min(...upToNow.map((r) => r.time)),
  } as VelocityStats;
  for (const window of VELOCITY_WINDOW_ORDER) {
    const inWindow = upToNow.filter((r) => r.time > at - VELOCITY_WINDOWS[window]);
    stats[window] = {
      count: inWindow.length,
      sum: inWindow.reduce((total, r) => total + r.amount, 0),
      distinct: new Set(inWindow.filter((r) => r.value !== undefined).map((r) => r.value)).size,
    };
  }
  return stats;
}

/** Deterministic pseudo-random steps in [0, maxStep) (Park–Miller), so a scenario is the same every run. */
export function deterministicSteps(seed: number, count: number, maxStep: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 48_271) % 0x7fffffff;
    return state % maxStep;
  });
}
