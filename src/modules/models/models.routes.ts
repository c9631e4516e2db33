import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireScope } from '../../http/authenticate.ts';
import { getModel, listModels, queueTraining } from './models.service.ts';
import { modelDtoSchema, modelIdParams, modelKindParams, modelListQuerySchema } from './models.types.ts';

const tags = ['models'];

/** /v1/models…. */
export function modelRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/models',
      {
        schema: {
          tags,
          summary: 'Fitted models, newest first (?kind=value)',
          querystring: modelListQuerySchema,
          response: { 200: z.object({ data: z.array(modelDtoSchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => {
        requireScope(request, 'models:read');
        return listModels(ctx, request.query);
      },
    );

    app.get(
      '/models/:id',
      {
        schema: {
          tags,
          summary: 'One model: parameters and held-out metrics',
          params: modelIdParams,
          response: { 200: modelDtoSchema },
        },
      },
      async (request) => {
        requireScope(request, 'models:read');
        return getModel(ctx, request.params.id);
      },
    );

    app.post(
      '/models/:kind/train',
      {
        schema: {
          tags,
          summary: 'Queue the training of a model kind (value); follow it at GET /v1/jobs/{id}',
          params: modelKindParams,
          body: z.record(z.string(), z.unknown()).optional(),
          response: { 202: z.object({ jobId: z.string() }) },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'models:manage');
        const jobId = await queueTraining(ctx, request.params.kind, request.body ?? {}, principal.id);
        return reply.status(202).send({ jobId });
      },
    );
  };
}
