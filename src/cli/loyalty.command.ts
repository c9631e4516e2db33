import type { Command } from 'commander';
import type { AppContext } from '../context.ts';
import { listRules, type RuleAction, type RuleDto, ruleListQuerySchema } from '../modules/loyalty/index.ts';
import { withCliContext } from './cli-context.ts';
import { createAndRunJob } from './job-progress.ts';

type Print = (line: string) => void;

function describeAction(action: RuleAction): string {
  switch (action.type) {
    case 'per_amount':
      return `${action.points} per ${action.per} major unit${action.per === 1 ? '' : 's'}`;
    case 'fixed':
      return `${action.points} points`;
    case 'multiplier':
      return `×${action.factor}`;
    case 'tier_multiplier':
      return '× tier multiplier';
  }
}

function describeRule(rule: RuleDto): string {
  const cap = rule.cap ? `  cap ${rule.cap.points}/${rule.cap.period}` : '';
  const flags = `${rule.stacking === 'exclusive' ? '  exclusive' : ''}${rule.qualifying ? '  qualifying' : ''}`;
  return `${rule.id}  ${rule.trigger.padEnd(11)}  ${rule.status.padEnd(8)}  p${String(rule.priority).padEnd(5)}  v${rule.version}  ${rule.name}: ${describeAction(rule.action)}${cap}${flags}`;
}

/** `loyalty rules list`: every rule (or those of one trigger or status), in evaluation order; -1 on bad options. */
export async function runRulesList(
  ctx: AppContext,
  filter: { trigger?: string; status?: string },
  print: Print,
): Promise<number> {
  const parsed = ruleListQuerySchema.safeParse({ ...filter, limit: 500 });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) print(`--${issue.path.join('.')}: ${issue.message}`);
    return -1;
  }
  let cursor: string | undefined;
  let count = 0;
  do {
    const page = await listRules(ctx, { ...parsed.data, cursor });
    for (const rule of page.data) print(describeRule(rule));
    count += page.data.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (count === 0) print('no rules');
  return count;
}

/** `membrain loyalty rules list` and `membrain loyalty backfill --from --to`. */
export function registerLoyaltyCommand(program: Command): void {
  const loyalty = program.command('loyalty').description('the loyalty programme: earning rules, backfill');
  const rules = loyalty.command('rules').description('earning rules');
  rules
    .command('list')
    .description('every earning rule in evaluation order')
    .option('--trigger <type>', 'only rules listening to this event type')
    .option('--status <status>', 'only rules with this status (active, inactive, archived)')
    .action(async (options: { trigger?: string; status?: string }) => {
      const count = await withCliContext((ctx) => runRulesList(ctx, options, (line) => console.log(line)));
      if (count < 0) process.exitCode = 1;
    });
  loyalty
    .command('backfill')
    .description(
      'award points for stored events of a time range, oldest first, dated at each event (job loyalty.backfill)',
    )
    .requiredOption('--from <time>', 'ISO time, inclusive')
    .requiredOption('--to <time>', 'ISO time, exclusive')
    .action(async (options: { from: string; to: string }) => {
      const ok = await withCliContext((ctx) =>
        createAndRunJob(ctx, 'loyalty.backfill', { from: options.from, to: options.to }, (line) =>
          console.log(line),
        ),
      );
      if (!ok) process.exitCode = 1;
    });
}
