import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { type AppContext, createContext } from '../../src/context.ts';

export const BENCH_API_KEY = 'bench-key-0123456789abcdefghijklmnop';

/** A Membrain server on a fresh SQLite file in a temp folder, listening on a free port. */
export async function startBenchServer(): Promise<{
  ctx: AppContext;
  app: FastifyInstance;
  url: string;
  dir: string;
  /** Closes the server and the database and deletes the temp folder. */
  stop: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'membrain-bench-'));
  const config = loadConfig({
    env: {},
    overrides: {
      databaseUrl: `sqlite:${join(dir, 'bench.db')}`,
      dataDir: dir,
      logLevel: 'warn',
      demo: { enabled: false },
      bootstrap: { apiKey: BENCH_API_KEY },
    },
  });
  const ctx = await createContext(config);
  const app = await buildApp(ctx, { docs: false });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const stop = async () => {
    await app.close();
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { ctx, app, url, dir, stop };
}

/** The reference: a bare Fastify route that returns a constant JSON object. */
export async function startBareServer(): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  app.get('/constant', async () => ({ id: 'm-1', status: 'active', region: '上海' }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}
