import cliProgress from 'cli-progress';
import type { AppContext } from '../context.ts';
import { createJob, type JobDto, runJob } from '../modules/jobs/index.ts';

type Print = (line: string) => void;

/**
 * Runs a job in the foreground with a progress bar on stderr (silent when stderr is not a
 * terminal) and prints its outcome. The job is an ordinary row: if this process dies, `membrain
 * jobs resume ID` (or any worker once the lease lapses) continues it from the last chunk.
 */
export async function runJobInForeground(ctx: AppContext, job: JobDto, print: Print): Promise<JobDto> {
  print(`job ${job.id} (${job.type})`);
  const bar = new cliProgress.SingleBar(
    { format: `${job.type} {bar} {percentage}% | {value}/{total} | ETA {eta_formatted}`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const ended = await runJob(ctx, job.id, {
    force: true,
    onProgress: (current) => {
      const total = Math.max(current.progress.total ?? current.progress.done, current.progress.done, 1);
      if (!started) {
        bar.start(total, current.progress.done);
        started = true;
      }
      bar.setTotal(total);
      bar.update(current.progress.done);
    },
  });
  if (started) bar.stop();
  const final = ended ?? job;
  print(`job ${final.id} ${final.status}${final.error ? `: ${final.error}` : ''}`);
  if (final.result !== null && final.result !== undefined) print(JSON.stringify(final.result));
  return final;
}

/** Creates a job of `type` and runs it in the foreground; true when it succeeded. */
export async function createAndRunJob(
  ctx: AppContext,
  type: string,
  params: unknown,
  print: Print,
): Promise<boolean> {
  const job = await createJob(ctx, type, params, 'cli');
  return (await runJobInForeground(ctx, job, print)).status === 'succeeded';
}
