import type { Command } from 'commander';
import type { AppContext } from '../context.ts';
import { verifyAuditChain } from '../modules/audit/index.ts';
import { withCliContext } from './cli-context.ts';

type Print = (line: string) => void;

/** `audit verify`: checks the hash chain, prints every problem; true when the chain is intact. */
export async function runAuditVerify(ctx: AppContext, print: Print): Promise<boolean> {
  const result = await verifyAuditChain(ctx);
  print(`entries checked  ${result.entries}`);
  print(`checked through  seq ${result.checkedThrough}`);
  if (result.ok) {
    print('audit chain OK');
    return true;
  }
  print(`audit chain BROKEN: ${result.problems.length} problem(s)`);
  for (const problem of result.problems) print(`  seq ${problem.seq}  ${problem.kind}  ${problem.message}`);
  return false;
}

/** `membrain audit verify`: exits non-zero when the audit log was tampered with. */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('recompute the audit hash chain; exit code 1 when an entry was changed, removed or cut off')
    .action(async () => {
      const ok = await withCliContext((ctx) => runAuditVerify(ctx, (line) => console.log(line)));
      if (!ok) process.exitCode = 1;
    });
}
