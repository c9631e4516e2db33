import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireScope } from '../../http/authenticate.ts';
import { getItem, listCategories, listItems, saveItems } from './items.service.ts';
import {
  categoryCountSchema,
  itemBatchSchema,
  itemDtoSchema,
  itemFieldsSchema,
  itemListQuerySchema,
  storeIdSchema,
} from './items.types.ts';

const idParams = z.object({ id: storeIdSchema });
const batchResultSchema = z.object({ created: z.number().int(), updated: z.number().int() });

/** `/v1/items`: the store's catalogue — upsert one, upsert a batch, read, list. */
export function itemRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.put(
      '/items/:id',
      {
        schema: {
          tags: ['items'],
          summary: 'Create or replace an item by the store’s id (201 created, 200 replaced)',
          params: idParams,
          body: itemFieldsSchema,
          response: { 200: itemDtoSchema, 201: itemDtoSchema },
        },
      },
      async (request, reply) => {
        requireScope(request, 'items:write');
        const item = { ...request.body, id: request.params.id };
        const result = await ctx.db.transaction().execute((trx) => saveItems(ctx, trx, [item]));
        return reply.status(result.created === 1 ? 201 : 200).send(await getItem(ctx, item.id));
      },
    );

    app.post(
      '/items/batch',
      {
        schema: {
          tags: ['items'],
          summary: 'Create or replace up to 1,000 items, all or nothing',
          body: itemBatchSchema,
          response: { 200: batchResultSchema },
        },
      },
      async (request) => {
        requireScope(request, 'items:write');
        return ctx.db.transaction().execute((trx) => saveItems(ctx, trx, request.body.items));
      },
    );

    app.get(
      '/items/categories',
      {
        schema: {
          tags: ['items'],
          summary: 'Top-level categories with their item counts, largest first',
          response: { 200: z.object({ data: z.array(categoryCountSchema) }) },
        },
      },
      async (request) => {
        requireScope(request, 'items:read');
        return listCategories(ctx);
      },
    );

    app.get(
      '/items/:id',
      {
        schema: { tags: ['items'], summary: 'One item', params: idParams, response: { 200: itemDtoSchema } },
      },
      async (request) => {
        requireScope(request, 'items:read');
        return getItem(ctx, request.params.id);
      },
    );

    app.get(
      '/items',
      {
        schema: {
          tags: ['items'],
          summary:
            'Items in id order, filtered by top-level category, brand, stock or a text in the title or id',
          querystring: itemListQuerySchema,
          response: { 200: z.object({ data: z.array(itemDtoSchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => {
        requireScope(request, 'items:read');
        return listItems(ctx, request.query);
      },
    );
  };
}
