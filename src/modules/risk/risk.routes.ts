import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { requireScope } from '../../http/authenticate.ts';
import { actorOf } from '../../http/principal.ts';
import { backtestScenario } from './risk.backtest.ts';
import { FEATURE_CATALOGUE } from './risk.features.ts';
import { addListEntry, LIST_KINDS, listEntries, removeListEntry } from './risk.lists.ts';
import {
  createScenarioDraft,
  getScenario,
  listScenarioVersions,
  liveScenarios,
  parseScenarioDefinition,
  publishScenario,
} from './risk.scenarios.ts';
import { checkRisk } from './risk.service.ts';
import { RISK_ACTIONS, riskCheckSchema } from './risk.types.ts';

const tags = ['risk'];
const DAY_MS = 86_400_000;
const DEFAULT_BACKTEST_DAYS = 30;

const reasonSchema = z.object({
  code: z.string(),
  description: z.string(),
  descriptionZh: z.string().optional(),
  contribution: z.number(),
});

const checkResultSchema = z.object({
  decisionId: z.string(),
  action: z.enum(RISK_ACTIONS),
  decision: z.enum(['allow', 'review', 'block']),
  score: z.number().int(),
  reasons: z.array(reasonSchema),
  scenario: z.object({ action: z.enum(RISK_ACTIONS), version: z.number().int() }).nullable(),
  caseId: z.string().nullable(),
});

const actionParams = z.strictObject({ action: z.enum(RISK_ACTIONS) });
const versionParams = z.strictObject({
  action: z.enum(RISK_ACTIONS),
  version: z.coerce.number().int().min(1),
});

