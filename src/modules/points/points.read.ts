import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { toLedgerDto } from './points.posting.ts';
import * as repo from './points.repository.ts';
import type { LedgerEntryDto, PointsSummary } from './points.types.ts';

const DAY_MS = 86_400_000;
const EXPIRING_SOON_MS = 30 * DAY_MS;

async function requireLiveMember(ctx: AppContext, memberId: string): Promise<void> {
  if (!(await repo.liveMemberExists(ctx.db, memberId))) throw appError(Errors.MEMBER_NOT_FOUND);
}

/** Balances and what expires in the next 30 days; a member without entries has zeros. */
export async function getPointsSummary(ctx: AppContext, memberId: string): Promise<PointsSummary> {
  await requireLiveMember(ctx, memberId);
  const account = await repo.findAccount(ctx.db, memberId);
  const now = ctx.clock.now();
  return {
    memberId,
    available: Number(account?.available ?? 0),
    pending: Number(account?.pending ?? 0),
    expiringSoon: await repo.sumExpiring(ctx.db, memberId, now, now + EXPIRING_SOON_MS),
    lifetimeEarned: Number(account?.lifetimeEarned ?? 0),
    lifetimeRedeemed: Number(account?.lifetimeRedeemed ?? 0),
    debt: Number(account?.debt ?? 0),
    tierPoints: Number(account?.tierPoints ?? 0),
  };
}

/** Available points by expiry time over the next `days` days, soonest first. */
export async function listExpiringPoints(
  ctx: AppContext,
  memberId: string,
  days: number,
): Promise<{ data: { expiresAt: string; points: number }[] }> {
  await requireLiveMember(ctx, memberId);
  const now = ctx.clock.now();
  const rows = await repo.expiringByTime(ctx.db, memberId, now, now + days * DAY_MS);
  return { data: rows.map((r) => ({ expiresAt: new Date(r.expiresAt).toISOString(), points: r.points })) };
}

/** Ledger entries newest first, keyset-paginated. */
export async function listPointsLedger(
  ctx: AppContext,
  memberId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ data: LedgerEntryDto[]; nextCursor: string | null }> {
  await requireLiveMember(ctx, memberId);
  const after = decodeCursor<[number, string]>(query.cursor, ['number', 'string']);
  const rows = await repo.listLedger(ctx.db, memberId, after, query.limit + 1);
  const page = toPage(rows, query.limit, (r) => [Number(r.createdAt), r.id]);
  return { data: page.data.map(toLedgerDto), nextCursor: page.nextCursor };
}
