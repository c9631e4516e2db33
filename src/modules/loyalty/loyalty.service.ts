import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { newId } from '../../lib/ids.ts';
import { appendAudit } from '../audit/index.ts';
import { cached, invalidate } from './loyalty.cache.ts';
import { ruleOrder } from './loyalty.engine.ts';
import {
  findRuleRow,
  insertRuleRow,
  insertRuleVersion,
  listActiveRuleRows,
  listRuleRows,
  listRuleVersionRows,
  updateRuleRow,
} from './loyalty.repository.ts';
import { inputToRule, rowToRule, ruleToDto, ruleToRow } from './loyalty.rules.ts';
import type {
  LoyaltyActor,
  Rule,
  RuleDto,
  RuleInput,
  RuleListQuery,
  RuleReplace,
  RuleVersionDto,
} from './loyalty.types.ts';

async function findRule(db: Database, id: string): Promise<Rule> {
  const row = await findRuleRow(db, id);
  if (!row) throw appError(Errors.LOYALTY_RULE_NOT_FOUND);
  return rowToRule(row);
}

/** Saves `rule` as a version of its own, so a ledger entry's rule_version can always be read back. */
async function saveVersion(db: Database, rule: Rule, actor: LoyaltyActor): Promise<void> {
  await insertRuleVersion(db, {
    ruleId: rule.id,
    version: rule.version,
    definition: JSON.stringify(ruleToDto(rule)),
    changedBy: actor.actorId,
    changedAt: rule.updatedAt,
  });
}

/** Names of the fields that differ between two versions (for the audit entry). */
function changedFields(before: Rule, after: Rule): string[] {
  const a = ruleToDto(before) as Record<string, unknown>;
  const b = ruleToDto(after) as Record<string, unknown>;
  const ignore = new Set(['version', 'updatedAt', 'createdAt', 'id']);
  return Object.keys(b).filter((k) => !ignore.has(k) && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** Creates a rule (version 1) inside `trx`, audited; the caller drops the rule cache after commit. */
export async function insertRule(
  ctx: AppContext,
  trx: Database,
  input: RuleInput,
  actor: LoyaltyActor,
): Promise<Rule> {
  const now = ctx.clock.now();
  const rule = inputToRule(input, { id: newId('rule'), version: 1, createdAt: now, updatedAt: now });
  await insertRuleRow(trx, ruleToRow(rule));
  await saveVersion(trx, rule, actor);
  await appendAudit(ctx, trx, {
    ...actor,
    action: 'loyalty.rule.create',
    targetType: 'loyalty_rule',
    targetId: rule.id,
    details: { name: rule.name, trigger: rule.trigger, status: rule.status, version: 1 },
  });
  return rule;
}

/** POST /v1/loyalty/rules. */
export async function createRule(ctx: AppContext, input: RuleInput, actor: LoyaltyActor): Promise<RuleDto> {
  const rule = await ctx.db.transaction().execute((trx) => insertRule(ctx, trx, input, actor));
  invalidate(ctx, 'activeRules');
  return ruleToDto(rule);
}

/** Writes `next` over `current` when nobody changed it meanwhile; audited as `action`. */
async function saveChange(
  ctx: AppContext,
  trx: Database,
  current: Rule,
  next: Rule,
  action: string,
  actor: LoyaltyActor,
): Promise<void> {
  const { id: _id, createdAt: _createdAt, ...row } = ruleToRow(next);
  if (!(await updateRuleRow(trx, current.id, current.version, row)))
    throw appError(Errors.LOYALTY_RULE_VERSION_CONFLICT);
  await saveVersion(trx, next, actor);
  await appendAudit(ctx, trx, {
    ...actor,
    action,
    targetType: 'loyalty_rule',
    targetId: current.id,
    details: { name: next.name, version: next.version, changed: changedFields(current, next) },
  });
}

/** PUT /v1/loyalty/rules/{id}: the whole rule over `version`; 409 when it is stale. */
export async function replaceRule(
  ctx: AppContext,
  id: string,
  input: RuleReplace,
  actor: LoyaltyActor,
): Promise<RuleDto> {
  const saved = await ctx.db.transaction().execute(async (trx) => {
    const current = await findRule(trx, id);
    if (current.version !== input.version) throw appError(Errors.LOYALTY_RULE_VERSION_CONFLICT);
    const { version: _version, ...fields } = input;
    const next = inputToRule(fields, {
      id,
      version: current.version + 1,
      createdAt: current.createdAt,
      updatedAt: ctx.clock.now(),
    });
    await saveChange(ctx, trx, current, next, 'loyalty.rule.update', actor);
    return next;
  });
  invalidate(ctx, 'activeRules');
  return ruleToDto(saved);
}

/** Archives a rule (rules are never deleted: ledger entries name them). Archiving twice is a no-op. */
export async function archiveRule(
  ctx: AppContext,
  id: string,
  version: number | undefined,
  actor: LoyaltyActor,
): Promise<RuleDto> {
  const saved = await ctx.db.transaction().execute(async (trx) => {
    const current = await findRule(trx, id);
    if (version !== undefined && current.version !== version)
      throw appError(Errors.LOYALTY_RULE_VERSION_CONFLICT);
    if (current.status === 'archived') return current;
    const next: Rule = {
      ...current,
      status: 'archived',
      version: current.version + 1,
      updatedAt: ctx.clock.now(),
    };
    await saveChange(ctx, trx, current, next, 'loyalty.rule.archive', actor);
    return next;
  });
  invalidate(ctx, 'activeRules');
  return ruleToDto(saved);
}

export async function getRule(ctx: AppContext, id: string): Promise<RuleDto> {
  return ruleToDto(await findRule(ctx.db, id));
}

/** Rules in evaluation order (trigger, priority, id), filtered and keyset-paginated. */
export async function listRules(
  ctx: AppContext,
  query: RuleListQuery,
): Promise<{ data: RuleDto[]; nextCursor: string | null }> {
  const after = decodeCursor<[string, number, string]>(query.cursor, ['string', 'number', 'string']);
  const rows = await listRuleRows(ctx.db, query, after, query.limit + 1);
  const page = toPage(rows, query.limit, (r) => [r.trigger, Number(r.priority), r.id]);
  return { data: page.data.map((r) => ruleToDto(rowToRule(r))), nextCursor: page.nextCursor };
}

/** Every saved version of a rule, newest first. */
export async function listRuleVersions(ctx: AppContext, id: string): Promise<RuleVersionDto[]> {
  await findRule(ctx.db, id);
  const rows = await listRuleVersionRows(ctx.db, id);
  return rows.map((row) => ({
    version: Number(row.version),
    rule: JSON.parse(row.definition) as RuleDto,
    changedBy: row.changedBy,
    changedAt: new Date(Number(row.changedAt)).toISOString(),
  }));
}

/** Active rules by trigger, each list in evaluation order; cached for a few seconds per process. */
export function activeRulesByTrigger(ctx: AppContext, db: Database = ctx.db): Promise<Map<string, Rule[]>> {
  return cached(ctx, 'activeRules', async () => {
    const byTrigger = new Map<string, Rule[]>();
    for (const rule of (await listActiveRuleRows(db)).map(rowToRule)) {
      const list = byTrigger.get(rule.trigger) ?? [];
      list.push(rule);
      byTrigger.set(rule.trigger, list);
    }
    for (const list of byTrigger.values()) list.sort(ruleOrder);
    return byTrigger;
  });
}

/** Drops this process's cached rules (after rules were written past the service). */
export function forgetCachedRules(ctx: AppContext): void {
  invalidate(ctx, 'activeRules');
}
