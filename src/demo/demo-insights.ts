import type { AppContext } from '../context.ts';
import { INSIGHTS_REFRESH, type RefreshResult } from '../modules/insights/index.ts';
import { createJob, runJob } from '../modules/jobs/index.ts';
import { ensureDemoSegments } from './demo-segments.ts';

/**
 * Profiles, value scores, segment sizes and clusters for a freshly generated demo shop, so its
 * insight pages have something to show at once. The generator writes events past the ingest
 * path, so the profiles are built from scratch here; it runs as an ordinary job, visible on the
 * jobs page. A few example segments are saved first, so the refresh counts them.
 */
export async function runDemoInsights(ctx: AppContext): Promise<RefreshResult> {
  await ensureDemoSegments(ctx);
  const job = await createJob(ctx, INSIGHTS_REFRESH, {}, 'demo');
  const ended = await runJob(ctx, job.id, { force: true });
  if (ended?.status !== 'succeeded') {
    throw new Error(`demo insights failed: ${ended?.error ?? 'the job did not run'}`);
  }
  return ended.result as RefreshResult;
}
