import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';

/** /v1/members/{id}/profile. */
export function profileRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}
