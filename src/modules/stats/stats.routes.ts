import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { requireScope } from '../../http/authenticate.ts';
import { getOverview, resolveRange } from './stats.overview.ts';
import { overviewQuerySchema, overviewSchema } from './stats.types.ts';

/** `/v1/stats`: the operator overview, from precomputed daily aggregates. */
export function statsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/stats/overview',
      {
        schema: {
          tags: ['stats'],
          summary: 'Members, orders, GMV, events and top categories per UTC day of a range (max 366 days)',
          querystring: overviewQuerySchema,
          response: { 200: overviewSchema },
        },
      },
      async (request) => {
        requireScope(request, 'stats:read');
        return getOverview(ctx, resolveRange(ctx, request.query));
      },
    );
  };
}
