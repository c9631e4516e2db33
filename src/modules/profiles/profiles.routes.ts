import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireMemberAccess, requireScope } from '../../http/authenticate.ts';
import { createJob } from '../jobs/index.ts';
import { PROFILES_REBUILD } from './profiles.jobs.ts';
import { getMemberProfile } from './profiles.service.ts';
import { memberParams, memberProfileDtoSchema } from './profiles.types.ts';

const tags = ['profiles'];

/** `GET /v1/members/{id}/profile` and `POST /v1/profiles/rebuild`. */
export function profileRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/members/:id/profile',
      {
        schema: {
          tags,
          summary: 'A member’s behaviour profile: RFM, activity, affinities, channels, devices, tier, points',
          params: memberParams,
          response: { 200: memberProfileDtoSchema },
        },
      },
      async (request) => {
        requireMemberAccess(request, request.params.id, 'profiles:read');
        return getMemberProfile(ctx, request.params.id);
      },
    );

    app.post(
      '/profiles/rebuild',
      {
        schema: {
          tags,
          summary: 'Queue a rebuild of every profile from the events; follow it at GET /v1/jobs/{id}',
          response: { 202: z.object({ jobId: z.string() }) },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'jobs:manage');
        const job = await createJob(ctx, PROFILES_REBUILD, {}, principal.id);
        return reply.status(202).send({ jobId: job.id });
      },
    );
  };
}
