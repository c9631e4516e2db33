import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { createTestContext, type TestContext, testDatabases } from '../testing/test-context.ts';

const INDEX =
  '<!doctype html><html><body><div id="root"></div><script src="/assets/x.js"></script></body></html>';
const SCRIPT = 'console.log("dashboard");';
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe.each(testDatabases())('serving the dashboard on %s', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'membrain-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'x.js'), SCRIPT);
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false, webDist: dist });
  });
  afterAll(async () => {
    await app.close();
    await ctx.close();
    rmSync(dist, { recursive: true, force: true });
  });

  describe('files of the build', () => {
    it('serves index.html at / and asks browsers to revalidate it', async () => {
      const res = await app.inject({ method: 'GET', url: '/', headers: HTML });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe(INDEX);
    });

    it('serves hashed assets with a year-long immutable cache header', async () => {
      const res = await app.inject({ method: 'GET', url: '/assets/x.js' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.body).toBe(SCRIPT);
    });

    it('serves other top-level files without the long cache', async () => {
      const res = await app.inject({ method: 'GET', url: '/favicon.svg' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
    });
  });

  describe('client-side routes', () => {
    it('answers a browser navigating to a dashboard page with index.html', async () => {
      const res = await app.inject({ method: 'GET', url: '/members/abc?tab=events', headers: HTML });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe(INDEX);
    });

    it('does not answer a script or API client asking for a missing file with the page', async () => {
      const res = await app.inject({ method: 'GET', url: '/assets/missing.js', headers: { accept: '*/*' } });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'REQUEST_NOT_FOUND' } });
    });

    it('does not answer other methods with the page', async () => {
      const res = await app.inject({ method: 'POST', url: '/members/abc', headers: HTML, payload: {} });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'REQUEST_NOT_FOUND' } });
    });
  });

  describe('after a rebuild', () => {
    it('serves an asset written after start-up, with the long cache header', async () => {
      writeFileSync(join(dist, 'assets', 'late-abc123.js'), 'console.log("rebuilt");');
      const res = await app.inject({ method: 'GET', url: '/assets/late-abc123.js' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.body).toBe('console.log("rebuilt");');
    });

    it('never serves a file outside the build folder', async () => {
      const secret = join(dist, '..', `outside-${Date.now()}.txt`);
      writeFileSync(secret, 'secret');
      try {
        for (const url of [
          `/..%2f${secret.split('/').pop()}`,
          `/assets/..%2f..%2f${secret.split('/').pop()}`,
        ]) {
          const res = await app.inject({ method: 'GET', url, headers: { accept: '*/*' } });
          expect(res.statusCode, url).not.toBe(200);
          expect(res.body, url).not.toContain('secret');
        }
      } finally {
        rmSync(secret, { force: true });
      }
    });
  });

  describe('server paths keep their own answers', () => {
    it('keeps the JSON 404 for unknown API routes, even for a browser', async () => {
      for (const url of ['/v1/nope', '/v1', '/docs/anything', '/metrics/x']) {
        const res = await app.inject({ method: 'GET', url, headers: HTML });
        expect(res.statusCode, url).toBe(404);
        expect(res.headers['content-type'], url).toMatch(/^application\/json/);
        expect(res.json(), url).toMatchObject({ error: { code: 'REQUEST_NOT_FOUND' } });
      }
    });

    it('still answers the API, health and OpenAPI routes', async () => {
      expect((await app.inject({ method: 'GET', url: '/healthz', headers: HTML })).json()).toEqual({
        status: 'ok',
      });
      const api = await app.inject({ method: 'GET', url: '/v1/operators/me', headers: HTML });
      expect(api.statusCode).toBe(401);
      const openapi = await app.inject({ method: 'GET', url: '/openapi.json', headers: HTML });
      expect(openapi.json()).toHaveProperty('openapi');
    });
  });

  describe('without a build', () => {
    it('serves no page when the folder holds no index.html', async () => {
      const empty = mkdtempSync(join(tmpdir(), 'membrain-web-empty-'));
      const bare = await buildApp(ctx, { docs: false, webDist: empty });
      try {
        const res = await bare.inject({ method: 'GET', url: '/', headers: HTML });
        expect(res.statusCode).toBe(404);
        expect(res.json()).toMatchObject({ error: { code: 'REQUEST_NOT_FOUND' } });
      } finally {
        await bare.close();
        rmSync(empty, { recursive: true, force: true });
      }
    });
  });
});