const scenarioSchema = z.object({
  action: z.enum(RISK_ACTIONS),
  version: z.number().int(),
  status: z.enum(['draft', 'live', 'retired']),
  definition: z.unknown(),
  note: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const listEntrySchema = z.object({
  id: z.string(),
  list: z.enum(['allow', 'block']),
  kind: z.enum(LIST_KINDS),
  value: z.string(),
  note: z.string().nullable(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});

const newListEntrySchema = z.strictObject({
  list: z.enum(['allow', 'block']),
  kind: z.enum(LIST_KINDS),
  value: z.string().min(1).max(128),
  note: z.string().max(500).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

/** Risk decisions, scenarios and lists. */
export function riskRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/risk/check',
      {
        schema: {
          tags,
          summary:
            'Decide an attempt (login, signup, order, redeem, transfer, coupon): allow, review or block, with reasons',
          body: riskCheckSchema,
          response: { 200: checkResultSchema },
        },
      },
      async (request) => {
        requireScope(request, 'risk:check');
        return checkRisk(ctx, request.body);
      },
    );

    app.get(
      '/risk/features',
      {
        schema: {
          tags,
          summary: 'Every feature a scenario rule may name',
          response: { 200: z.record(z.string(), z.string()) },
        },
      },
      async (request) => {
        requireScope(request, 'risk:read');
        return FEATURE_CATALOGUE;
      },
    );

    const scenarioDto = (s: Awaited<ReturnType<typeof getScenario>>) => ({
      ...s,
      createdAt: new Date(s.createdAt).toISOString(),
      publishedAt: iso(s.publishedAt),
    });

    app.get(
      '/risk/scenarios/:action',
      {
        schema: {
          tags,
          summary: 'Every version of an action’s scenario, newest first',
          params: actionParams,
          response: { 200: z.object({ data: z.array(scenarioSchema) }) },
        },
      },
      async (request) => {
        requireScope(request, 'risk:read');
        return { data: (await listScenarioVersions(ctx, request.params.action)).map(scenarioDto) };
      },
    );

    app.get(
      '/risk/scenarios/:action/:version',
      {
        schema: {
          tags,
          summary: 'One scenario version',
          params: versionParams,
          response: { 200: scenarioSchema },
        },
      },
      async (request) => {
        requireScope(request, 'risk:read');
        return scenarioDto(await getScenario(ctx, request.params.action, request.params.version));
      },
    );

    app.post(
      '/risk/scenarios/:action',
      {
        schema: {
          tags,
          summary: 'Save a new draft version of an action’s scenario',
          params: actionParams,
          body: z.strictObject({ definition: z.unknown(), note: z.string().max(500).optional() }),
          response: { 201: scenarioSchema },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'risk:manage');
        const saved = await createScenarioDraft(ctx, request.params.action, request.body, actorOf(principal));
        reply.code(201);
        return scenarioDto(saved);
      },
    );

    app.post(
      '/risk/scenarios/:action/:version/publish',
      {
        schema: {
          tags,
          summary: 'Make a version live (retiring the current one)',
          params: versionParams,
          response: { 200: scenarioSchema },
        },
      },
      async (request) => {
        const principal = requireScope(request, 'risk:manage');
        return scenarioDto(
          await publishScenario(ctx, request.params.action, request.params.version, actorOf(principal)),
        );
      },
    );

    app.post(
      '/risk/scenarios/:action/backtest',
      {
        schema: {
          tags,
          summary:
            'Replay stored decisions of a time range through a scenario (a definition, a saved version, or the live one)',
          params: actionParams,
          body: z.strictObject({
            definition: z.unknown().optional(),
            version: z.number().int().min(1).optional(),
            from: z.iso.date().optional(),
            to: z.iso.date().optional(),
          }),
        },
      },
      async (request) => {
        requireScope(request, 'risk:read');
        const { action } = request.params;
        const body = request.body;
        if (body.definition !== undefined && body.version !== undefined)
          throw appError(Errors.VALIDATION_FAILED, undefined, [
            { path: 'version', message: 'give a definition or a version, not both' },
          ]);
        const definition =
          body.definition !== undefined
            ? parseScenarioDefinition(body.definition)
            : body.version !== undefined
              ? (await getScenario(ctx, action, body.version)).definition
              : (await liveScenarios(ctx)).get(action)?.definition;
        if (!definition) throw appError(Errors.RISK_SCENARIO_NOT_FOUND);
        // Up to now, inclusive; or to the end of the `to` day.
        const toMs = body.to ? Date.parse(`${body.to}T00:00:00Z`) + DAY_MS : ctx.clock.now() + 1;
        const fromMs = body.from
          ? Date.parse(`${body.from}T00:00:00Z`)
          : toMs - DEFAULT_BACKTEST_DAYS * DAY_MS;
        if (fromMs >= toMs)
          throw appError(Errors.VALIDATION_FAILED, undefined, [
            { path: 'from', message: 'must be before to' },
          ]);
        return backtestScenario(ctx.db, action, definition, { fromMs, toMs });
      },
    );

    const entryDto = (e: Awaited<ReturnType<typeof listEntries>>[number]) => ({
      ...e,
      expiresAt: iso(e.expiresAt),
      createdAt: new Date(e.createdAt).toISOString(),
    });

    app.get(
      '/risk/lists',
      {
        schema: {
          tags,
          summary: 'Allow and block list entries, newest first',
          querystring: z.strictObject({ list: z.enum(['allow', 'block']).optional() }),
          response: { 200: z.object({ data: z.array(listEntrySchema) }) },
        },
      },
      async (request) => {
        requireScope(request, 'risk:read');
        return { data: (await listEntries(ctx.db, request.query.list)).map(entryDto) };
      },
    );

    app.post(
      '/risk/lists',
      {
        schema: {
          tags,
          summary: 'Put a member, device, IP or payment instrument on a list',
          body: newListEntrySchema,
          response: { 201: listEntrySchema },
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'risk:manage');
        const { expiresAt, ...rest } = request.body;
        const expires = expiresAt === undefined ? undefined : Date.parse(expiresAt);
        if (expires !== undefined && expires <= ctx.clock.now())
          throw appError(Errors.VALIDATION_FAILED, undefined, [
            { path: 'expiresAt', message: 'must be in the future' },
          ]);
        const entry = await addListEntry(ctx, { ...rest, expiresAt: expires }, actorOf(principal));
        reply.code(201);
        return entryDto(entry);
      },
    );

    app.delete(
      '/risk/lists/:id',
      {
        schema: {
          tags,
          summary: 'Remove a list entry',
          params: z.strictObject({ id: z.string().min(1).max(64) }),
        },
      },
      async (request, reply) => {
        const principal = requireScope(request, 'risk:manage');
        await removeListEntry(ctx, request.params.id, actorOf(principal));
        reply.code(204);
      },
    );
  };
}
