import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { appendAudit } from '../audit/index.ts';
import { getProgrammeSettings } from '../loyalty/index.ts';
import { DEFAULT_TIERS } from './tiers.defaults.ts';
import * as repo from './tiers.repository.ts';
import type { LoyaltyTiersTable, MemberTiersTable, TierHistoryTable } from './tiers.table.ts';
import type { LadderDto, LadderInput, TierBenefits, TierDto, TierInput } from './tiers.types.ts';

type Actor = { actorType: string; actorId: string };

function toTierDto(row: LoyaltyTiersTable): TierDto {
  return {
    id: row.id,
    position: Number(row.position),
    nameZh: row.nameZh,
    nameEn: row.nameEn,
    entryThreshold: Number(row.entryThreshold),
    retainThreshold: Number(row.retainThreshold),
    benefits: JSON.parse(row.benefits) as TierBenefits,
    color: row.color,
  };
}

function toTierRow(tier: TierInput, position: number, now: number): LoyaltyTiersTable {
  return {
    id: tier.id,
    position,
    nameZh: tier.nameZh,
    nameEn: tier.nameEn,
    entryThreshold: tier.entryThreshold,
    retainThreshold: tier.retainThreshold,
    benefits: JSON.stringify(tier.benefits),
    color: tier.color ?? null,
    updatedAt: now,
  };
}

/** The ladder, lowest tier first; the default ladder when none is stored yet. */
export async function loadLadder(db: Database): Promise<TierDto[]> {
  const rows = await repo.listTierRows(db);
  if (rows.length > 0) return rows.map(toTierDto);
  return DEFAULT_TIERS.map((tier, i) => toTierDto(toTierRow(tier, i, 0)));
}

/** Installs the default ladder when the programme has none; safe to call at every start. */
export async function ensureDefaultTiers(ctx: AppContext): Promise<void> {
  if ((await repo.listTierRows(ctx.db)).length > 0) return;
  const now = ctx.clock.now();
  await repo.insertTierRowsIfMissing(
    ctx.db,
    DEFAULT_TIERS.map((tier, i) => toTierRow(tier, i, now)),
  );
}

/** `GET /v1/loyalty/tiers`: the ladder with the settings that give its thresholds a unit. */
export async function getLadder(ctx: AppContext, db: Database = ctx.db): Promise<LadderDto> {
  const rows = await repo.listTierRows(db);
  const settings = await getProgrammeSettings(ctx, db);
  const updatedAt = rows.length === 0 ? null : Math.max(...rows.map((r) => Number(r.updatedAt)));
  return {
    tiers: await loadLadder(db),
    settings: { ...settings.tiers, currency: settings.currency },
    updatedAt: updatedAt === null ? null : new Date(updatedAt).toISOString(),
  };
}

/** 409 TIER_IN_USE listing every removed tier that members still hold without a mapping. */
async function checkRemovedTiers(trx: Database, removed: string[], mapping: Record<string, string>) {
  const holders = await repo.countTierHolders(trx, removed);
  const unmapped = removed.filter((id) => (holders.get(id) ?? 0) > 0 && mapping[id] === undefined);
  if (unmapped.length === 0) return holders;
  throw appError(
    Errors.TIER_IN_USE,
    undefined,
    unmapped.map((id) => ({
      path: `memberMapping.${id}`,
      message: `${holders.get(id)} member(s) hold tier ${id}; map it to a tier of the new ladder`,
      tierId: id,
      members: holders.get(id),
    })),
  );
}

/** Moves every member row off a removed tier (earned or override), with one history entry each. */
async function moveHolders(trx: Database, from: string, to: string, now: number, actor: Actor) {
  const rows = await repo.findRowsHoldingTier(trx, from);
  const history: TierHistoryTable[] = [];
  for (const row of rows) {
    const moved: MemberTiersTable = {
      ...row,
      tierId: row.tierId === from ? to : row.tierId,
      since: row.tierId === from ? now : row.since,
      overrideTierId: row.overrideTierId === from ? to : row.overrideTierId,
      version: Number(row.version) + 1,
    };
    const what = row.tierId === from ? 'tier' : 'override tier';
    history.push({
      id: newId('tier'),
      memberId: row.memberId,
      fromTier: from,
      toTier: to,
      change: 'ladder_change',
      reason: `${what} ${from} was removed from the ladder; mapped to ${to}`,
      metricValue: Number(row.metricValue),
      actorType: actor.actorType,
      actorId: actor.actorId,
      at: now,
    });
    // A concurrent evaluation that changed the row first fails the request (409, retry it).
    if (!(await repo.updateMemberTierRow(trx, moved, Number(row.version))))
      throw appError(Errors.MEMBER_VERSION_CONFLICT, `Member ${row.memberId} changed meanwhile; retry`);
  }
  await repo.insertHistoryRows(trx, history);
  return rows.length;
}

/**
 * `PUT /v1/loyalty/tiers`: replaces the whole ladder in one transaction, audited. Members on a
 * removed tier move to the tier `memberMapping` names; without a mapping the request is refused.
 * Changed thresholds move members at the next recalculation (or purchase), not here.
 */
export async function replaceLadder(ctx: AppContext, input: LadderInput, actor: Actor): Promise<LadderDto> {
  const mapping = input.memberMapping ?? {};
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    // One ladder replacement at a time (SQLite has one writer anyway), so the check below holds.
    if (ctx.dialect === 'postgres')
      await sql`lock table loyalty_tiers in share row exclusive mode`.execute(trx);
    if (input.updatedAt !== undefined && (await getLadder(ctx, trx)).updatedAt !== input.updatedAt)
      throw appError(Errors.TIER_LADDER_CONFLICT);
    const previous = (await repo.listTierRows(trx)).map((r) => r.id);
    const kept = new Set(input.tiers.map((t) => t.id));
    const removed = previous.filter((id) => !kept.has(id));
    const holders = await checkRemovedTiers(trx, removed, mapping);
    await repo.replaceTierRows(
      trx,
      input.tiers.map((tier, i) => toTierRow(tier, i, now)),
    );
    let membersMoved = 0;
    for (const id of removed) {
      const to = mapping[id];
      if (to !== undefined && (holders.get(id) ?? 0) > 0)
        membersMoved += await moveHolders(trx, id, to, now, actor);
    }
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'loyalty.tiers.replace',
      targetType: 'loyalty_tiers',
      targetId: null,
      details: { tiers: [...kept], removed, mapping, membersMoved, reason: input.reason ?? null },
    });
    return getLadder(ctx, trx);
  });
}
