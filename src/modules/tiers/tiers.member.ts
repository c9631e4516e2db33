import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { memberMetricEvents, memberStandings, ZERO_STANDING } from './tiers.metric.ts';
import { activeOverride, qualificationLapse, tierIndex, validUntilFor } from './tiers.policy.ts';
import { loadProgramme, type Programme } from './tiers.programme.ts';
import * as repo from './tiers.repository.ts';
import type { MemberTiersTable, TierHistoryTable } from './tiers.table.ts';
import type { MemberTierDto, TierChange, TierDto, TierHistoryDto } from './tiers.types.ts';

const iso = (t: number | null): string | null => (t === null ? null : new Date(Number(t)).toISOString());

/** The live member, or 404 MEMBER_NOT_FOUND (deleted members have no tier to show). */
export async function requireLiveMember(db: Database, memberId: string) {
  const member = await repo.findLiveMember(db, memberId);
  if (!member) throw appError(Errors.MEMBER_NOT_FOUND);
  return member;
}

export async function findMemberTierRow(db: Database, memberId: string): Promise<MemberTiersTable | null> {
  return (await repo.findMemberTierRows(db, [memberId])).get(memberId) ?? null;
}

/** When the override now in force began: its latest 'override' history entry. */
async function overrideSince(db: Database, memberId: string): Promise<number | null> {
  const entry = await repo.findLatestHistory(db, memberId, 'override');
  return entry ? Number(entry.at) : null;
}

/** Progress and the earliest possible loss of the earned tier, computed live from the metric. */
async function earnedStanding(
  db: Database,
  p: Programme,
  memberId: string,
  row: MemberTiersTable | null,
  now: number,
) {
  const standing = (await memberStandings(db, p.metric, [memberId], now)).get(memberId) ?? ZERO_STANDING;
  const earned = tierIndex(p.ladder, row?.tierId);
  const tier = p.ladder[earned] as TierDto;
  const events =
    earned > 0 && p.metric.window === 'rolling_12_months'
      ? ((await memberMetricEvents(db, p.metric, [memberId], now)).get(memberId) ?? [])
      : [];
  const lapse = qualificationLapse(p.metric.window, tier.retainThreshold, standing, events, now);
  const below = row?.belowRetainSince == null ? null : Number(row.belowRetainSince);
  const validUntil = validUntilFor(lapse, earned, below, p.settings.tiers, now);
  const next = p.ladder[earned + 1] ?? null;
  const progress = {
    metric: p.metric.metric,
    window: p.metric.window,
    current: standing.current,
    earnedTierId: tier.id,
    nextTier: next && {
      id: next.id,
      nameZh: next.nameZh,
      nameEn: next.nameEn,
      entryThreshold: next.entryThreshold,
    },
    neededForNext: next ? Math.max(0, next.entryThreshold - standing.current) : 0,
    neededToKeep: Math.max(0, tier.retainThreshold - standing.current),
  };
  return { tier, validUntil, progress };
}

/**
 * `GET /v1/members/{id}/tier`: the tier in force (an active override wins), since when, until
 * when it holds at least, and the progress of the metric. A member never evaluated is on the
 * entry tier since registering.
 */
export async function getMemberTier(ctx: AppContext, memberId: string): Promise<MemberTierDto> {
  const member = await requireLiveMember(ctx.db, memberId);
  const now = ctx.clock.now();
  const p = await loadProgramme(ctx, ctx.db);
  const row = await findMemberTierRow(ctx.db, memberId);
  const earned = await earnedStanding(ctx.db, p, memberId, row, now);
  const overrideId = activeOverride(row, now);
  const shown = overrideId === null ? earned.tier : (p.ladder[tierIndex(p.ladder, overrideId)] as TierDto);
  const earnedSince = row === null ? Number(member.registeredAt) : Number(row.since);
  const since = overrideId === null ? earnedSince : ((await overrideSince(ctx.db, memberId)) ?? earnedSince);
  return {
    memberId,
    tier: {
      id: shown.id,
      position: shown.position,
      nameZh: shown.nameZh,
      nameEn: shown.nameEn,
      benefits: shown.benefits,
      color: shown.color,
    },
    since: iso(since) as string,
    validUntil: overrideId === null ? iso(earned.validUntil) : iso(row?.overrideUntil ?? null),
    override:
      overrideId === null || row === null
        ? null
        : { tierId: overrideId, until: iso(row.overrideUntil), reason: row.overrideReason ?? '' },
    progress: earned.progress,
  };
}

function toHistoryDto(row: TierHistoryTable): TierHistoryDto {
  return {
    id: row.id,
    memberId: row.memberId,
    fromTier: row.fromTier,
    toTier: row.toTier,
    change: row.change as TierChange,
    reason: row.reason,
    metricValue: row.metricValue === null ? null : Number(row.metricValue),
    actor: { type: row.actorType, id: row.actorId },
    at: iso(row.at) as string,
  };
}

/** `GET /v1/members/{id}/tier/history`: newest first, keyset-paginated. */
export async function listTierHistory(
  ctx: AppContext,
  memberId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ data: TierHistoryDto[]; nextCursor: string | null }> {
  await requireLiveMember(ctx.db, memberId);
  const after = decodeCursor<[number, string]>(query.cursor, ['number', 'string']);
  const rows = await repo.listHistoryRows(ctx.db, memberId, after, query.limit + 1);
  const page = toPage(rows, query.limit, (r) => [Number(r.at), r.id]);
  return { data: page.data.map(toHistoryDto), nextCursor: page.nextCursor };
}

/**
 * Each member's earned tier (overrides left aside: a forecast of tier moves is about what the
 * metric earns), for a batch of members; members without a tier row are absent.
 */
export async function earnedTierIds(
  db: Database,
  memberIds: readonly string[],
): Promise<Map<string, string>> {
  const rows = await repo.findMemberTierRows(db, memberIds);
  return new Map([...rows].map(([id, row]) => [id, row.tierId]));
}
