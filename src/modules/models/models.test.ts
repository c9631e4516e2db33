import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { apiKeyWithScopes, bearer, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { getJob } from '../jobs/index.ts';
import { activeModels, findModel, latestActiveModel, saveModel, saveModelSet } from './index.ts';

type Headers = { authorization: string };

describe.each(testDatabases())('model registry on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let admin: Headers;
  let analyst: Headers;

  beforeEach(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false, webDist: false });
    admin = bearer((await operatorToken(ctx, 'admin')).token);
    analyst = bearer((await operatorToken(ctx, 'analyst')).token);
  });
  afterEach(async () => {
    await app?.close();
    await ctx?.close();
  });

  const save = (kind: string, n: number) =>
    saveModel(ctx, {
      kind,
      dataThrough: ctx.clock.now(),
      params: { n },
      metrics: { auc: 0.5 + n / 100 },
      artifact: '{"big":true}',
    });

  it('retires the previous active model of the same kind when a new one is saved', async () => {
    const first = await save('value', 1);
    ctx.clock.advance(1000);
    const second = await save('value', 2);
    const other = await save('other', 3);
    expect((await findModel(ctx.db, first.id))?.state).toBe('retired');
    expect((await findModel(ctx.db, second.id))?.state).toBe('active');
    expect((await findModel(ctx.db, other.id))?.state).toBe('active');
    expect((await latestActiveModel(ctx.db, 'value'))?.id).toBe(second.id);
    expect((await latestActiveModel(ctx.db, 'value'))?.artifact).toBe('{"big":true}');
  });

  it('saves the models of an experiment as one active set, retiring the set before it', async () => {
    const single = await save('set-kind', 1);
    ctx.clock.advance(1000);
    const model = (n: number) => ({
      kind: 'set-kind',
      dataThrough: ctx.clock.now(),
      params: { n },
      metrics: {},
      artifact: null,
    });
    const set = await saveModelSet(ctx, [model(2), model(3)]);
    expect((await findModel(ctx.db, single.id))?.state).toBe('retired');
    const active = await activeModels(ctx.db, 'set-kind');
    expect(active.map((m) => m.id).sort()).toEqual(set.map((m) => m.id).sort());
    await expect(saveModelSet(ctx, [model(4), { ...model(5), kind: 'other-kind' }])).rejects.toThrow(
      'exactly one kind',
    );
    expect((await activeModels(ctx.db, 'set-kind')).length).toBe(2);
  });

  it('lists models of a kind newest first, page by page, without their artifacts', async () => {
    const ids = [];
    for (let n = 0; n < 3; n++) {
      ids.push((await save('value', n)).id);
      ctx.clock.advance(1000);
    }
    await save('other', 9);
    const page1 = await app.inject({ method: 'GET', url: '/v1/models?kind=value&limit=2', headers: analyst });
    expect(page1.statusCode, page1.body).toBe(200);
    const body1 = page1.json();
    expect(body1.data.map((m: { id: string }) => m.id)).toEqual([ids[2], ids[1]]);
    expect(body1.data[0]).toEqual({
      id: ids[2],
      kind: 'value',
      state: 'active',
      createdAt: expect.any(String),
      dataThrough: expect.any(String),
      params: { n: 2 },
      metrics: { auc: 0.52 },
    });
    const page2 = await app.inject({
      method: 'GET',
      url: `/v1/models?kind=value&limit=2&cursor=${body1.nextCursor}`,
      headers: analyst,
    });
    expect(page2.json()).toMatchObject({ data: [{ id: ids[0], state: 'retired' }], nextCursor: null });
    const one = await app.inject({ method: 'GET', url: `/v1/models/${ids[0]}`, headers: analyst });
    expect(one.json()).not.toHaveProperty('artifact');
  });

  it('answers 404 MODEL_NOT_FOUND for an unknown id', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/models/mdl_nope', headers: analyst });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('MODEL_NOT_FOUND');
  });

  it('queues value.train for kind value and refuses an unknown kind', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/models/value/train',
      headers: admin,
      payload: { horizonDays: 60 },
    });
    expect(res.statusCode, res.body).toBe(202);
    const job = await getJob(ctx, res.json().jobId);
    expect(job).toMatchObject({ type: 'value.train', status: 'queued', params: { horizonDays: 60 } });
    const unknown = await app.inject({
      method: 'POST',
      url: '/v1/models/magic/train',
      headers: admin,
      payload: {},
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('MODEL_KIND_UNKNOWN');
  });

  it('requires models:manage to train and models:read to list', async () => {
    const train = await app.inject({
      method: 'POST',
      url: '/v1/models/value/train',
      headers: analyst,
      payload: {},
    });
    expect(train.statusCode).toBe(403);
    const key = bearer(await apiKeyWithScopes(ctx, ['profiles:read']));
    expect((await app.inject({ method: 'GET', url: '/v1/models', headers: key })).statusCode).toBe(403);
    const reader = bearer(await apiKeyWithScopes(ctx, ['models:read']));
    expect((await app.inject({ method: 'GET', url: '/v1/models', headers: reader })).statusCode).toBe(200);
  });
});
