import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireScope } from '../../http/authenticate.ts';
import { createJob, jobDtoSchema } from '../jobs/index.ts';
import { INSIGHTS_REFRESH, REFRESH_PHASES } from './insights.refresh.ts';

/** `POST /v1/insights/refresh`: profiles, scores, segment sizes and clusters, in one job. */
export function insightsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/insights/refresh',
      {
        schema: {
          tags: ['insights'],
          summary: `Queue ${REFRESH_PHASES.join(' → ')} as one job; follow it at GET /v1/jobs/{id}`,
          body: z.strictObject({ skip: z.array(z.enum(REFRESH_PHASES)).optional() }).optional(),
          response: { 202: z.object({ jobId: z.string(), job: jobDtoSchema }) },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'models:manage');
        const params = request.body?.skip ? { skip: request.body.skip } : {};
        const job = await createJob(ctx, INSIGHTS_REFRESH, params, principal.id);
        return reply.status(202).send({ jobId: job.id, job });
      },
    );
  };
}
