import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';

/** Serving routes: member recommendations, similar items, sessions, feedback reports. */
export function recommendationRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}
