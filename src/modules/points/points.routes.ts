import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { requireMember, requireMemberAccess, requireScope } from '../../http/authenticate.ts';
import { zodDetails } from '../../http/error-handler.ts';
import { actorOf } from '../../http/principal.ts';
import { getProgrammeSettings } from '../loyalty/programme.service.ts';
import { expiryFor } from '../loyalty/programme.settings.ts';
import { getPointsLiability, liabilityQuerySchema, liabilitySchema } from './points.liability.ts';
import { getPointsSummary, listExpiringPoints, listPointsLedger } from './points.read.ts';
import { consultRisk } from './points.risk-gate.ts';
import { adjustPoints, earnPoints, redeemPoints } from './points.service.ts';
import { transferPoints } from './points.transfer.ts';
import {
  expiringListSchema,
  expiringQuerySchema,
  idempotencyHeaders,
  ledgerEntryDtoSchema,
  ledgerQuerySchema,
  memberIdParams,
  pointsAdjustSchema,
  pointsChangeSchema,
  pointsSummarySchema,
  pointsTransferSchema,
  transferResultSchema,
} from './points.types.ts';

type WriteBody = typeof pointsChangeSchema | typeof pointsAdjustSchema | typeof pointsTransferSchema;

/**
 * Fastify stops at the first failing part (the body comes before headers), so a bad or missing
 * Idempotency-Key is checked first here and reported together with every bad body field.
 */
function checkIdempotencyKey(body: WriteBody) {
  return async (request: FastifyRequest) => {
    const header = idempotencyHeaders.safeParse(request.headers);
    if (header.success) return;
    const parsed = body.safeParse(request.body);
    throw appError(Errors.VALIDATION_FAILED, undefined, [
      ...zodDetails(header.error, 'headers'),
      ...(parsed.success ? [] : zodDetails(parsed.error)),
    ]);
  };
}

const writeSchema = <B extends WriteBody>(summary: string, body: B) => ({
  tags: ['points'],
  summary,
  params: memberIdParams,
  headers: idempotencyHeaders,
  body,
  response: { 200: ledgerEntryDtoSchema },
});

