import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { appendAudit } from '../audit/index.ts';
import { DEFAULT_SCENARIOS } from './risk.default-scenarios.ts';
import { unknownFeatureNames } from './risk.rules.ts';
import {
  RISK_ACTIONS,
  type RiskAction,
  type ScenarioDefinition,
  scenarioDefinitionSchema,
} from './risk.types.ts';

// Scenarios are versioned per action: an edit is a new draft version; publishing a version makes
// it the live one and retires the previous live one, in one transaction, audited. Nothing is ever
// overwritten, so every stored decision names the exact rules that scored it. Until a shop
// publishes its own, version 1 is the built-in default, written on first use. Checks read the
// live scenarios from a per-process copy, re-read at most every LIVE_RECHECK_MS and at once after
// this process publishes (another replica's publish shows within that time).

export const LIVE_RECHECK_MS = 10_000;

export type ScenarioStatus = 'draft' | 'live' | 'retired';

export interface StoredScenario {
  action: RiskAction;
  version: number;
  status: ScenarioStatus;
  definition: ScenarioDefinition;
  note: string | null;
  createdAt: number;
  createdBy: string | null;
  publishedAt: number | null;
  publishedBy: string | null;
}

export interface ScenarioActor {
  actorType: string;
  actorId: string;
}

type Row = Awaited<ReturnType<typeof selectVersions>>[number];

function selectVersions(db: Database, action: RiskAction) {
  return db
    .selectFrom('riskScenarios')
    .selectAll()
    .where('action', '=', action)
    .orderBy('version', 'desc')
    .execute();
}

function toScenario(row: Row): StoredScenario {
  return {
    action: row.action as RiskAction,
    version: Number(row.version),
    status: row.status as ScenarioStatus,
    definition: JSON.parse(row.definition) as ScenarioDefinition,
    note: row.note,
    createdAt: Number(row.createdAt),
    createdBy: row.createdBy,
    publishedAt: row.publishedAt === null ? null : Number(row.publishedAt),
    publishedBy: row.publishedBy,
  };
}

/** Writes version 1 = the default for every action that has no scenario yet (idempotent). */
export async function seedDefaultScenarios(db: Database, now: number): Promise<void> {
  await db
    .insertInto('riskScenarios')
    .values(
      RISK_ACTIONS.map((action) => ({
        action,
        version: 1,
        status: 'live',
        definition: JSON.stringify(DEFAULT_SCENARIOS[action]),
        note: 'Membrain default',
        createdAt: now,
        createdBy: null,
        publishedAt: now,
        publishedBy: null,
      })),
    )
    .onConflict((oc) => oc.columns(['action', 'version']).doNothing())
    .execute();
}

interface LiveSlot {
  scenarios: Map<RiskAction, StoredScenario>;
  readAt: number;
}
const live = new WeakMap<Database, LiveSlot>();
const reading = new WeakMap<Database, Promise<LiveSlot>>();

async function readLive(ctx: AppContext): Promise<LiveSlot> {
  let rows = await ctx.db.selectFrom('riskScenarios').selectAll().where('status', '=', 'live').execute();
  if (rows.length < RISK_ACTIONS.length) {
    await seedDefaultScenarios(ctx.db, ctx.clock.now());
    rows = await ctx.db.selectFrom('riskScenarios').selectAll().where('status', '=', 'live').execute();
  }
  const scenarios = new Map(rows.map((row) => [row.action as RiskAction, toScenario(row)] as const));
  return { scenarios, readAt: performance.now() };
}

/** The live scenario of every action (the built-in defaults until a shop publishes its own). */
export async function liveScenarios(ctx: AppContext): Promise<Map<RiskAction, StoredScenario>> {
  const slot = live.get(ctx.db);
  if (slot && performance.now() - slot.readAt < LIVE_RECHECK_MS) return slot.scenarios;
  let pending = reading.get(ctx.db);
  if (!pending) {
    pending = readLive(ctx).finally(() => reading.delete(ctx.db));
    reading.set(ctx.db, pending);
  }
  const fresh = await pending;
  live.set(ctx.db, fresh);
  return fresh.scenarios;
}

