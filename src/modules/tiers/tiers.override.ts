import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { appendAudit } from '../audit/index.ts';
import { findMemberTierRow, getMemberTier, requireLiveMember } from './tiers.member.ts';
import { memberStandings } from './tiers.metric.ts';
import { activeOverride, tierIndex } from './tiers.policy.ts';
import { loadProgramme } from './tiers.programme.ts';
import * as repo from './tiers.repository.ts';
import type { MemberTiersTable, TierHistoryTable } from './tiers.table.ts';
import type { MemberTierDto, OverrideInput, TierDto } from './tiers.types.ts';

type Actor = { actorType: string; actorId: string };

/** The row to change; a member never evaluated gets one on the entry tier (the tier they hold). */
async function rowToChange(
  trx: Database,
  memberId: string,
  registeredAt: number,
  ladder: readonly TierDto[],
  now: number,
) {
  const row = await findMemberTierRow(trx, memberId);
  if (row) return { row, exists: true };
  const fresh: MemberTiersTable = {
    memberId,
    tierId: (ladder[0] as TierDto).id,
    since: registeredAt,
    validUntil: null,
    metricValue: 0,
    overrideTierId: null,
    overrideUntil: null,
    overrideReason: null,
    belowRetainSince: null,
    evaluatedAt: now,
    version: 0,
  };
  return { row: fresh, exists: false };
}

/** Writes the row over the version read; a concurrent writer makes the request a 409 to retry. */
async function saveRow(trx: Database, next: MemberTiersTable, previousVersion: number, exists: boolean) {
  const written = exists
    ? await repo.updateMemberTierRow(trx, next, previousVersion)
    : await repo.insertMemberTierRow(trx, next);
  if (!written) throw appError(Errors.MEMBER_VERSION_CONFLICT, 'The member’s tier changed meanwhile; retry');
}

function historyRow(
  memberId: string,
  fields: Pick<TierHistoryTable, 'fromTier' | 'toTier' | 'change' | 'reason' | 'metricValue'>,
  actor: Actor,
  now: number,
): TierHistoryTable {
  return {
    id: newId('tier'),
    memberId,
    ...fields,
    actorType: actor.actorType,
    actorId: actor.actorId,
    at: now,
  };
}

function parseUntil(until: string | undefined, now: number): number | null {
  if (until === undefined) return null;
  const at = Date.parse(until);
  if (at <= now)
    throw appError(Errors.VALIDATION_FAILED, undefined, [
      { path: 'until', message: 'must be in the future' },
    ]);
  return at;
}

/**
 * `POST /v1/members/{id}/tier/override`: pins the member to a tier (up or down) until `until`
 * or until removed, whatever the metric says. Audited; recorded in tier_history.
 */
export async function setTierOverride(
  ctx: AppContext,
  memberId: string,
  input: OverrideInput,
  actor: Actor,
): Promise<MemberTierDto> {
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const until = parseUntil(input.until, now);
    const member = await requireLiveMember(trx, memberId);
    const p = await loadProgramme(ctx, trx);
    if (!p.ladder.some((t) => t.id === input.tierId))
      throw appError(Errors.TIER_NOT_FOUND, `No tier ${input.tierId} in the ladder`);
    const { row, exists } = await rowToChange(trx, memberId, Number(member.registeredAt), p.ladder, now);
    const before = activeOverride(row, now) ?? (p.ladder[tierIndex(p.ladder, row.tierId)] as TierDto).id;
    // A new row has no stored metric yet: take it now, so the history entry carries it.
    const metric = exists
      ? Number(row.metricValue)
      : ((await memberStandings(trx, p.metric, [memberId], now)).get(memberId)?.current ?? 0);
    const next: MemberTiersTable = {
      ...row,
      metricValue: metric,
      overrideTierId: input.tierId,
      overrideUntil: until,
      overrideReason: input.reason,
      version: Number(row.version) + 1,
    };
    await saveRow(trx, next, Number(row.version), exists);
    const fields = { fromTier: before, toTier: input.tierId, reason: input.reason, metricValue: metric };
    const entry = historyRow(memberId, { ...fields, change: 'override' }, actor, now);
    await repo.insertHistoryRows(trx, [entry]);
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'member.tier.override',
      targetType: 'member',
      targetId: memberId,
      // The reason is free text: it stays in tier_history, the audit entry points there.
      details: { tierId: input.tierId, from: before, until: input.until ?? null, historyId: entry.id },
    });
  });
  return getMemberTier(ctx, memberId);
}

/**
 * `DELETE /v1/members/{id}/tier/override`: the member falls back to the tier they earned. An
 * override that expired but was not yet ended by a recalculation can be ended too.
 */
export async function endTierOverride(
  ctx: AppContext,
  memberId: string,
  reason: string,
  actor: Actor,
): Promise<MemberTierDto> {
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    await requireLiveMember(trx, memberId);
    const row = await findMemberTierRow(trx, memberId);
    if (!row?.overrideTierId) throw appError(Errors.TIER_OVERRIDE_NOT_FOUND);
    const p = await loadProgramme(ctx, trx);
    const earned = (p.ladder[tierIndex(p.ladder, row.tierId)] as TierDto).id;
    const next = {
      ...row,
      overrideTierId: null,
      overrideUntil: null,
      overrideReason: null,
      version: Number(row.version) + 1,
    };
    await saveRow(trx, next, Number(row.version), true);
    const entry = historyRow(
      memberId,
      {
        fromTier: row.overrideTierId,
        toTier: earned,
        change: 'override_end',
        reason,
        metricValue: Number(row.metricValue),
      },
      actor,
      now,
    );
    await repo.insertHistoryRows(trx, [entry]);
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'member.tier.override_end',
      targetType: 'member',
      targetId: memberId,
      details: { tierId: row.overrideTierId, to: earned, historyId: entry.id },
    });
  });
  return getMemberTier(ctx, memberId);
}
