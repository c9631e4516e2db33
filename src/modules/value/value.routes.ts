import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';

/** /v1/members/{id}/value, /v1/value/…. */
export function valueRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}
