import type { Command } from 'commander';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { type AppContext, createContext } from '../context.ts';
import { prepareFirstStart } from '../first-start.ts';
import { startJobWorker } from '../modules/jobs/index.ts';
import { ensureWebBuild } from './web-build.ts';

/** Builds the dashboard when missing or stale; a failed build leaves the API serving without it. */
async function buildDashboard(ctx: AppContext): Promise<void> {
  try {
    const web = await ensureWebBuild();
    const words = { built: `built in ${web.ms} ms`, fresh: 'up to date', 'no-sources': 'not installed' };
    ctx.log.info({ dist: web.dist, status: web.status }, `dashboard ${words[web.status]}`);
  } catch (err) {
    ctx.log.error({ err }, 'dashboard build failed; serving the API without it');
  }
}

/** `membrain serve`: the API and the dashboard (built first when missing or stale) in one process. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the API server (migrates, creates the first admin and a demo shop on first start)')
    .option('-p, --port <port>', 'port to listen on (default MEMBRAIN_PORT or 8080)')
    .option('--host <host>', 'address to bind (default MEMBRAIN_HOST or 127.0.0.1)')
    .action(async (options: { port?: string; host?: string }) => {
      const config = loadConfig({
        overrides: {
          ...(options.port ? { port: Number(options.port) } : {}),
          ...(options.host ? { host: options.host } : {}),
        },
      });
      const ctx = await createContext(config);
      await prepareFirstStart(ctx, (line) => process.stdout.write(`${line}\n`));
      await buildDashboard(ctx);
      const app = await buildApp(ctx);
      // Embedded mode runs jobs here; with worker processes, set MEMBRAIN_JOBS_WORKER=off.
      const worker =
        config.jobs.worker === 'embedded'
          ? startJobWorker(ctx, { pollMs: config.jobs.pollMs, schedule: true })
          : null;
      const shutdown = async (signal: string) => {
        ctx.log.info({ signal }, 'shutting down');
        await app.close();
        await worker?.stop();
        await ctx.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      const url = await app.listen({ port: config.port, host: config.host });
      ctx.log.info({ url, database: ctx.dialect }, 'Membrain is listening');
      process.stdout.write(`Membrain is listening on ${url}  (API reference: ${url}/docs)\n`);
    });
}
