import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { requireMemberAccess, requireScope } from '../../http/authenticate.ts';
import { storeIdSchema } from '../items/index.ts';
import { listMemberEvents } from './events.read.ts';
import { type IngestEventsResult, ingestEvents } from './events.service.ts';
import {
  eventDtoSchema,
  eventsBodySchema,
  ingestResultSchema,
  memberEventsQuerySchema,
} from './events.types.ts';

const memberParams = z.object({ id: storeIdSchema });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One event or `{ events: [...] }`. Checked here rather than by the route schema: a union's
 * error would hide which field of which event is wrong, and an oversize batch must be 413.
 */
async function ingestBody(ctx: AppContext, body: unknown): Promise<IngestEventsResult> {
  if (!isPlainObject(body)) {
    throw appError(Errors.VALIDATION_FAILED, undefined, [
      { path: '(body)', message: 'must be an event object or { "events": [ ... ] }' },
    ]);
  }
  if (!('events' in body)) return ingestEvents(ctx, [body], { pathPrefix: '' });
  const extra = Object.keys(body).filter((key) => key !== 'events');
  const details = extra.map((key) => ({ path: key, message: 'unknown field' }));
  if (!Array.isArray(body.events)) details.push({ path: 'events', message: 'must be an array of events' });
  if (details.length > 0) throw appError(Errors.VALIDATION_FAILED, undefined, details);
  return ingestEvents(ctx, body.events as unknown[], { pathPrefix: 'events' });
}

/** `POST /v1/events` (append-only, idempotent by id) and `GET /v1/members/{id}/events`. */
export function eventRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/events',
      {
        schema: {
          tags: ['events'],
          summary:
            'Record one event or a batch of up to 1,000, all or nothing; repeated ids are acknowledged',
          body: eventsBodySchema,
          response: { 200: ingestResultSchema },
        },
        // The schema above documents the body; ingestBody validates it (see there why).
        validatorCompiler: () => (data: unknown) => ({ value: data }),
      },
      async (request) => {
        requireScope(request, 'events:write');
        const result = await ingestBody(ctx, request.body as unknown);
        return { accepted: result.accepted, duplicates: result.duplicates };
      },
    );

    app.get(
      '/members/:id/events',
      {
        schema: {
          tags: ['events'],
          summary: 'A member’s events, newest first (events:read, or the member themself)',
          params: memberParams,
          querystring: memberEventsQuerySchema,
          response: { 200: z.object({ data: z.array(eventDtoSchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => {
        requireMemberAccess(request, request.params.id, 'events:read');
        return listMemberEvents(ctx, request.params.id, request.query);
      },
    );
  };
}
