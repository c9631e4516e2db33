import type { Command } from 'commander';
import { rebuildDailyStats } from '../modules/stats/index.ts';
import { withCliContext } from './cli-context.ts';

/** `membrain stats rebuild`: recomputes the overview's daily aggregates from the stored data. */
export function registerStatsCommand(program: Command): void {
  const stats = program.command('stats').description('daily aggregates behind the dashboard overview');
  stats
    .command('rebuild')
    .description(
      'recompute every daily aggregate from events, members and items (after writing rows past the API)',
    )
    .action(async () => {
      await withCliContext(async (ctx) => {
        const result = await rebuildDailyStats(ctx, {
          onProgress: (p) =>
            console.error(`  ${p.done}/${p.total} ${p.table}: ${p.rows.toLocaleString('en')} rows`),
        });
        console.log(`Daily aggregates rebuilt in ${result.seconds.toFixed(1)} s.`);
      });
    });
}
