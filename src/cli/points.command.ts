import type { Command } from 'commander';
import type { AppContext } from '../context.ts';
import { verifyPointsAccounts } from '../modules/points/index.ts';
import { withCliContext } from './cli-context.ts';
import { createAndRunJob } from './job-progress.ts';

type Print = (line: string) => void;

/** `points verify`: recomputes every account from the ledger; true when all agree. */
export async function runPointsVerify(ctx: AppContext, print: Print): Promise<boolean> {
  const differences = await verifyPointsAccounts(ctx);
  if (differences.length === 0) {
    print('points accounts OK');
    return true;
  }
  print(`points accounts DIFFER: ${differences.length} difference(s)`);
  for (const d of differences) print(`  ${d.memberId}  ${d.field}  stored ${d.stored}  ledger ${d.expected}`);
  return false;
}

/** `membrain points verify`: exits non-zero when an account disagrees with its ledger. */
export function registerPointsCommand(program: Command): void {
  const points = program.command('points').description('the loyalty points ledger');
  points
    .command('verify')
    .description('recompute every points account from its ledger; exit code 1 on any difference')
    .action(async () => {
      const ok = await withCliContext((ctx) => runPointsVerify(ctx, (line) => console.log(line)));
      if (!ok) process.exitCode = 1;
    });
  for (const [name, type, what] of [
    ['release', 'points.release', 'make pending points whose return window ended available'],
    ['expire', 'points.expire', 'expire lots past their expiry date'],
  ] as const) {
    points
      .command(name)
      .description(`${what} (the worker does this on a schedule)`)
      .option('--as-of <time>', 'ISO time to treat as now (default: now)')
      .action(async (options: { asOf?: string }) => {
        const ok = await withCliContext((ctx) =>
          createAndRunJob(ctx, type, options.asOf ? { asOf: options.asOf } : {}, (line) => console.log(line)),
        );
        if (!ok) process.exitCode = 1;
      });
  }
}
