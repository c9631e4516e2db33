import { describe, expect, it } from 'vitest';
import {
  computeFeatures,
  FEATURE_CATALOGUE,
  type FeatureSources,
  normaliseAddress,
} from './risk.features.ts';
import type { RiskCheckInput } from './risk.types.ts';
import type { VelocityObservation } from './risk.velocity.ts';
import { createMemoryVelocityStore } from './risk.velocity-memory.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 15, 12);

function sources(overrides: Partial<FeatureSources> = {}): FeatureSources & { keys: string[] } {
  const velocity = createMemoryVelocityStore();
  const keys: string[] = [];
  return {
    velocity: {
      observe: (o: readonly VelocityObservation[], at: number) => {
        keys.push(...o.map((x) => x.key));
        return velocity.observe(o, at);
      },
      peek: (o: readonly VelocityObservation[], at: number) => velocity.peek(o, at),
      close: () => velocity.close(),
    },
    hashKey: Buffer.alloc(32, 7),
    ipCountry: (ip) => (ip.startsWith('10.') ? 'CN' : null),
    member: async (id) =>
      id === 'known' ? { registeredAt: NOW - 48 * HOUR, orders: 4, revenue: 40_000, refunds: 1 } : null,
    keys,
    ...overrides,
  };
}

const redeem = (points: number): RiskCheckInput => ({
  action: 'redeem',
  memberId: 'known',
  points,
  context: {},
});

describe('risk features', () => {
  it('fills every catalogue feature, null where the request cannot tell', async () => {
    const f = await computeFeatures({ action: 'login', context: {} }, NOW, sources());
    expect(Object.keys(f).sort()).toEqual(Object.keys(FEATURE_CATALOGUE).sort());
    expect(f['account.known']).toBe(0);
    expect(f['device.members.7d']).toBeNull();
    expect(f['ip.country']).toBeNull();
  });

  it('relates the amount to the member’s usual order and reads the history', async () => {
    const f = await computeFeatures(
      {
        action: 'order',
        memberId: 'known',
        amount: { amount: 60_000, currency: 'CNY' },
        context: { ip: '10.0.0.2', country: 'US' },
      },
      NOW,
      sources(),
    );
    expect(f).toMatchObject({
      'account.known': 1,
      'account.ageHours': 48,
      'member.orders': 4,
      'member.avgOrderValue': 10_000,
      'member.refundRate': 0.25,
      'amount.toUsual': 6,
      'ip.country': 'CN',
      'country.mismatch': 1,
      'member.actions.1m': 1,
      'member.amount.24h': 60_000,
    });
  });

  it('compares a redemption with the member’s daily average before it', async () => {
    const s = sources();
    expect((await computeFeatures(redeem(700), NOW - 3 * 24 * HOUR, s))['redeem.toDailyAverage']).toBeNull();
    // 700 points over the 7 days before: 100 a day; 1,000 now is 10 times that.
    expect((await computeFeatures(redeem(1000), NOW, s))['redeem.toDailyAverage']).toBeCloseTo(10, 10);
  });

  it('peeks without recording when asked', async () => {
    const s = sources();
    const input: RiskCheckInput = { action: 'login', memberId: 'known', context: { deviceId: 'd1' } };
    await computeFeatures(input, NOW, s, { record: false });
    const f = await computeFeatures(input, NOW + 1, s);
    expect(f['member.actions.1h']).toBe(1);
    expect(f['device.newForMember']).toBe(1);
    expect((await computeFeatures(input, NOW + 2, s))['device.newForMember']).toBe(0);
  });

  it('keys velocity by keyed hashes, never by the identifiers themselves', async () => {
    const s = sources();
    await computeFeatures(
      {
        action: 'order',
        memberId: 'known',
        amount: { amount: 1, currency: 'CNY' },
        context: {
          ip: '10.1.2.3',
          deviceId: 'device-abc',
          paymentFingerprint: 'card-xyz',
          shippingAddress: 'Room 5, 1 Main St',
        },
      },
      NOW,
      s,
    );
    expect(s.keys.length).toBeGreaterThanOrEqual(9);
    for (const key of s.keys)
      for (const secret of ['known', '10.1.2.3', 'device-abc', 'card-xyz', 'Main'])
        expect(key).not.toContain(secret);
    expect(normaliseAddress(' Room 5,  1 MAIN St. ')).toBe(normaliseAddress('room 5 1 main st'));
  });
});
