import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { migrationsAreCurrent } from '../../db/migrate.ts';

/** `/healthz` (process up) and `/readyz` (database reachable, migrations applied). */
export function healthRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/healthz',
      { schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } } },
      async () => ({
        status: 'ok' as const,
      }),
    );
    app.get(
      '/readyz',
      {
        schema: {
          tags: ['health'],
          response: {
            200: z.object({ status: z.string(), database: z.string(), migrations: z.string() }),
            503: z.object({ status: z.string(), database: z.string(), migrations: z.string() }),
          },
        },
      },
      async (_request, reply) => {
        let database = 'ok';
        let migrations = 'unknown';
        try {
          await sql`select 1`.execute(ctx.db);
          migrations = (await migrationsAreCurrent(ctx.database)) ? 'current' : 'pending';
        } catch {
          database = 'unreachable';
        }
        const ready = database === 'ok' && migrations === 'current';
        return reply
          .status(ready ? 200 : 503)
          .send({ status: ready ? 'ready' : 'not-ready', database, migrations });
      },
    );
  };
}
