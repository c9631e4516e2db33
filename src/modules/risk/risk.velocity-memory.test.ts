import { describe, expect, it } from 'vitest';
import {
  VELOCITY_WINDOW_ORDER,
  VELOCITY_WINDOWS,
  type VelocityObservation,
  type VelocityStats,
  type VelocityStore,
} from './risk.velocity.ts';
import { VelocityKeyLog } from './risk.velocity-key-log.ts';
import { createMemoryVelocityStore } from './risk.velocity-memory.ts';
import { deterministicSteps, ReferenceVelocityStore } from './risk.velocity-reference.testing.ts';

// The memory store's own bounds; the behaviour both stores share is in risk.velocity.test.ts.
const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

async function observeOne(
  store: VelocityStore,
  observation: VelocityObservation,
  at: number,
): Promise<VelocityStats> {
  const [stats] = await store.observe([observation], at);
  return stats as VelocityStats;
}

async function peekOne(
  store: VelocityStore,
  observation: VelocityObservation,
  at: number,
): Promise<VelocityStats> {
  const [stats] = await store.peek([observation], at);
  return stats as VelocityStats;
}

describe('the memory velocity store bounds', () => {
  it('forgets the least recently observed key beyond maxKeys, and a peek does not count as use', async () => {
    const store = createMemoryVelocityStore({ maxKeys: 2 });
    await observeOne(store, { key: 'a' }, T0);
    await observeOne(store, { key: 'b' }, T0);
    await observeOne(store, { key: 'a' }, T0 + 1);
    await peekOne(store, { key: 'b' }, T0 + 2);
    await observeOne(store, { key: 'c' }, T0 + 3);
    expect((await peekOne(store, { key: 'b' }, T0 + 4))['1m'].count).toBe(0);
    expect((await peekOne(store, { key: 'a' }, T0 + 4))['1m'].count).toBe(2);
    expect((await peekOne(store, { key: 'c' }, T0 + 4))['1m'].count).toBe(1);
  });

  it('collects values that fall out of retention without mixing up the values that remain', async () => {
    const store = createMemoryVelocityStore();
    const reference = new ReferenceVelocityStore();
    for (let i = 0; i < 600; i++) {
      // Values come back after 200 h (past the 7 d retention), or after 7 h, or never.
      const value = i % 3 === 0 ? `m${i % 200}` : i % 3 === 1 ? `n${i % 7}` : `once${i}`;
      const observation = { key: 'device', amount: i, value };
      const at = T0 + i * HOUR + (i % 5) * MINUTE;
      expect(await store.observe([observation], at)).toEqual(reference.observe([observation], at));
    }
  });

  it('refuses limits it cannot honour', () => {
    expect(() => createMemoryVelocityStore({ maxKeys: 0 })).toThrow(RangeError);
    expect(() => createMemoryVelocityStore({ maxEventsPerKey: 10 })).toThrow(RangeError);
  });
});

describe('a key log over maxEventsPerKey', () => {
  const limits = { retentionMs: 7 * DAY, maxEntries: 64 };

  it('stays bounded, keeps totals and valueSeenBefore exact, and only overcounts near window edges', () => {
    const log = new VelocityKeyLog();
    const reference = new ReferenceVelocityStore();
    const recorded: { time: number; amount: number }[] = [];
    let at = T0;
    for (const [i, step] of deterministicSteps(7, 3000, 200_000).entries()) {
      at += step;
      const observation = { key: 'ip', amount: i % 97, value: `m${i % 50}` };
      const stats = log.observe(at, observation.amount, observation.value, limits);
      const [expected] = reference.observe([observation], at);
      recorded.push({ time: at, amount: observation.amount });
      expect(log.length).toBeLessThanOrEqual(limits.maxEntries);
      expect(stats.valueSeenBefore).toBe(expected?.valueSeenBefore);
    }
    const final = log.peek(at, undefined, limits.retentionMs);
    const since = (lower: number) =>
      recorded.filter((r) => r.time > lower && r.time > at - limits.retentionMs);
    for (const window of VELOCITY_WINDOW_ORDER) {
      // Merged buckets are at most a day wide: a window gains at most the day before its edge.
      const exact = since(at - VELOCITY_WINDOWS[window]);
      const widened = since(at - VELOCITY_WINDOWS[window] - DAY);
      expect(final[window].count).toBeGreaterThanOrEqual(exact.length);
      expect(final[window].count).toBeLessThanOrEqual(widened.length);
      expect(final[window].sum).toBeGreaterThanOrEqual(exact.reduce((total, r) => total + r.amount, 0));
    }
    // The newest quarter of the limit stays raw, and here it spans more than a minute.
    expect(final['1m']).toEqual(reference.peek([{ key: 'ip' }], at)[0]?.['1m']);
    expect(final['7d'].count).toBeGreaterThan(final['24h'].count);
  });
});
