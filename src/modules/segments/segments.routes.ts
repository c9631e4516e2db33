import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';

/** /v1/segments…. */
export function segmentRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}
