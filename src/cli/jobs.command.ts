import type { Command } from 'commander';
import { getJob, listJobs, resumeJob } from '../modules/jobs/index.ts';
import { withCliContext } from './cli-context.ts';
import { runJobInForeground } from './job-progress.ts';

/** `membrain jobs list|show|resume`: background jobs from the command line. */
export function registerJobsCommand(program: Command): void {
  const jobs = program.command('jobs').description('background jobs: list, show, resume');
  jobs
    .command('list')
    .description('the latest jobs, newest first')
    .option('--type <type>', 'only this job type')
    .option('--limit <n>', 'how many', '20')
    .action(async (options: { type?: string; limit: string }) => {
      await withCliContext(async (ctx) => {
        const page = await listJobs(ctx, { limit: Number(options.limit), type: options.type });
        for (const job of page.data) {
          const { done, total } = job.progress;
          console.log(
            `${job.id}  ${job.type.padEnd(20)}  ${job.status.padEnd(9)}  ${done}/${total ?? '?'}  ${job.createdAt}`,
          );
        }
      });
    });
  jobs
    .command('show <id>')
    .description('one job as JSON')
    .action(async (id: string) => {
      await withCliContext(async (ctx) => console.log(JSON.stringify(await getJob(ctx, id), null, 2)));
    });
  jobs
    .command('resume <id>')
    .description('continue a failed, cancelled or interrupted job from its last chunk, in the foreground')
    .action(async (id: string) => {
      const ok = await withCliContext(async (ctx) => {
        const job = await getJob(ctx, id);
        const ready = job.status === 'failed' || job.status === 'cancelled' ? await resumeJob(ctx, id) : job;
        return (await runJobInForeground(ctx, ready, (line) => console.log(line))).status === 'succeeded';
      });
      if (!ok) process.exitCode = 1;
    });
}
