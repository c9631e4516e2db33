import type { AppContext } from '../context.ts';
import { INSIGHTS_REFRESH, type RefreshResult } from '../modules/insights/index.ts';
import { createJob, runJob } from '../modules/jobs/index.ts';
import { trainDemoRecommendations } from './demo-recommend.ts';
import { runDemoRecommendations } from './demo-recommendations.ts';
import { ensureDemoSegments } from './demo-segments.ts';

/**
 * Profiles, value scores, segment sizes and clusters for a freshly generated demo shop, so its
 * insight pages have something to show at once. The generator writes events past the ingest
 * path, so the profiles are built from scratch here; it runs as an ordinary job, visible on the
 * jobs page. A few example segments are saved first, so the refresh counts them. Recommendations
 * are trained last (they read the segments for their cold-start lists) and reported as one more
 * finished phase; then a fortnight of simulated feedback on served lists gives the click-through
 * and A/B report something to show (`recommendations: false` leaves both out).
 */
export async function runDemoInsights(
  ctx: AppContext,
  options: { recommendations?: boolean } = {},
): Promise<RefreshResult> {
  await ensureDemoSegments(ctx);
  const job = await createJob(ctx, INSIGHTS_REFRESH, {}, 'demo');
  const ended = await runJob(ctx, job.id, { force: true });
  if (ended?.status !== 'succeeded') {
    throw new Error(`demo insights failed: ${ended?.error ?? 'the job did not run'}`);
  }
  const refresh = ended.result as RefreshResult;
  if (options.recommendations === false) return refresh;
  const recommend = await trainDemoRecommendations(ctx);
  const started = performance.now();
  const feedback = await runDemoRecommendations(ctx);
  const simulated = {
    type: 'recommend.feedback',
    result: feedback,
    done: feedback.lists,
    ms: Math.round(performance.now() - started),
    ...(feedback.skipped ? { skipped: feedback.skipped } : {}),
  };
  return { ...refresh, finished: [...refresh.finished, recommend, simulated] };
}
