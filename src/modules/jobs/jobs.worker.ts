import type { AppContext } from '../../context.ts';
import { jobHandler, jobTypes } from './jobs.registry.ts';
import { findClaimable, latestCreatedAt } from './jobs.repository.ts';
import { defaultRunnerName, ensureJobQueued, runJob } from './jobs.service.ts';

export interface JobWorkerOptions {
  /** How often to look for queued jobs. */
  pollMs: number;
  /** Queue the job types that run on a schedule (points release and expiry, …). */
  schedule: boolean;
}

export interface JobWorker {
  stop(): Promise<void>;
}

/**
 * Runs queued jobs one at a time in this process, and queues scheduled maintenance when it is
 * due. Several workers (API replicas, `membrain worker`) may run at once: claiming a job is one
 * conditional update, and a job of a scheduled type is never queued twice.
 */
export function startJobWorker(ctx: AppContext, options: JobWorkerOptions): JobWorker {
  const owner = defaultRunnerName();
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> = Promise.resolve();

  // Due when the latest job of the type (from any process) is older than its interval, so a
  // restart or a second replica does not run daily work again.
  const scheduleDue = async () => {
    const now = ctx.clock.now();
    for (const type of jobTypes()) {
      const everyMs = jobHandler(type).everyMs;
      if (everyMs === undefined) continue;
      // A job that does this type's work as part of its own (insights.refresh) counts as a run.
      const kinds = [type, ...jobTypes().filter((t) => jobHandler(t).covers?.includes(type))];
      let latest: number | null = null;
      for (const kind of kinds) {
        const at = await latestCreatedAt(ctx.db, kind);
        if (at !== null && (latest === null || at > latest)) latest = at;
      }
      if (latest === null || now - latest >= everyMs) await ensureJobQueued(ctx, type, {});
    }
  };

  const tick = async () => {
    try {
      if (options.schedule) await scheduleDue();
      for (const id of await findClaimable(ctx.db, ctx.clock.now(), 5)) {
        if (stopping) break;
        await runJob(ctx, id, { owner });
      }
    } catch (error) {
      ctx.log.error({ err: error }, 'job worker tick failed');
    }
  };

  const loop = () => {
    if (stopping) return;
    current = tick().finally(() => {
      if (!stopping) timer = setTimeout(loop, options.pollMs);
    });
  };
  loop();

  return {
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
