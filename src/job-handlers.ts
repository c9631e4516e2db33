import { clusterJobs } from './modules/clusters/index.ts';
import { insightsJobs } from './modules/insights/index.ts';
import { registerJobHandler } from './modules/jobs/index.ts';
import { loyaltyBackfillJob } from './modules/loyalty/index.ts';
import { modelJobs } from './modules/models/index.ts';
import { pointsExpireJob, pointsReleaseJob } from './modules/points/index.ts';
import { profileJobs } from './modules/profiles/index.ts';
import { recommendationJobs } from './modules/recommendations/index.ts';
import { riskPurgeJob } from './modules/risk/index.ts';
import { segmentJobs } from './modules/segments/index.ts';
import { tiersRecalculateJob } from './modules/tiers/index.ts';
import { valueJobs } from './modules/value/index.ts';

// Every kind of background job, registered once when a context is created. New job types are
// added here, beside the module that owns them.

let registered = false;

export function registerJobHandlers(): void {
  if (registered) return;
  registered = true;
  registerJobHandler(pointsReleaseJob);
  registerJobHandler(pointsExpireJob);
  registerJobHandler(tiersRecalculateJob);
  registerJobHandler(loyaltyBackfillJob);
  registerJobHandler(riskPurgeJob);
  for (const handler of [
    ...profileJobs,
    ...valueJobs,
    ...modelJobs,
    ...segmentJobs,
    ...clusterJobs,
    ...insightsJobs,
    ...recommendationJobs,
  ]) {
    registerJobHandler(handler);
  }
}
