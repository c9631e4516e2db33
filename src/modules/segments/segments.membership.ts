import type { AppContext } from '../../context.ts';
import { type EvaluationFacts, evaluateCondition } from './segments.evaluate.ts';
import { sqlScope } from './segments.query.ts';
import {
  liveSegmentRows,
  loadMemberClusters,
  loadMemberEvents,
  loadMemberFacts,
} from './segments.repository.ts';
import { resolveDefinition } from './segments.resolve.ts';
import { eventWindow } from './segments.sql.ts';
import type { Condition } from './segments.types.ts';
import { leavesOf } from './segments.validate.ts';

// Which segments one member is in, by evaluating the definitions over that member's rows in
// memory: a handful of primary-key reads instead of one count query per segment.

/** Loads what evaluating `conditions` for one member needs; null when the member is unknown or deleted. */
async function factsFor(
  ctx: AppContext,
  memberId: string,
  conditions: readonly Condition[],
  now: number,
): Promise<EvaluationFacts | null> {
  const facts = await loadMemberFacts(ctx.db, memberId);
  if (!facts) return null;
  const leaves = conditions.flatMap(leavesOf);
  const types = new Set<string>();
  let from: number | null = Number.POSITIVE_INFINITY;
  let needsClusters = false;
  for (const leaf of leaves) {
    if ('cluster' in leaf) needsClusters = true;
    if (!('event' in leaf)) continue;
    types.add(leaf.event.type);
    const window = eventWindow(leaf.event, now);
    from = from === null || window.from === null ? null : Math.min(from, window.from);
  }
  const [events, clusters] = await Promise.all([
    loadMemberEvents(ctx.db, memberId, [...types], from === Number.POSITIVE_INFINITY ? null : from),
    needsClusters ? loadMemberClusters(ctx.db, memberId) : Promise.resolve(new Map<string, number>()),
  ]);
  return { ...facts, events, clusters };
}

/** Whether a live member is in a resolved definition, evaluated in memory (false for unknown or deleted members). */
export async function isMemberInDefinition(
  ctx: AppContext,
  memberId: string,
  resolved: Condition,
): Promise<boolean> {
  const scope = await sqlScope(ctx);
  const facts = await factsFor(ctx, memberId, [resolved], scope.now);
  return facts !== null && evaluateCondition(resolved, facts, scope);
}

/** The live segments a member is in, by id; null when there is no such live member. */
export async function memberSegments(
  ctx: AppContext,
  memberId: string,
): Promise<{ id: string; name: string }[] | null> {
  const rows = await liveSegmentRows(ctx.db);
  const definitions = new Map(rows.map((row) => [row.id, JSON.parse(row.definition) as Condition]));
  const lookups = { segment: async (id: string) => definitions.get(id) ?? null };
  const resolved: { id: string; name: string; condition: Condition }[] = [];
  for (const row of rows) {
    const definition = definitions.get(row.id) as Condition;
    const { condition, issues } = await resolveDefinition(definition, lookups, row.id);
    if (issues.length === 0) resolved.push({ id: row.id, name: row.name, condition });
  }
  const scope = await sqlScope(ctx);
  const facts = await factsFor(
    ctx,
    memberId,
    resolved.map((r) => r.condition),
    scope.now,
  );
  if (!facts) return null;
  return resolved
    .filter((r) => evaluateCondition(r.condition, facts, scope))
    .map((r) => ({ id: r.id, name: r.name }));
}
