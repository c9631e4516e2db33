import type { Command } from 'commander';
import { PROFILES_REBUILD } from '../modules/profiles/index.ts';
import { withCliContext } from './cli-context.ts';
import { createAndRunJob } from './job-progress.ts';

/** `membrain profiles rebuild`: every member's profile from the events, in the foreground. */
export function registerProfilesCommand(program: Command): void {
  const profiles = program.command('profiles').description('member behaviour profiles');
  profiles
    .command('rebuild')
    .description('recompute every member profile and active days from the stored events')
    .option('--chunk-size <n>', 'members per step (default 5000)')
    .action(async (options: { chunkSize?: string }) => {
      const params = options.chunkSize ? { chunkSize: Number(options.chunkSize) } : {};
      const ok = await withCliContext((ctx) =>
        createAndRunJob(ctx, PROFILES_REBUILD, params, (line) => console.log(line)),
      );
      if (!ok) process.exitCode = 1;
    });
}