/** Every version of an action's scenario, newest first. */
export async function listScenarioVersions(ctx: AppContext, action: RiskAction): Promise<StoredScenario[]> {
  await liveScenarios(ctx); // seeds the defaults on a new shop
  return (await selectVersions(ctx.db, action)).map(toScenario);
}

/** One version, or RISK_SCENARIO_NOT_FOUND. */
export async function getScenario(
  ctx: AppContext,
  action: RiskAction,
  version: number,
): Promise<StoredScenario> {
  const row = await ctx.db
    .selectFrom('riskScenarios')
    .selectAll()
    .where('action', '=', action)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw appError(Errors.RISK_SCENARIO_NOT_FOUND);
  return toScenario(row);
}

/**
 * Validates a definition: the schema, plus feature names the catalogue does not know (each listed,
 * with the path of its rule). Throws VALIDATION_FAILED with every problem.
 */
export function parseScenarioDefinition(input: unknown): ScenarioDefinition {
  const parsed = scenarioDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    throw appError(
      Errors.VALIDATION_FAILED,
      undefined,
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  const problems = parsed.data.rules.flatMap((rule, i) =>
    unknownFeatureNames(rule.when).map((name) => ({
      path: `rules.${i}.when`,
      message: `unknown feature ${name}`,
    })),
  );
  if (problems.length > 0) throw appError(Errors.VALIDATION_FAILED, undefined, problems);
  return parsed.data;
}

/** Saves a definition as the action's next version, a draft. */
export async function createScenarioDraft(
  ctx: AppContext,
  action: RiskAction,
  input: { definition: unknown; note?: string | undefined },
  actor: ScenarioActor,
): Promise<StoredScenario> {
  const definition = parseScenarioDefinition(input.definition);
  await liveScenarios(ctx);
  const version = await ctx.db.transaction().execute(async (trx) => {
    const top = await trx
      .selectFrom('riskScenarios')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('action', '=', action)
      .executeTakeFirst();
    const next = Number(top?.version ?? 0) + 1;
    // The primary key (action, version) makes a concurrent draft fail rather than overwrite.
    await trx
      .insertInto('riskScenarios')
      .values({
        action,
        version: next,
        status: 'draft',
        definition: JSON.stringify(definition),
        note: input.note ?? null,
        createdAt: ctx.clock.now(),
        createdBy: actor.actorId,
        publishedAt: null,
        publishedBy: null,
      })
      .execute();
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'risk.scenario.draft',
      targetType: 'risk_scenario',
      targetId: `${action}:${next}`,
      details: { rules: definition.rules.length, reviewAt: definition.reviewAt, blockAt: definition.blockAt },
    });
    return next;
  });
  return getScenario(ctx, action, version);
}

/** Makes a version live (a draft, or a retired one to roll back), retiring the current live one. */
export async function publishScenario(
  ctx: AppContext,
  action: RiskAction,
  version: number,
  actor: ScenarioActor,
): Promise<StoredScenario> {
  await ctx.db.transaction().execute(async (trx) => {
    const target = await trx
      .selectFrom('riskScenarios')
      .select('status')
      .where('action', '=', action)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!target) throw appError(Errors.RISK_SCENARIO_NOT_FOUND);
    if (target.status === 'live') return;
    const now = ctx.clock.now();
    await trx
      .updateTable('riskScenarios')
      .set({ status: 'retired' })
      .where('action', '=', action)
      .where('status', '=', 'live')
      .execute();
    await trx
      .updateTable('riskScenarios')
      .set({ status: 'live', publishedAt: now, publishedBy: actor.actorId })
      .where('action', '=', action)
      .where('version', '=', version)
      .execute();
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'risk.scenario.publish',
      targetType: 'risk_scenario',
      targetId: `${action}:${version}`,
    });
  });
  live.delete(ctx.db);
  return getScenario(ctx, action, version);
}
