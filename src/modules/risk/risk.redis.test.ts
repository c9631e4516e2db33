import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../testing/test-context.ts';
import { upsertMember } from '../members/index.ts';
import { checkRisk } from './risk.service.ts';

// With REDIS_URL set, checks count in Redis (shared by API replicas), not in process memory.
const url = process.env.MEMBRAIN_TEST_REDIS_URL;
if (!url) console.warn('risk checks on Redis skipped: set MEMBRAIN_TEST_REDIS_URL (CI sets it)');

describe.skipIf(!url)('risk checks with the velocity store in Redis', () => {
  let ctx: TestContext;
  let redis: Redis;
  // Fresh identifiers per run: Redis keeps counts between runs for the retention.
  const run = randomBytes(4).toString('hex');

  beforeAll(async () => {
    ctx = await createTestContext({ name: 'sqlite', url: 'sqlite::memory:' }, { config: { redisUrl: url } });
    for (const id of ['rd-1', 'rd-2', 'rd-3'])
      await ctx.db
        .transaction()
        .execute((trx) => upsertMember(ctx, trx, { id }, { actorType: 'system', actorId: 'test' }));
    redis = new Redis(url as string);
  });
  afterAll(async () => {
    await ctx?.close();
    const keys = await redis.keys('membrain:risk:*');
    // No other suite writes under membrain:risk: (the store's own tests use a random prefix).
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts distinct members on a device across checks, under the database’s prefix, with hashed identifiers', async () => {
    const login = (memberId: string) =>
      checkRisk(ctx, { action: 'login', memberId, context: { deviceId: `dev-${run}`, ip: '10.77.0.1' } });
    await login('rd-1');
    await login('rd-2');
    const third = await login('rd-3');
    const stored = await ctx.db
      .selectFrom('riskDecisions')
      .select('features')
      .where('id', '=', third.decisionId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stored.features)['device.members.7d']).toBe(3);
    const keys = await redis.keys('membrain:risk:*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => /^membrain:risk:[0-9a-f]{12}:/.test(k))).toBe(true);
    expect(keys.some((k) => k.includes(run) || k.includes('10.77.0.1') || k.includes('rd-1'))).toBe(false);
  });
});