/** `/v1/members/{id}/points`: balances, ledger, earn, redeem and operator adjust. */
export function pointsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/members/:id/points',
      {
        schema: {
          tags: ['points'],
          summary: 'A member’s balances and the points expiring in the next 30 days',
          params: memberIdParams,
          response: { 200: pointsSummarySchema },
        },
      },
      async (request) => {
        requireMemberAccess(request, request.params.id, 'points:read');
        return getPointsSummary(ctx, request.params.id);
      },
    );

    app.get(
      '/members/:id/points/ledger',
      {
        schema: {
          tags: ['points'],
          summary: 'A member’s ledger entries, newest first',
          params: memberIdParams,
          querystring: ledgerQuerySchema,
          response: {
            200: z.object({ data: z.array(ledgerEntryDtoSchema), nextCursor: z.string().nullable() }),
          },
        },
      },
      async (request) => {
        requireMemberAccess(request, request.params.id, 'points:read');
        return listPointsLedger(ctx, request.params.id, request.query);
      },
    );

    app.post(
      '/members/:id/points/earn',
      {
        preValidation: checkIdempotencyKey(pointsChangeSchema),
        schema: writeSchema(
          'Add points; a retry with the same Idempotency-Key changes nothing',
          pointsChangeSchema,
        ),
      },
      async (request) => {
        const principal = requireScope(request, 'points:write');
        const settings = await getProgrammeSettings(ctx);
        return earnPoints(ctx, {
          memberId: request.params.id,
          ...request.body,
          source: { type: principal.kind, id: principal.id },
          idempotencyKey: request.headers['idempotency-key'],
          expiresAt: expiryFor(settings.expiry, ctx.clock.now()),
        });
      },
    );

    app.post(
      '/members/:id/points/redeem',
      {
        preValidation: checkIdempotencyKey(pointsChangeSchema),
        schema: writeSchema(
          'Spend points; 409 POINTS_INSUFFICIENT when the balance is short',
          pointsChangeSchema,
        ),
      },
      async (request) => {
        requireScope(request, 'points:write');
        const key = request.headers['idempotency-key'];
        await consultRisk(
          ctx,
          { action: 'redeem', memberId: request.params.id, points: request.body.points },
          key,
        );
        return redeemPoints(ctx, {
          memberId: request.params.id,
          ...request.body,
          idempotencyKey: request.headers['idempotency-key'],
        });
      },
    );

    app.post(
      '/members/:id/points/adjust',
      {
        preValidation: checkIdempotencyKey(pointsAdjustSchema),
        schema: writeSchema(
          'Operator correction with a reason (audited); never below zero',
          pointsAdjustSchema,
        ),
      },
      async (request) => {
        const principal = requireScope(request, 'points:write');
        if (principal.kind !== 'operator')
          throw appError(Errors.AUTH_FORBIDDEN, 'Only operators adjust points');
        const settings = await getProgrammeSettings(ctx);
        return adjustPoints(ctx, {
          memberId: request.params.id,
          ...request.body,
          idempotencyKey: request.headers['idempotency-key'],
          actor: actorOf(principal),
          expiresAt: expiryFor(settings.expiry, ctx.clock.now()),
        });
      },
    );

    app.get(
      '/stats/points',
      {
        schema: {
          tags: ['points', 'stats'],
          summary: 'Outstanding points, what expires in 30 and 90 days, and the daily flow',
          querystring: liabilityQuerySchema,
          response: { 200: liabilitySchema },
        },
      },
      async (request) => {
        requireScope(request, 'stats:read');
        return getPointsLiability(ctx, request.query.days);
      },
    );

    app.get(
      '/members/:id/points/expiring',
      {
        schema: {
          tags: ['points'],
          summary: 'Available points by expiry date over the next `days` days (default 90)',
          params: memberIdParams,
          querystring: expiringQuerySchema,
          response: { 200: expiringListSchema },
        },
      },
      async (request) => {
        requireMemberAccess(request, request.params.id, 'points:read');
        return listExpiringPoints(ctx, request.params.id, request.query.days);
      },
    );

    app.post(
      '/points/transfers',
      {
        preValidation: checkIdempotencyKey(pointsTransferSchema),
        schema: {
          tags: ['points'],
          summary: 'Send points from one member to another, within the programme’s transfer limits',
          headers: idempotencyHeaders,
          body: pointsTransferSchema,
          response: { 200: transferResultSchema },
        },
      },
      async (request) => {
        // A member may send their own points; the store and operators need points:write.
        const principal = request.principal;
        const byMember = principal?.kind === 'member' && principal.memberId === request.body.fromMemberId;
        if (!byMember) requireScope(request, 'points:write');
        await consultRisk(
          ctx,
          {
            action: 'transfer',
            memberId: request.body.fromMemberId,
            points: request.body.points,
            recipientMemberId: request.body.toMemberId,
            // The member's own session: its address and browser are the member's.
            ...(byMember
              ? { context: { ip: request.ip, userAgent: request.headers['user-agent']?.slice(0, 512) } }
              : {}),
          },
          request.headers['idempotency-key'],
        );
        const settings = await getProgrammeSettings(ctx);
        return transferPoints(
          ctx,
          { ...request.body, idempotencyKey: request.headers['idempotency-key'] },
          settings.transfers,
        );
      },
    );

    app.get(
      '/me/points',
      {
        schema: {
          tags: ['points'],
          summary: 'The signed-in member’s balances and the points expiring in the next 30 days',
          response: { 200: pointsSummarySchema },
        },
      },
      async (request) => getPointsSummary(ctx, requireMember(request)),
    );

    app.get(
      '/me/points/ledger',
      {
        schema: {
          tags: ['points'],
          summary: 'The signed-in member’s ledger entries, newest first',
          querystring: ledgerQuerySchema,
          response: {
            200: z.object({ data: z.array(ledgerEntryDtoSchema), nextCursor: z.string().nullable() }),
          },
        },
      },
      async (request) => listPointsLedger(ctx, requireMember(request), request.query),
    );
  };
}
