import type { Command } from 'commander';
import { createJob } from '../modules/jobs/index.ts';
import { VALUE_TRAIN } from '../modules/value/index.ts';
import { withCliContext } from './cli-context.ts';
import { runJobInForeground } from './job-progress.ts';

interface TrainMetrics {
  churn: { auc: number | null; pAliveAuc: number | null; expectedPurchasesAuc: number | null } | null;
  tierForecast: { accuracy: number | null; noChangeAccuracy: number | null } | null;
}

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));

/** The held-out numbers an operator reads first, one line each. */
function summary(result: unknown): string[] {
  const r = result as { members?: number; scored?: number; metrics?: TrainMetrics } | null;
  if (!r?.metrics) return [];
  const { churn, tierForecast } = r.metrics;
  return [
    `members with purchases ${r.members}, scored ${r.scored}`,
    churn
      ? `churn AUC (held-out members): trees ${f3(churn.auc)}, BG/NBD expected purchases ${f3(churn.expectedPurchasesAuc)}, 1 − P(alive) ${f3(churn.pAliveAuc)}`
      : 'churn trees: not trained (too little history before the calibration end)',
    tierForecast
      ? `tier forecast backtest: accuracy ${f3(tierForecast.accuracy)} (nobody moves: ${f3(tierForecast.noChangeAccuracy)})`
      : 'tier forecast backtest: not run',
  ];
}

/** `membrain value train`: fit and score the value models in the foreground, printing the metrics. */
export function registerValueCommand(program: Command): void {
  const value = program.command('value').description('lifetime value, churn risk and tier forecast');
  value
    .command('train')
    .description('fit BG/NBD, Gamma-Gamma and the churn trees on the shop’s orders, then score every member')
    .option('--horizon-days <n>', 'days ahead for churn, expected purchases and the tier forecast', '90')
    .option('--clv-months <n>', 'months of discounted margin in the lifetime value', '12')
    .option('--margin <share>', 'share of revenue that is margin', '0.3')
    .action(async (options: { horizonDays: string; clvMonths: string; margin: string }) => {
      const params = {
        horizonDays: Number(options.horizonDays),
        clvMonths: Number(options.clvMonths),
        margin: Number(options.margin),
      };
      const ok = await withCliContext(async (ctx) => {
        const print = (line: string) => console.log(line);
        const job = await runJobInForeground(ctx, await createJob(ctx, VALUE_TRAIN, params, 'cli'), print);
        for (const line of summary(job.result)) print(line);
        return job.status === 'succeeded';
      });
      if (!ok) process.exitCode = 1;
    });
}
