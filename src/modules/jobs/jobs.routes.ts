import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireScope } from '../../http/authenticate.ts';
import { cancelJob, getJob, listJobs, resumeJob } from './jobs.service.ts';
import { jobDtoSchema, jobIdParams, jobListQuerySchema } from './jobs.types.ts';

/** `/v1/jobs`: background jobs with their progress; cancel and resume. */
export function jobRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/jobs',
      {
        schema: {
          tags: ['jobs'],
          summary: 'Jobs, newest first; filter by type and status',
          querystring: jobListQuerySchema,
          response: { 200: z.object({ data: z.array(jobDtoSchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => {
        requireScope(request, 'jobs:read');
        return listJobs(ctx, request.query);
      },
    );

    app.get(
      '/jobs/:id',
      {
        schema: {
          tags: ['jobs'],
          summary: 'One job: status, progress, result or error',
          params: jobIdParams,
          response: { 200: jobDtoSchema },
        },
      },
      async (request) => {
        requireScope(request, 'jobs:read');
        return getJob(ctx, request.params.id);
      },
    );

    app.post(
      '/jobs/:id/cancel',
      {
        schema: {
          tags: ['jobs'],
          summary: 'Stop a queued or running job (a running one stops after its current chunk)',
          params: jobIdParams,
          response: { 200: jobDtoSchema },
        },
      },
      async (request) => {
        requireScope(request, 'jobs:manage');
        return cancelJob(ctx, request.params.id);
      },
    );

    app.post(
      '/jobs/:id/resume',
      {
        schema: {
          tags: ['jobs'],
          summary: 'Queue a failed or cancelled job again; it continues where it stopped',
          params: jobIdParams,
          response: { 200: jobDtoSchema },
        },
      },
      async (request) => {
        requireScope(request, 'jobs:manage');
        return resumeJob(ctx, request.params.id);
      },
    );
  };
}
