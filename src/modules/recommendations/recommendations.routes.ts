import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { requireMember, requireMemberAccess, requireScope } from '../../http/authenticate.ts';
import { buildReport } from './recommendations.report.ts';
import { loadServeSources, serveMemberList } from './recommendations.serve.ts';
import { serveSession } from './recommendations.session.ts';
import { getRecommendationSettings } from './recommendations.settings.ts';
import { serveSimilar } from './recommendations.similar.ts';
import {
  DEFAULT_REPORT_DAYS,
  itemParams,
  MAX_REPORT_DAYS,
  type MemberListQuery,
  memberListQuerySchema,
  memberListSchema,
  memberParams,
  type ReportQuery,
  reportQuerySchema,
  reportSchema,
  sessionBodySchema,
  similarListSchema,
  similarQuerySchema,
} from './recommendations.types.ts';

const tags = ['recommendations'];
const DAY_MS = 86_400_000;

const listOptions = (query: MemberListQuery) => ({ ...query, exclude: query.exclude ?? [] });

/** The report's range: the caller's days, else the last 30 UTC days; at most a year. */
function reportRange(ctx: AppContext, query: ReportQuery): { from: string; to: string } {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const to = query.to ?? day(ctx.clock.now());
  const from = query.from ?? day(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_REPORT_DAYS - 1) * DAY_MS);
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days > MAX_REPORT_DAYS) {
    throw appError(Errors.VALIDATION_FAILED, undefined, [
      { path: 'from', message: `the range must be at most ${MAX_REPORT_DAYS} days` },
    ]);
  }
  return { from, to };
}

/** Serving routes: member recommendations, similar items, sessions, feedback reports. */
export function recommendationRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/members/:id/recommendations',
      {
        schema: {
          tags,
          summary: 'A member’s recommendations, with a reason per item',
          params: memberParams,
          querystring: memberListQuerySchema,
          response: { 200: memberListSchema },
        },
      },
      async (request) => {
        const principal = requireMemberAccess(request, request.params.id, 'recommend:read');
        // The dashboard's member page is an operator's look, not an exposure to the member.
        const surface = principal.kind === 'operator' ? 'preview' : 'member';
        const sources = await loadServeSources(ctx);
        return serveMemberList(ctx, sources, request.params.id, listOptions(request.query), surface);
      },
    );

    app.get(
      '/me/recommendations',
      {
        schema: {
          tags,
          summary: 'The signed-in member’s recommendations',
          querystring: memberListQuerySchema,
          response: { 200: memberListSchema },
        },
      },
      async (request) => {
        const memberId = requireMember(request);
        return serveMemberList(ctx, await loadServeSources(ctx), memberId, listOptions(request.query));
      },
    );

    app.get(
      '/items/:id/similar',
      {
        schema: {
          tags,
          summary: 'Items similar to an item',
          params: itemParams,
          querystring: similarQuerySchema,
          response: { 200: similarListSchema },
        },
      },
      async (request) => {
        requireScope(request, 'recommend:read');
        return serveSimilar(ctx, await loadServeSources(ctx), request.params.id, listOptions(request.query));
      },
    );

    app.post(
      '/recommendations/session',
      {
        schema: {
          tags,
          summary: 'Recommendations for an anonymous session from its recent items',
          body: sessionBodySchema,
          response: { 200: memberListSchema },
        },
      },
      async (request) => {
        requireScope(request, 'recommend:read');
        return serveSession(ctx, await loadServeSources(ctx), request.body);
      },
    );

    app.get(
      '/recommendations/report',
      {
        schema: {
          tags,
          summary: 'Click-through and conversion per variant, daily, with an A/B comparison',
          querystring: reportQuerySchema,
          response: { 200: reportSchema },
        },
      },
      async (request) => {
        requireScope(request, 'models:read');
        const { settings } = await getRecommendationSettings(ctx);
        const variantOrder = settings.experiment?.variants.map((v) => v.name) ?? [];
        return buildReport(ctx.db, reportRange(ctx, request.query), {
          variantOrder,
          surface: request.query.surface,
        });
      },
    );
  };
}
