// The server a browser meets: the dashboard's HTML at / and on client-side routes, and the API's
// JSON errors untouched by the SPA fallback. Needs no browser, so it runs without chromium too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eServer, startServer } from './support/server.ts';

describe('server smoke', () => {
  let server: E2eServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves the dashboard HTML at / and its first-load assets', async () => {
    const res = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<div id="root">/);
    const script = html.match(/<script[^>]+src="([^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(new URL(script as string, server.url));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    // Read the body: an unread response keeps its connection busy and the server's close waiting.
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('answers a client-side route a browser navigates to with the same HTML', async () => {
    const res = await fetch(`${server.url}/members/some-member`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<div id="root">/);
  });

  it('keeps unknown API paths a JSON 404, even for a browser', async () => {
    for (const accept of ['application/json', 'text/html']) {
      const res = await fetch(`${server.url}/v1/nope`, { headers: { accept } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await res.json()) as { error?: { code?: string } };
      expect(body.error?.code).toEqual(expect.any(String));
    }
  });
});
