import type { Command } from 'commander';
import type { AppContext } from '../context.ts';
import { getJob } from '../modules/jobs/index.ts';
import { MODEL_KINDS, queueTraining } from '../modules/models/index.ts';
import { withCliContext } from './cli-context.ts';
import { runJobInForeground } from './job-progress.ts';

const MODELS = ['auto', 'popularity', 'item-knn', 'als', 'ease', 'content'] as const;

/** What the job leaves in its result that the command prints. */
interface TrainResult {
  skipped: string | null;
  run: {
    models: { id: string; kind: string; variants: (string | null)[]; ndcg: number }[];
    members: number;
    items: number;
    interactions: number;
    dataThrough: string;
    reused: boolean;
  } | null;
  activeMembers: number;
  listsWritten: number;
  popularLists: number;
}

/** The lines printed after a run: models with validation NDCG@10, then what was precomputed. */
export function describeTrainResult(result: TrainResult): string[] {
  if (result.skipped) return [`skipped: ${result.skipped}`];
  const run = result.run;
  if (!run) return ['no model was trained'];
  const lines = [
    `data through ${run.dataThrough}: ${run.members} members, ${run.items} items, ${run.interactions} member-item pairs${run.reused ? ' (unchanged since the last run: its models were kept)' : ''}`,
  ];
  for (const m of run.models) {
    const variants = m.variants.filter((v) => v !== null);
    const serves = variants.length > 0 ? ` for variant ${variants.join(', ')}` : '';
    lines.push(`  model ${m.id}: ${m.kind}${serves}, validation NDCG@10 ${m.ndcg.toFixed(4)}`);
  }
  lines.push(
    `lists precomputed for ${result.listsWritten} of ${result.activeMembers} active members; ${result.popularLists} popular lists`,
  );
  return lines;
}

type Print = (line: string) => void;

/**
 * Queues `recommend.train` and runs it in the foreground (progress and the job's outcome on
 * `progress`, the models and lists on `print`); true when the job succeeded (a skip included).
 */
export async function runRecommendTrain(
  ctx: AppContext,
  model: string | undefined,
  print: Print,
  progress: Print,
): Promise<boolean> {
  const params = model !== undefined ? { model } : {};
  const jobId = await queueTraining(ctx, 'recommend', params, 'cli');
  const job = await runJobInForeground(ctx, await getJob(ctx, jobId), progress);
  if (job.status !== 'succeeded' || job.type !== MODEL_KINDS.recommend) return false;
  for (const line of describeTrainResult(job.result as TrainResult)) print(line);
  return true;
}

/** `membrain recommend train`: a training run in the foreground with progress, then its models. */
export function registerRecommendCommand(program: Command): void {
  const recommend = program.command('recommend').description('product recommendations');
  recommend
    .command('train')
    .description(
      'train the recommendation model on the shop’s events, precompute lists for active members and the popular lists',
    )
    .option(
      '--model <kind>',
      `${MODELS.join('|')}; default: the settings’ choice (auto picks by validation NDCG@10); a kind given here trains one model even during an experiment`,
    )
    .action(async (options: { model?: string }) => {
      if (options.model !== undefined && !(MODELS as readonly string[]).includes(options.model)) {
        console.error(`--model must be one of ${MODELS.join(', ')}`);
        process.exitCode = 1;
        return;
      }
      const ok = await withCliContext((ctx) =>
        runRecommendTrain(
          ctx,
          options.model,
          (line) => console.log(line),
          (line) => console.error(line),
        ),
      );
      if (!ok) process.exitCode = 1;
    });
}
