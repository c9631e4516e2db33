import type { Command } from 'commander';
import { INSIGHTS_REFRESH, REFRESH_PHASES } from '../modules/insights/index.ts';
import { withCliContext } from './cli-context.ts';
import { createAndRunJob } from './job-progress.ts';

/** `membrain insights refresh`: every member-intelligence table, in the foreground. */
export function registerInsightsCommand(program: Command): void {
  const insights = program.command('insights').description('member profiles, value, segments and clusters');
  insights
    .command('refresh')
    .description(`run ${REFRESH_PHASES.join(' → ')} as one job with a progress bar`)
    .option('--skip <phases>', `comma-separated phases to leave out (${REFRESH_PHASES.join(', ')})`)
    .action(async (options: { skip?: string }) => {
      const skip = options.skip?.split(',').map((s) => s.trim());
      const ok = await withCliContext((ctx) =>
        createAndRunJob(ctx, INSIGHTS_REFRESH, skip ? { skip } : {}, (line) => console.log(line)),
      );
      if (!ok) process.exitCode = 1;
    });
}
