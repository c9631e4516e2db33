import { Command } from 'commander';
import { registerImportCommand } from '../src/cli/import.command.ts';
const program = new Command().name('membrain');
registerImportCommand(program);
await program.parseAsync(process.argv);
