import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';

/** /v1/clusters…. */
export function clusterRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}
