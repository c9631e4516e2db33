import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { ingestEvents } from '../events/index.ts';
import { ExposureLog, exposureLog, FLUSH_ROWS, flushExposures } from './recommendations.exposure-log.ts';
import type { ServedList } from './recommendations.feedback.ts';

const list = (id: string, memberId = 'x-1'): ServedList => ({
  id,
  memberId,
  surface: 'member',
  modelId: 'mdl_x',
  variant: null,
  strategy: 'online',
  itemIds: ['i1', 'i2'],
  servedAt: Date.UTC(2026, 0, 15, 11),
});

const servedCount = async (db: Database, prefix: string) =>
  (await db.selectFrom('recommendationsServed').select('id').where('id', 'like', `${prefix}%`).execute())
    .length;

describe.each(testDatabases())('exposure log on $name', (database) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(database, { config: { events: { autoCreateMembers: true } } });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('writes a full batch at once, without waiting for the timer', async () => {
    const log = exposureLog(ctx);
    for (let i = 0; i < FLUSH_ROWS; i++) log.add(list(`rec_full${String(i).padStart(4, '0')}`));
    expect(log.has('rec_full0000')).toBe(true);
    await log.flush(); // waits for the write already started; the queue itself is empty
    expect(await servedCount(ctx.db, 'rec_full')).toBe(FLUSH_ROWS);
    expect(log.has('rec_full0000')).toBe(false);
  });

  it('stores the queued list before the feedback of an event that names it', async () => {
    exposureLog(ctx).add(list('rec_queued', 'x-2'));
    await ingestEvents(ctx, [
      {
        id: 'x-e1',
        type: 'view',
        memberId: 'x-2',
        itemId: 'i2',
        occurredAt: '2026-01-15T11:30:00Z',
        properties: { recommendationId: 'rec_queued' },
      },
    ]);
    const feedback = await ctx.db
      .selectFrom('recommendationFeedback')
      .select(['eventId', 'itemId', 'type'])
      .where('recommendationId', '=', 'rec_queued')
      .execute();
    expect(feedback).toEqual([{ eventId: 'x-e1', itemId: 'i2', type: 'view' }]);
  });

  it('keeps the rows of a failed write and writes them on the next flush', async () => {
    let failures = 1;
    const errors: number[] = [];
    // The database refuses the first insert (as when it is briefly unreachable).
    const flaky = new Proxy(ctx.db, {
      get(target, property) {
        if (property === 'insertInto' && failures > 0) {
          failures--;
          return () => {
            throw new Error('connection refused');
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const log = new ExposureLog(flaky, (_error, rows) => errors.push(rows));
    log.add(list('rec_retry1'));
    log.add(list('rec_retry2'));
    await log.flush();
    expect(errors).toEqual([2]);
    expect(await servedCount(ctx.db, 'rec_retry')).toBe(0);
    expect(log.has('rec_retry1')).toBe(true);
    await log.flush();
    expect(await servedCount(ctx.db, 'rec_retry')).toBe(2);
    expect(log.has('rec_retry1')).toBe(false);
  });

  it('flushExposures writes what this process queued', async () => {
    exposureLog(ctx).add(list('rec_flushme'));
    await flushExposures(ctx.db);
    expect(await servedCount(ctx.db, 'rec_flushme')).toBe(1);
  });
});

describe('exposure log at close', () => {
  const dir = mkdtempSync(join(tmpdir(), 'membrain-exposure-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the queue when the context closes', async () => {
    const database = { name: 'sqlite' as const, url: `sqlite:${join(dir, 'shop.db')}` };
    const first = await createTestContext(database, { config: { dataDir: dir } });
    exposureLog(first).add(list('rec_atclose'));
    await first.close();
    const again = await createTestContext(database, { config: { dataDir: dir } });
    try {
      expect(await servedCount(again.db, 'rec_atclose')).toBe(1);
    } finally {
      await again.close();
    }
  });
});
