import type { AppContext } from '../context.ts';
import { createJob, runJob } from '../modules/jobs/index.ts';
import { MODEL_KINDS } from '../modules/models/index.ts';

/** How the demo's recommendation training went, shaped like an insights refresh phase. */
export interface DemoRecommendOutcome {
  type: string;
  result: unknown;
  done: number;
  ms: number;
  skipped?: string;
}

/**
 * Trains recommendations once on a freshly generated demo shop (model chosen automatically,
 * lists precomputed for active members, popular lists for cold start), so the member page and
 * the models page have something to show at once. An ordinary `recommend.train` job.
 */
export async function trainDemoRecommendations(ctx: AppContext): Promise<DemoRecommendOutcome> {
  const started = performance.now();
  const job = await createJob(ctx, MODEL_KINDS.recommend, {}, 'demo');
  const ended = await runJob(ctx, job.id, { force: true });
  if (ended?.status !== 'succeeded') {
    throw new Error(`demo recommendations failed: ${ended?.error ?? 'the job did not run'}`);
  }
  const result = ended.result as { skipped?: string | null };
  return {
    type: MODEL_KINDS.recommend,
    result: ended.result,
    done: ended.progress.done,
    ms: Math.round(performance.now() - started),
    ...(result.skipped ? { skipped: result.skipped } : {}),
  };
}
