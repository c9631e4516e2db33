import { Command } from 'commander';
import { registerEvalCommand } from '/work/main/src/cli/eval.command.ts';
const program = new Command().name('membrain');
registerEvalCommand(program);
await program.parseAsync(process.argv);
