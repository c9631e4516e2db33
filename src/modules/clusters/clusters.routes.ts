import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireScope } from '../../http/authenticate.ts';
import { actorOf } from '../../http/principal.ts';
import { segmentDtoSchema } from '../segments/index.ts';
import { saveClusterAsSegment } from './clusters.segment.ts';
import {
  getClusterRun,
  getLatestClusterRun,
  listClusterMembers,
  listClusterRuns,
  startClusterRun,
} from './clusters.service.ts';
import {
  clusterParams,
  clusterRunParamsSchema,
  memberPageQuerySchema,
  runDtoSchema,
  runParams,
  runSummarySchema,
  segmentBodySchema,
} from './clusters.types.ts';

const tags = ['clusters'];
const runBodySchema = clusterRunParamsSchema.omit({ chunkSize: true });
// The segments module owns SegmentDto; its fields pass through unchanged.

/** /v1/clusters…: start a run, read finished runs and their clusters' members. */
export function clusterRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/clusters/run',
      {
        schema: {
          tags,
          summary:
            'Queue a clustering run (k chosen by silhouette when not given); follow it at GET /v1/jobs/{id}',
          body: runBodySchema.default({}),
          response: { 202: z.object({ jobId: z.string() }) },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'models:manage');
        return reply.status(202).send(await startClusterRun(ctx, request.body, principal.id));
      },
    );

    app.get(
      '/clusters',
      {
        schema: {
          tags,
          summary: 'Finished clustering runs, newest first',
          querystring: memberPageQuerySchema,
          response: { 200: z.object({ data: z.array(runSummarySchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => {
        requireScope(request, 'profiles:read');
        return listClusterRuns(ctx, request.query);
      },
    );

    app.get(
      '/clusters/latest',
      {
        schema: {
          tags,
          summary: 'The newest finished run with its clusters',
          response: { 200: runDtoSchema },
        },
      },
      async (request) => {
        requireScope(request, 'profiles:read');
        return getLatestClusterRun(ctx);
      },
    );

    app.get(
      '/clusters/:runId',
      {
        schema: {
          tags,
          summary: 'A finished run with its clusters',
          params: runParams,
          response: { 200: runDtoSchema },
        },
      },
      async (request) => {
        requireScope(request, 'profiles:read');
        return getClusterRun(ctx, request.params.runId);
      },
    );

    app.get(
      '/clusters/:runId/clusters/:index/members',
      {
        schema: {
          tags,
          summary: 'The member ids of one cluster, in id order',
          params: clusterParams,
          querystring: memberPageQuerySchema,
          response: {
            200: z.object({
              data: z.array(z.object({ memberId: z.string() })),
              nextCursor: z.string().nullable(),
            }),
          },
        },
      },
      async (request) => {
        requireScope(request, 'profiles:read');
        return listClusterMembers(ctx, request.params.runId, request.params.index, request.query);
      },
    );

    app.post(
      '/clusters/:runId/clusters/:index/segment',
      {
        schema: {
          tags,
          summary:
            'Save one cluster as a segment { cluster: { runId, index } }; named after its description unless given a name',
          params: clusterParams,
          body: segmentBodySchema.default({}),
          response: { 201: segmentDtoSchema },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'segments:write');
        const { runId, index } = request.params;
        const segment = await saveClusterAsSegment(ctx, actorOf(principal), runId, index, request.body.name);
        return reply.status(201).send(segment);
      },
    );
  };
}
