import { newId } from '../../lib/ids.ts';
import type { Standing } from './tiers.metric.ts';
import type { Decision } from './tiers.policy.ts';
import type { Programme } from './tiers.programme.ts';
import type { MemberTiersTable, TierHistoryTable } from './tiers.table.ts';
import type { TierDto } from './tiers.types.ts';

// What a decision turns into: the member's next row and the history entries that explain it.

/** Who moved the member, as tier_history records it. */
export interface TierActor {
  actorType: string;
  actorId: string | null;
}

/** One member's decision with what it was made from. */
export interface Planned {
  memberId: string;
  row: MemberTiersTable | null;
  standing: Standing;
  decision: Decision;
}

/** Whether the member's row must be written (before validUntil is known). */
export function touchesRow(plan: Planned, mode: 'upgrade' | 'full'): boolean {
  const { row, decision } = plan;
  if (decision.change !== null || decision.overrideEnded) return true;
  if (row === null) return false;
  const below = row.belowRetainSince === null ? null : Number(row.belowRetainSince);
  if (below !== decision.belowRetainSince) return true;
  // A full evaluation also refreshes the stored metric and validUntil.
  return mode === 'full';
}

function moveReason(plan: Planned, p: Programme): string {
  const from = p.ladder[plan.decision.from] as TierDto;
  const to = p.ladder[plan.decision.to] as TierDto;
  const metric = p.metric.metric;
  if (plan.decision.change === 'upgrade')
    return `${metric} ${plan.standing.current} reached the entry threshold of ${to.id} (${to.entryThreshold})`;
  return `${metric} stayed below the retain threshold of ${from.id} (${from.retainThreshold}) for more than ${p.settings.tiers.graceDays} grace days`;
}

/** The history a decision writes: the move of the earned tier, then the end of an override. */
export function historyFor(plan: Planned, p: Programme, actor: TierActor, now: number): TierHistoryTable[] {
  const { decision } = plan;
  const to = (p.ladder[decision.to] as TierDto).id;
  const entry = (fields: Pick<TierHistoryTable, 'fromTier' | 'change' | 'reason'>): TierHistoryTable => ({
    id: newId('tier'),
    memberId: plan.memberId,
    toTier: to,
    ...fields,
    metricValue: plan.standing.current,
    actorType: actor.actorType,
    actorId: actor.actorId,
    at: now,
  });
  const entries: TierHistoryTable[] = [];
  if (decision.change !== null) {
    const from = (p.ladder[decision.from] as TierDto).id;
    entries.push(entry({ fromTier: from, change: decision.change, reason: moveReason(plan, p) }));
  }
  if (decision.overrideEnded && plan.row?.overrideTierId)
    entries.push(
      entry({ fromTier: plan.row.overrideTierId, change: 'override_end', reason: 'override expired' }),
    );
  return entries;
}

/** The member's row after the decision; its version one up (1 for a new row). */
export function nextRow(
  plan: Planned,
  p: Programme,
  validUntil: number | null,
  now: number,
): MemberTiersTable {
  const { row, decision } = plan;
  const ended = decision.overrideEnded;
  return {
    memberId: plan.memberId,
    tierId: (p.ladder[decision.to] as TierDto).id,
    since: decision.change !== null || row === null ? now : Number(row.since),
    validUntil,
    metricValue: plan.standing.current,
    overrideTierId: ended ? null : (row?.overrideTierId ?? null),
    overrideUntil: ended ? null : (row?.overrideUntil ?? null),
    overrideReason: ended ? null : (row?.overrideReason ?? null),
    belowRetainSince: decision.belowRetainSince,
    evaluatedAt: now,
    version: row === null ? 1 : Number(row.version) + 1,
  };
}

/** Nothing but bookkeeping would change: the row stays as it is (so a rerun writes nothing). */
export function sameRow(a: MemberTiersTable, b: MemberTiersTable): boolean {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return (
    a.tierId === b.tierId &&
    n(a.validUntil) === n(b.validUntil) &&
    Number(a.metricValue) === Number(b.metricValue) &&
    a.overrideTierId === b.overrideTierId &&
    n(a.belowRetainSince) === n(b.belowRetainSince)
  );
}
