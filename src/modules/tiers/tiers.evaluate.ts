import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { historyFor, nextRow, type Planned, sameRow, type TierActor, touchesRow } from './tiers.changes.ts';
import { memberMetricEvents, memberStandings, ZERO_STANDING } from './tiers.metric.ts';
import { decide, qualificationLapse, validUntilFor } from './tiers.policy.ts';
import { loadProgramme, type Programme } from './tiers.programme.ts';
import * as repo from './tiers.repository.ts';
import type { MemberTiersTable, TierHistoryTable } from './tiers.table.ts';
import type { RecalculateResult, TierDto } from './tiers.types.ts';

export type { TierActor } from './tiers.changes.ts';

export interface EvaluateOptions {
  /** `upgrade`: only ever move up (the ingest path); `full`: every rule (recalculation). */
  mode: 'upgrade' | 'full';
  now: number;
  actor: TierActor;
}

/** Passes over members whose row another writer changed first; then left for the next run. */
const MAX_PASSES = 3;

export const EMPTY_RESULT: RecalculateResult = {
  evaluated: 0,
  upgraded: 0,
  downgraded: 0,
  unchanged: 0,
  overridesEnded: 0,
};

export function addResults(a: RecalculateResult, b: RecalculateResult): RecalculateResult {
  return {
    evaluated: a.evaluated + b.evaluated,
    upgraded: a.upgraded + b.upgraded,
    downgraded: a.downgraded + b.downgraded,
    unchanged: a.unchanged + b.unchanged,
    overridesEnded: a.overridesEnded + b.overridesEnded,
  };
}

/** The stored validUntil: the lapse of the new earned tier plus grace, from the member's activity. */
async function validUntils(
  trx: Database,
  p: Programme,
  plans: Planned[],
  now: number,
): Promise<Map<string, number | null>> {
  const tiered = plans.filter((plan) => plan.decision.to > 0);
  const events =
    p.metric.window === 'rolling_12_months'
      ? await memberMetricEvents(
          trx,
          p.metric,
          tiered.map((plan) => plan.memberId),
          now,
        )
      : new Map();
  const result = new Map<string, number | null>();
  for (const plan of plans) {
    const retain = (p.ladder[plan.decision.to] as TierDto).retainThreshold;
    const activity = events.get(plan.memberId) ?? [];
    const lapse = qualificationLapse(p.metric.window, retain, plan.standing, activity, now);
    result.set(
      plan.memberId,
      validUntilFor(lapse, plan.decision.to, plan.decision.belowRetainSince, p.settings.tiers, now),
    );
  }
  return result;
}

/** One pass: decide every member, write what changed; ids that lost a race come back. */
async function evaluateOnce(
  trx: Database,
  p: Programme,
  memberIds: readonly string[],
  options: EvaluateOptions,
): Promise<{ result: RecalculateResult; conflicts: string[] }> {
  const standings = await memberStandings(trx, p.metric, memberIds, options.now);
  const rows = await repo.findMemberTierRows(trx, memberIds);
  const plans = memberIds.map((memberId): Planned => {
    const row = rows.get(memberId) ?? null;
    const standing = standings.get(memberId) ?? ZERO_STANDING;
    const decision = decide({ ladder: p.ladder, row, standing, settings: p.settings.tiers, ...options });
    return { memberId, row, standing, decision };
  });
  const touched = plans.filter((plan) => touchesRow(plan, options.mode));
  const isTouched = new Set(touched);
  const until = await validUntils(trx, p, touched, options.now);
  const result = { ...EMPTY_RESULT };
  const conflicts: string[] = [];
  const history: TierHistoryTable[] = [];
  const writes = new Map<Planned, MemberTiersTable>();
  for (const plan of plans) {
    const next = isTouched.has(plan) ? nextRow(plan, p, until.get(plan.memberId) ?? null, options.now) : null;
    if (next !== null && !(plan.row !== null && sameRow(plan.row, next))) writes.set(plan, next);
  }
  // Members without a row yet (most of a first run) are inserted together.
  const inserted = await repo.insertMemberTierRows(
    trx,
    [...writes].filter(([plan]) => plan.row === null).map(([, next]) => next),
  );
  for (const plan of plans) {
    const next = writes.get(plan);
    if (next !== undefined) {
      const written =
        plan.row === null
          ? inserted.has(plan.memberId)
          : await repo.updateMemberTierRow(trx, next, Number(plan.row.version));
      if (!written) {
        conflicts.push(plan.memberId);
        continue;
      }
      history.push(...historyFor(plan, p, options.actor, options.now));
    }
    result.evaluated += 1;
    if (plan.decision.change === 'upgrade') result.upgraded += 1;
    else if (plan.decision.change === 'downgrade') result.downgraded += 1;
    else result.unchanged += 1;
    if (plan.decision.overrideEnded) result.overridesEnded += 1;
  }
  await repo.insertHistoryRows(trx, history);
  return { result, conflicts };
}

/**
 * Applies the tier rules to `memberIds` inside `trx`. Rows are written with a version check, so
 * a concurrent writer (the ingest path, an operator) makes this pass re-read that member and try
 * again instead of overwriting. Deterministic: a second run at the same instant changes nothing.
 */
export async function evaluateMembers(
  ctx: AppContext,
  trx: Database,
  memberIds: readonly string[],
  options: EvaluateOptions,
): Promise<RecalculateResult> {
  const p = await loadProgramme(ctx, trx);
  let result = { ...EMPTY_RESULT };
  // Sorted, so concurrent transactions lock member rows in the same order (no deadlocks).
  let pending = [...new Set(memberIds)].sort();
  for (let pass = 0; pass < MAX_PASSES && pending.length > 0; pass++) {
    const once = await evaluateOnce(trx, p, pending, options);
    result = addResults(result, once.result);
    pending = once.conflicts;
  }
  if (pending.length > 0) {
    ctx.log.warn({ members: pending.length }, 'tier evaluation kept losing races; left for the next run');
    result = addResults(result, { ...EMPTY_RESULT, evaluated: pending.length, unchanged: pending.length });
  }
  return result;
}

/**
 * Moves members up at once after their spend or points grew: called by event ingestion inside
 * its transaction, after points are awarded. One grouped metric query for all ids; never
 * downgrades and never ends overrides (the recalculation does).
 */
export async function applyInstantUpgrades(
  ctx: AppContext,
  trx: Database,
  memberIds: string[],
): Promise<RecalculateResult> {
  if (memberIds.length === 0) return { ...EMPTY_RESULT };
  return evaluateMembers(ctx, trx, memberIds, {
    mode: 'upgrade',
    now: ctx.clock.now(),
    actor: { actorType: 'system', actorId: 'events' },
  });
}
