import { Command } from 'commander';
import { registerCommands } from './cli/commands.ts';

const program = new Command()
  .name('membrain')
  .description('Membrain: member platform for e-commerce — API server, jobs and admin tools')
  .showHelpAfterError();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
