import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';

/** Settings and onboarding preferences. */
export function recommendationSettingsRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}
