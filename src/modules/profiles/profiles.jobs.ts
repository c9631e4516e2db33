import type { JobHandler } from '../jobs/index.ts';
import { countLiveMembers } from '../members/index.ts';
import { REBUILD_CHUNK, rebuildChunk } from './profiles.rebuild.ts';
import { type RebuildParams, type RebuildResult, rebuildParamsSchema } from './profiles.types.ts';

/** The rebuild job's type. */
export const PROFILES_REBUILD = 'profiles.rebuild';

/**
 * `profiles.rebuild`: recomputes every member's profile and active days from the events, in
 * member-id order, one chunk per step (idempotent: a step replaces its chunk's rows). Run it
 * after writes that bypass ingest (the demo generator, a repair) or a programme currency change.
 */
export const profilesRebuildJob: JobHandler<RebuildParams, RebuildResult> = {
  type: PROFILES_REBUILD,
  params: rebuildParamsSchema,
  initialResult: { members: 0, profiles: 0, events: 0 },
  total: (ctx) => countLiveMembers(ctx.db),
  async step(ctx, params, state) {
    const size = params.chunkSize ?? REBUILD_CHUNK;
    const { ids, result } = await rebuildChunk(ctx, state.cursor, size);
    return {
      cursor: ids.length < size ? null : (ids[ids.length - 1] as string),
      done: state.done + ids.length,
      result: {
        members: state.result.members + result.members,
        profiles: state.result.profiles + result.profiles,
        events: state.result.events + result.events,
      },
    };
  },
};

/** The profiles module's background jobs, registered at start-up. */
// biome-ignore lint/suspicious/noExplicitAny: handlers of different parameter types share the list.
export const profileJobs: JobHandler<any, any>[] = [profilesRebuildJob];
