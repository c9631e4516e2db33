import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { apiKeyWithScopes, bearer, operatorToken } from '../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../testing/test-context.ts';
import { createLogger } from './logger.ts';

const email = 'leaky.logline.4417@example.net';
const phone = '13722334417';
const name = 'Wilhelmina Logcheck';

/** A pino destination that keeps every line in memory. */
function captureLines(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

describe.each(testDatabases())('what reaches the log on $name', (database) => {
  const capture = captureLines();
  let ctx: TestContext;
  let app: FastifyInstance;
  let apiKey: string;
  let operator: string;

  beforeAll(async () => {
    ctx = await createTestContext(database, { logDestination: capture.stream });
    app = await buildApp(ctx, { docs: false });
    apiKey = await apiKeyWithScopes(ctx, ['members:read', 'members:write']);
    operator = (await operatorToken(ctx, 'operator')).token;
    const requests = [
      {
        method: 'POST',
        url: '/v1/members',
        headers: bearer(apiKey),
        payload: { id: 'log-1', name, email, phone },
      },
      // A duplicate (409) and an invalid body (400) carrying the same personal data.
      { method: 'POST', url: '/v1/members', headers: bearer(apiKey), payload: { id: 'log-2', email, phone } },
      {
        method: 'POST',
        url: '/v1/members',
        headers: bearer(apiKey),
        payload: { id: 'log-3', name, email, phone: `x${phone}` },
      },
      { method: 'GET', url: `/v1/members?email=${encodeURIComponent(email)}`, headers: bearer(operator) },
      { method: 'GET', url: `/v1/members?phone=${phone}`, headers: bearer(operator) },
      {
        method: 'GET',
        url: `/v1/no-such-route?email=${encodeURIComponent(email)}&phone=${phone}`,
        headers: bearer(apiKey),
      },
      {
        method: 'PATCH',
        url: '/v1/members/log-1',
        headers: bearer(operator),
        payload: { name: `${name} II` },
      },
      // A forged token is refused with 401; it must not be echoed either.
      {
        method: 'GET',
        url: `/v1/members?email=${encodeURIComponent(email)}`,
        headers: bearer(`mk_${phone}forged`),
      },
    ] satisfies InjectOptions[];
    for (const request of requests) await app.inject(request);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('logged the requests at all (the capture works)', () => {
    expect(capture.lines.some((line) => line.includes('/v1/members'))).toBe(true);
    expect(capture.lines.some((line) => line.includes('"statusCode":409'))).toBe(true);
  });

  it('never writes an email, a phone number or a name from bodies or query strings', () => {
    for (const value of [email, encodeURIComponent(email), phone, name, 'Wilhelmina']) {
      expect(capture.lines.filter((line) => line.includes(value))).toEqual([]);
    }
  });

  it('never writes credentials', () => {
    for (const value of [apiKey, operator, 'forged']) {
      expect(capture.lines.filter((line) => line.includes(value))).toEqual([]);
    }
  });
});

describe('the logger itself', () => {
  it('redacts personal data and the Authorization header when a handler logs them by mistake', () => {
    const capture = captureLines();
    const log = createLogger('info', capture.stream);
    log.info({ email, phone, member: { name, address: '1 Main St' } }, 'oops');
    log.info(
      {
        req: {
          method: 'GET',
          url: `/v1/members?email=${email}`,
          headers: { authorization: 'Bearer secret-2' },
        },
      },
      'req',
    );
    const text = capture.lines.join('\n');
    expect(text).toContain('[redacted]');
    for (const value of [email, phone, name, '1 Main St', 'secret-2']) expect(text).not.toContain(value);
    expect(text).toContain('"url":"/v1/members"');
  });
});
