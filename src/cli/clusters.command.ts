import type { Command } from 'commander';
import { type ClusterRunParams, getClusterRun, startClusterRun } from '../modules/clusters/index.ts';
import { getJob } from '../modules/jobs/index.ts';
import { withCliContext } from './cli-context.ts';
import { runJobInForeground } from './job-progress.ts';

const int = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`not an integer: ${value}`);
  return n;
};

/** `membrain clusters run`: a clustering run in the foreground, then each cluster's size and description. */
export function registerClustersCommand(program: Command): void {
  const clusters = program
    .command('clusters')
    .description('member clusters (k-means on behaviour and value)');
  clusters
    .command('run')
    .description('cluster every member with events; k chosen by silhouette over 2..8 unless --k is given')
    .option('--k <n>', 'number of clusters (2..12)', int)
    .option('--sample <n>', 'members the model is fitted on (≤ 20000, default 5000)', int)
    .option('--seed <n>', 'seed of the sample and of k-means++ (default 1)', int)
    .action(async (options: { k?: number; sample?: number; seed?: number }) => {
      const ok = await withCliContext(async (ctx) => {
        const params: ClusterRunParams = {
          ...(options.k !== undefined ? { k: options.k } : {}),
          ...(options.sample !== undefined ? { sampleSize: options.sample } : {}),
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
        };
        const { jobId } = await startClusterRun(ctx, params, 'cli');
        const job = await runJobInForeground(ctx, await getJob(ctx, jobId), (line) => console.error(line));
        if (job.status !== 'succeeded') return false;
        const runId = (job.result as { runId: string }).runId;
        const run = await getClusterRun(ctx, runId);
        console.log(`run ${run.id}: k = ${run.k}, ${run.members} members, fitted on ${run.sampleSize}`);
        for (const [k, s] of Object.entries(run.silhouettes))
          console.log(`  silhouette k=${k}: ${s.toFixed(3)}`);
        for (const c of run.clusters)
          console.log(
            `  #${c.index}  ${String(c.size).padStart(8)}  ${(c.share * 100).toFixed(1).padStart(5)}%  ${c.description.en} / ${c.description.zh}`,
          );
        return true;
      });
      if (!ok) process.exitCode = 1;
    });
}
