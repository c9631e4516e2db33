import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireScope } from '../../http/authenticate.ts';
import { pageQuerySchema } from '../../http/pagination.ts';
import { actorOf } from '../../http/principal.ts';
import {
  assignCase,
  type CaseDetail,
  type CaseSummary,
  commentOnCase,
  getCase,
  listCases,
  resolveCase,
} from './risk.cases.ts';
import { linkedAccounts } from './risk.links.ts';

const tags = ['risk'];
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const summarySchema = z.object({
  id: z.string(),
  decisionId: z.string(),
  memberId: z.string().nullable(),
  action: z.string(),
  score: z.number().int(),
  status: z.enum(['open', 'resolved']),
  assignee: z.string().nullable(),
  resolution: z.enum(['fraud', 'legit']).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});

const detailSchema = summarySchema.extend({
  note: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  decision: z.object({
    decision: z.string(),
    reasons: z.array(
      z.object({
        code: z.string(),
        description: z.string(),
        descriptionZh: z.string().optional(),
        contribution: z.number(),
      }),
    ),
    features: z.record(z.string(), z.unknown()),
    inputs: z.record(z.string(), z.unknown()),
    scenarioVersion: z.number().int().nullable(),
    createdAt: z.string(),
  }),
  comments: z.array(
    z.object({ id: z.string(), author: z.string(), text: z.string(), createdAt: z.string() }),
  ),
});

function summaryDto(c: CaseSummary) {
  return {
    ...c,
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
  };
}

function detailDto(c: CaseDetail) {
  return {
    ...c,
    ...summaryDto(c),
    resolvedAt: iso(c.resolvedAt),
    decision: { ...c.decision, createdAt: new Date(c.decision.createdAt).toISOString() },
    comments: c.comments.map((m) => ({ ...m, createdAt: new Date(m.createdAt).toISOString() })),
  };
}

const caseParams = z.strictObject({ id: z.string().min(1).max(64) });
/** The case's version as last read: when given, a change made since is 409 RISK_CASE_CONFLICT. */
const version = z.number().int().min(1).optional();

/** The review queue: list, read, assign, comment, resolve. */
export function riskCaseRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/risk/cases',
      {
        schema: {
          tags,
          summary: 'Review cases, newest first',
          querystring: pageQuerySchema.extend({
            status: z.enum(['open', 'resolved']).optional(),
            assignee: z.string().max(64).optional(),
          }),
          response: { 200: z.object({ data: z.array(summarySchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => {
        requireScope(request, 'risk:read');
        const page = await listCases(ctx.db, request.query);
        return { data: page.data.map(summaryDto), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/risk/cases/:id',
      {
        schema: {
          tags,
          summary: 'A case with its decision and comments',
          params: caseParams,
          response: { 200: detailSchema },
        },
      },
      async (request) => {
        requireScope(request, 'risk:read');
        return detailDto(await getCase(ctx.db, request.params.id));
      },
    );

    app.get(
      '/risk/members/:id/links',
      {
        schema: {
          tags,
          summary: 'Accounts linked to a member through the devices and IPs of their risk checks',
          params: caseParams,
          response: {
            200: z.object({
              memberId: z.string(),
              nodes: z.array(
                z.object({
                  id: z.string(),
                  kind: z.enum(['member', 'device', 'ip']),
                  fraud: z.boolean().optional(),
                }),
              ),
              edges: z.array(z.object({ member: z.string(), hub: z.string(), checks: z.number().int() })),
              truncated: z.boolean(),
            }),
          },
        },
      },
      async (request) => {
        requireScope(request, 'risk:read');
        return linkedAccounts(ctx.db, request.params.id);
      },
    );

    app.post(
      '/risk/cases/:id/assign',
      {
        schema: {
          tags,
          summary: 'Assign an open case to an operator (null: unassign)',
          params: caseParams,
          body: z.strictObject({ version, assignee: z.string().min(1).max(64).nullable() }),
          response: { 200: detailSchema },
        },
      },
      async (request) => {
        const principal = requireScope(request, 'risk:review');
        return detailDto(await assignCase(ctx, request.params.id, request.body, actorOf(principal)));
      },
    );

    app.post(
      '/risk/cases/:id/comments',
      {
        schema: {
          tags,
          summary: 'Comment on a case',
          params: caseParams,
          body: z.strictObject({ version, text: z.string().trim().min(1).max(4000) }),
          response: { 200: detailSchema },
        },
      },
      async (request) => {
        const principal = requireScope(request, 'risk:review');
        return detailDto(await commentOnCase(ctx, request.params.id, request.body, actorOf(principal)));
      },
    );

    app.post(
      '/risk/cases/:id/resolve',
      {
        schema: {
          tags,
          summary: 'Resolve a case as fraud or legit; the label goes to its decision for retraining',
          params: caseParams,
          body: z.strictObject({
            version,
            label: z.enum(['fraud', 'legit']),
            note: z.string().max(4000).optional(),
          }),
          response: { 200: detailSchema },
        },
      },
      async (request) => {
        const principal = requireScope(request, 'risk:review');
        return detailDto(await resolveCase(ctx, request.params.id, request.body, actorOf(principal)));
      },
    );
  };
}
