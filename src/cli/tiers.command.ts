import type { Command } from 'commander';
import { TIERS_RECALCULATE } from '../modules/tiers/index.ts';
import { withCliContext } from './cli-context.ts';
import { createAndRunJob } from './job-progress.ts';

/** `membrain tiers recalculate`: every member's tier, in the foreground with a progress bar. */
export function registerTiersCommand(program: Command): void {
  const tiers = program.command('tiers').description('membership tiers');
  tiers
    .command('recalculate')
    .description(
      'apply upgrades, downgrades and expired overrides to every member (the worker does this daily)',
    )
    .option('--as-of <time>', 'ISO time to treat as now (default: now)')
    .action(async (options: { asOf?: string }) => {
      const ok = await withCliContext((ctx) =>
        createAndRunJob(ctx, TIERS_RECALCULATE, options.asOf ? { asOf: options.asOf } : {}, (line) =>
          console.log(line),
        ),
      );
      if (!ok) process.exitCode = 1;
    });
}
