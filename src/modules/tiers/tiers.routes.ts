import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { requireMember, requireMemberAccess, requireScope } from '../../http/authenticate.ts';
import { actorOf } from '../../http/principal.ts';
import { createJob, jobDtoSchema } from '../jobs/index.ts';
import { TIERS_RECALCULATE } from './tiers.job.ts';
import { getLadder, replaceLadder } from './tiers.ladder.ts';
import { getMemberTier, listTierHistory } from './tiers.member.ts';
import { endTierOverride, setTierOverride } from './tiers.override.ts';
import { getTierStats } from './tiers.stats.ts';
import {
  historyQuerySchema,
  ladderDtoSchema,
  ladderInputSchema,
  memberParams,
  memberTierDtoSchema,
  overrideEndSchema,
  overrideInputSchema,
  tierHistoryDtoSchema,
  tierStatsSchema,
} from './tiers.types.ts';

const tags = ['tiers'];

/** Overrides are a person's decision: operators with loyalty:write, not the store's API keys. */
function requireOperator(request: FastifyRequest) {
  const principal = requireScope(request, 'loyalty:write');
  if (principal.kind !== 'operator') throw appError(Errors.AUTH_FORBIDDEN, 'Only operators override tiers');
  return actorOf(principal);
}

/** `/v1/loyalty/tiers`, `/v1/members/{id}/tier…`, `/v1/me/tier` and `/v1/stats/tiers`. */
export function tierRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    // `/loyalty/tier-program` is the same resource under the name the API conventions use.
    for (const path of ['/loyalty/tiers', '/loyalty/tier-program']) {
      app.get(
        path,
        {
          schema: {
            tags,
            summary: 'The tier ladder, lowest first, and the tier settings',
            response: { 200: ladderDtoSchema },
          },
        },
        async (request) => {
          requireScope(request, 'loyalty:read');
          return getLadder(ctx);
        },
      );

      app.put(
        path,
        {
          schema: {
            tags,
            summary:
              'Replace the whole ladder (audited); members on a removed tier need a memberMapping. Metric, window and grace are programme settings (PUT /v1/loyalty/programme)',
            body: ladderInputSchema,
            response: { 200: ladderDtoSchema },
          },
        },
        async (request) => {
          const principal = requireScope(request, 'loyalty:write');
          return replaceLadder(ctx, request.body, actorOf(principal));
        },
      );
    }

    app.post(
      '/loyalty/tiers/recalculate',
      {
        schema: {
          tags,
          summary: 'Queue a recalculation of every member’s tier; follow it at GET /v1/jobs/{id}',
          response: { 202: z.object({ job: jobDtoSchema }) },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'loyalty:write');
        const job = await createJob(ctx, TIERS_RECALCULATE, {}, principal.id);
        return reply.status(202).send({ job });
      },
    );

    app.get(
      '/members/:id/tier',
      {
        schema: {
          tags,
          summary: 'A member’s tier in force, since when, until when at least, and progress',
          params: memberParams,
          response: { 200: memberTierDtoSchema },
        },
      },
      async (request) => {
        requireMemberAccess(request, request.params.id, 'points:read');
        return getMemberTier(ctx, request.params.id);
      },
    );

    app.get(
      '/members/:id/tier/history',
      {
        schema: {
          tags,
          summary: 'A member’s tier changes, newest first',
          params: memberParams,
          querystring: historyQuerySchema,
          response: {
            200: z.object({ data: z.array(tierHistoryDtoSchema), nextCursor: z.string().nullable() }),
          },
        },
      },
      async (request) => {
        requireMemberAccess(request, request.params.id, 'points:read');
        return listTierHistory(ctx, request.params.id, request.query);
      },
    );

    app.post(
      '/members/:id/tier/override',
      {
        schema: {
          tags,
          summary: 'Pin a member to a tier until a time or until removed (operators; audited)',
          params: memberParams,
          body: overrideInputSchema,
          response: { 200: memberTierDtoSchema },
        },
      },
      async (request) => {
        const actor = requireOperator(request);
        return setTierOverride(ctx, request.params.id, request.body, actor);
      },
    );

    app.delete(
      '/members/:id/tier/override',
      {
        schema: {
          tags,
          summary: 'End a member’s override: back to the earned tier (operators; audited)',
          params: memberParams,
          body: overrideEndSchema,
          response: { 200: memberTierDtoSchema },
        },
      },
      async (request) => {
        const actor = requireOperator(request);
        return endTierOverride(ctx, request.params.id, request.body.reason, actor);
      },
    );

    app.get(
      '/me/tier',
      {
        schema: {
          tags,
          summary: 'The signed-in member’s tier and progress',
          response: { 200: memberTierDtoSchema },
        },
      },
      async (request) => getMemberTier(ctx, requireMember(request)),
    );

    app.get(
      '/stats/tiers',
      {
        schema: {
          tags: ['stats'],
          summary: 'Members per tier and upgrades and downgrades per month (last 12)',
          response: { 200: tierStatsSchema },
        },
      },
      async (request) => {
        requireScope(request, 'stats:read');
        return getTierStats(ctx);
      },
    );
  };
}
