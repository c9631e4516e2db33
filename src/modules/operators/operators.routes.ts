import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { requireScope } from '../../http/authenticate.ts';
import { actorOf } from '../../http/principal.ts';
import {
  createOperator,
  getOperator,
  listOperators,
  loginOperator,
  updateOperatorById,
} from './operators.service.ts';
import {
  createOperatorBodySchema,
  listOperatorsQuerySchema,
  operatorDtoSchema,
  operatorLoginBodySchema,
  operatorLoginResultSchema,
  updateOperatorBodySchema,
} from './operators.types.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });
const tags = ['operators'];

/** `/v1/operators`: login, the caller's own account, and admin management of operators. */
export function operatorRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/operators/login',
      {
        schema: {
          tags,
          summary: 'Operator login: returns an operator token (rate-limited per account and per address)',
          security: [],
          body: operatorLoginBodySchema,
          response: { 200: operatorLoginResultSchema },
        },
      },
      async (request) => loginOperator(ctx, request.body, request.ip),
    );

    app.get(
      '/operators/me',
      { schema: { tags, summary: 'The signed-in operator', response: { 200: operatorDtoSchema } } },
      async (request) => {
        const principal = request.principal;
        if (!principal) throw appError(Errors.AUTH_REQUIRED);
        if (principal.kind !== 'operator')
          throw appError(Errors.AUTH_FORBIDDEN, 'This route is for operators');
        return getOperator(ctx, principal.id);
      },
    );

    app.post(
      '/operators',
      {
        schema: {
          tags,
          summary: 'Create an operator (scope operators:manage)',
          body: createOperatorBodySchema,
          response: { 201: operatorDtoSchema },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'operators:manage');
        return reply.status(201).send(await createOperator(ctx, request.body, actorOf(principal)));
      },
    );

    app.get(
      '/operators',
      {
        schema: {
          tags,
          summary: 'List operators by username (scope operators:manage)',
          querystring: listOperatorsQuerySchema,
          response: {
            200: z.object({ data: z.array(operatorDtoSchema), nextCursor: z.string().nullable() }),
          },
        },
      },
      async (request) => {
        requireScope(request, 'operators:manage');
        return listOperators(ctx, request.query);
      },
    );

    app.patch(
      '/operators/:id',
      {
        schema: {
          tags,
          summary: 'Change an operator’s role, disabled flag or password (scope operators:manage)',
          params: idParams,
          body: updateOperatorBodySchema,
          response: { 200: operatorDtoSchema },
        },
      },
      async (request) => {
        const principal = requireScope(request, 'operators:manage');
        return updateOperatorById(ctx, request.params.id, request.body, actorOf(principal));
      },
    );
  };
}
