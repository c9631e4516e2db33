import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireMemberAccess, requireScope } from '../../http/authenticate.ts';
import { getMemberValue, getValueOverview, listMovers } from './value.service.ts';
import {
  memberParams,
  memberValueDtoSchema,
  moverSchema,
  moversQuerySchema,
  valueOverviewSchema,
} from './value.types.ts';

const tags = ['value'];

/** /v1/members/{id}/value, /v1/value/…. */
export function valueRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/members/:id/value',
      {
        schema: {
          tags,
          summary: 'A member’s lifetime value, churn risk with reasons and tier forecast',
          params: memberParams,
          response: { 200: memberValueDtoSchema },
        },
      },
      async (request) => {
        requireMemberAccess(request, request.params.id, 'profiles:read');
        return getMemberValue(ctx, request.params.id);
      },
    );

    app.get(
      '/value/overview',
      {
        schema: {
          tags,
          summary: 'Value, churn and tier forecast across the shop',
          response: { 200: valueOverviewSchema },
        },
      },
      async (request) => {
        requireScope(request, 'profiles:read');
        return getValueOverview(ctx);
      },
    );

    app.get(
      '/value/movers',
      {
        schema: {
          tags,
          summary: 'Members forecast to move up or down a tier within the horizon',
          querystring: moversQuerySchema,
          response: { 200: z.object({ data: z.array(moverSchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => {
        requireScope(request, 'profiles:read');
        return listMovers(ctx, request.query);
      },
    );
  };
}
