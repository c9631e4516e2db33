import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireScope } from '../../http/authenticate.ts';
import { actorOf } from '../../http/principal.ts';
import { previewRules } from './loyalty.preview.ts';
import {
  archiveRule,
  createRule,
  getRule,
  listRules,
  listRuleVersions,
  replaceRule,
} from './loyalty.service.ts';
import {
  archiveBodySchema,
  previewBodySchema,
  previewResultSchema,
  programmeDtoSchema,
  programmePutSchema,
  ruleDtoSchema,
  ruleIdParams,
  ruleInputSchema,
  ruleListQuerySchema,
  ruleReplaceSchema,
  ruleVersionDtoSchema,
} from './loyalty.types.ts';
import { getProgramme, updateProgramme } from './programme.service.ts';

const tags = ['loyalty'];

/** `/v1/loyalty/rules` (earning rules, their versions, preview) and `/v1/loyalty/programme`. */
export function loyaltyRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/loyalty/rules',
      {
        schema: {
          tags,
          summary: 'Earning rules in evaluation order (trigger, priority), filtered by trigger or status',
          querystring: ruleListQuerySchema,
          response: { 200: z.object({ data: z.array(ruleDtoSchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => {
        requireScope(request, 'loyalty:read');
        return listRules(ctx, request.query);
      },
    );

    app.post(
      '/loyalty/rules',
      {
        schema: {
          tags,
          summary: 'Create an earning rule (version 1; audited)',
          body: ruleInputSchema,
          response: { 201: ruleDtoSchema },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'loyalty:write');
        return reply.status(201).send(await createRule(ctx, request.body, actorOf(principal)));
      },
    );

    app.post(
      '/loyalty/rules/preview',
      {
        schema: {
          tags,
          summary: 'The points an event would earn, line by line, and why each rule matched or not',
          body: previewBodySchema,
          response: { 200: previewResultSchema },
        },
      },
      async (request) => {
        requireScope(request, 'loyalty:read');
        // A member's tier, attributes and birthday month shape the answer: reading them needs members:read.
        if (request.body.memberId !== undefined) requireScope(request, 'members:read');
        return previewRules(ctx, request.body);
      },
    );

    app.get(
      '/loyalty/rules/:id',
      {
        schema: { tags, summary: 'One earning rule', params: ruleIdParams, response: { 200: ruleDtoSchema } },
      },
      async (request) => {
        requireScope(request, 'loyalty:read');
        return getRule(ctx, request.params.id);
      },
    );

    app.put(
      '/loyalty/rules/:id',
      {
        schema: {
          tags,
          summary: 'Replace a rule; `version` must be the current one (409 LOYALTY_RULE_VERSION_CONFLICT)',
          params: ruleIdParams,
          body: ruleReplaceSchema,
          response: { 200: ruleDtoSchema },
        },
      },
      async (request) => {
        const principal = requireScope(request, 'loyalty:write');
        return replaceRule(ctx, request.params.id, request.body, actorOf(principal));
      },
    );

    // DELETE archives too: a rule that has earned points is referenced by ledger entries, so
    // it is never removed, only retired with its versions.
    app.delete(
      '/loyalty/rules/:id',
      {
        schema: {
          tags,
          summary: 'Archive a rule (same as POST …/archive); `?version=` is checked when sent',
          params: ruleIdParams,
          querystring: z.object({ version: z.coerce.number().int().min(1).optional() }),
          response: { 200: ruleDtoSchema },
        },
      },
      async (request) => {
        const principal = requireScope(request, 'loyalty:write');
        return archiveRule(ctx, request.params.id, request.query.version, actorOf(principal));
      },
    );

    app.post(
      '/loyalty/rules/:id/archive',
      {
        schema: {
          tags,
          summary: 'Archive a rule: it stops earning and is kept, with its versions (audited)',
          params: ruleIdParams,
          body: archiveBodySchema,
          response: { 200: ruleDtoSchema },
        },
      },
      async (request) => {
        const principal = requireScope(request, 'loyalty:write');
        return archiveRule(ctx, request.params.id, request.body?.version, actorOf(principal));
      },
    );

    app.get(
      '/loyalty/rules/:id/versions',
      {
        schema: {
          tags,
          summary: 'Every saved version of a rule, newest first',
          params: ruleIdParams,
          response: { 200: z.object({ data: z.array(ruleVersionDtoSchema) }) },
        },
      },
      async (request) => {
        requireScope(request, 'loyalty:read');
        return { data: await listRuleVersions(ctx, request.params.id) };
      },
    );

    app.get(
      '/loyalty/programme',
      {
        schema: {
          tags,
          summary: 'The programme settings (currency, pending days, expiry, transfers, tiers)',
          response: { 200: programmeDtoSchema },
        },
      },
      async (request) => {
        requireScope(request, 'loyalty:read');
        return getProgramme(ctx);
      },
    );

    app.put(
      '/loyalty/programme',
      {
        schema: {
          tags,
          summary: 'Replace the settings; `version` must be the current one (audited)',
          body: programmePutSchema,
          response: { 200: programmeDtoSchema },
        },
      },
      async (request) => {
        const principal = requireScope(request, 'loyalty:write');
        return updateProgramme(ctx, request.body, actorOf(principal));
      },
    );
  };
}
