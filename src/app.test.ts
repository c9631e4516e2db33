import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { createTestContext, type TestContext, testDatabases } from './testing/test-context.ts';

describe.each(testDatabases())('the HTTP application on %s', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;

  beforeAll(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx);
  });
  afterAll(async () => {
    await app.close();
    await ctx.close();
  });

  describe('health and metadata', () => {
    it('answers /healthz without credentials', async () => {
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    });

    it('reports ready when the database is reachable and migrated', async () => {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ready', database: 'ok', migrations: 'current' });
    });

    it('exposes Prometheus metrics with request counts and latency by route pattern', async () => {
      await app.inject({ method: 'GET', url: '/healthz' });
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('membrain_http_requests_total{method="GET",route="/healthz",status="200"}');
      expect(res.body).toContain('membrain_http_request_duration_seconds_bucket');
    });

    it('generates an OpenAPI document that lists the core routes', async () => {
      const res = await app.inject({ method: 'GET', url: '/openapi.json' });
      expect(res.statusCode).toBe(200);
      const paths = Object.keys(res.json().paths as Record<string, unknown>);
      for (const route of [
        '/v1/members',
        '/v1/members/{id}',
        '/v1/events',
        '/v1/items/{id}',
        '/v1/auth/login',
      ]) {
        expect(paths).toContain(route);
      }
    });

    it('serves the API browser at /docs', async () => {
      const res = await app.inject({ method: 'GET', url: '/docs/' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
    });
  });

  describe('errors', () => {
    it('answers an unknown route with a coded 404', async () => {
      const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?email=a@b.c' });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('REQUEST_NOT_FOUND');
      expect(res.json().error.message).not.toContain('a@b.c');
    });

    it('refuses a malformed Authorization header with 401', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/v1/members',
        headers: { authorization: 'Basic abc' },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('AUTH_INVALID_TOKEN');
    });

    it('refuses a forged bearer token with 401', async () => {
      const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiYXVkIjoibWVtYmVyIn0.c2lnbmF0dXJl';
      const res = await app.inject({
        method: 'GET',
        url: '/v1/me',
        headers: { authorization: `Bearer ${forged}` },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('AUTH_INVALID_TOKEN');
    });

    it('answers malformed JSON with REQUEST_MALFORMED_JSON', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"login": "x", ',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('REQUEST_MALFORMED_JSON');
    });

    it('answers a body over the limit with 413 before reading it all', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ events: [{ text: 'x'.repeat(2 * 1024 * 1024) }] }),
      });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('REQUEST_BODY_TOO_LARGE');
    });

    it('answers a non-JSON body with 415', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: { 'content-type': 'text/plain' },
        payload: 'login=x',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().error.code).toBe('REQUEST_UNSUPPORTED_MEDIA_TYPE');
    });
  });
});
