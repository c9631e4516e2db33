import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireScope } from '../../http/authenticate.ts';
import { actorOf } from '../../http/principal.ts';
import { createApiKey, listApiKeys, revokeApiKeyById } from './apikeys.service.ts';
import {
  apiKeyDtoSchema,
  createApiKeyBodySchema,
  createdApiKeySchema,
  listApiKeysQuerySchema,
} from './apikeys.types.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });

/** `/v1/api-keys`: create (secret shown once), list, revoke — scope apikeys:manage. */
export function apiKeyRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api-keys',
      {
        schema: {
          tags: ['api keys'],
          summary: 'Create an API key; the reply holds the secret, shown only this once',
          body: createApiKeyBodySchema,
          response: { 201: createdApiKeySchema },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'apikeys:manage');
        const created = await createApiKey(ctx, {
          name: request.body.name,
          scopes: request.body.scopes,
          createdBy: principal.id,
          actor: actorOf(principal),
        });
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/api-keys',
      {
        schema: {
          tags: ['api keys'],
          summary: 'List API keys (never their secrets), newest first',
          querystring: listApiKeysQuerySchema,
          response: { 200: z.object({ data: z.array(apiKeyDtoSchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => {
        requireScope(request, 'apikeys:manage');
        return listApiKeys(ctx, request.query);
      },
    );

    app.delete(
      '/api-keys/:id',
      {
        schema: {
          tags: ['api keys'],
          summary: 'Revoke an API key; requests with it fail with 401 from now on',
          params: idParams,
          response: { 204: z.null().describe('Revoked') },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'apikeys:manage');
        await revokeApiKeyById(ctx, request.params.id, actorOf(principal));
        return reply.status(204).send(null);
      },
    );
  };
}
