import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createContext } from '../context.ts';
import { startJobWorker } from '../modules/jobs/index.ts';
import { ensureDefaultProgramme } from '../modules/loyalty/index.ts';
import { ensureDefaultTiers } from '../modules/tiers/index.ts';

/** `membrain worker`: runs queued and scheduled jobs without serving HTTP (beside `serve` with MEMBRAIN_JOBS_WORKER=off). */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'run background jobs (points release and expiry, tier recalculation, backfills) without the API',
    )
    .action(async () => {
      const config = loadConfig();
      const ctx = await createContext(config);
      await ensureDefaultProgramme(ctx);
      await ensureDefaultTiers(ctx);
      const worker = startJobWorker(ctx, { pollMs: config.jobs.pollMs, schedule: true });
      process.stdout.write(`Membrain worker running (polling every ${config.jobs.pollMs} ms)\n`);
      const shutdown = async (signal: string) => {
        ctx.log.info({ signal }, 'worker shutting down after the current step');
        await worker.stop();
        await ctx.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });
}
