import type { AppContext } from '../../context.ts';
import { countLiveMembers } from '../members/index.ts';
import { loadLadder } from './tiers.ladder.ts';
import * as repo from './tiers.repository.ts';
import type { TierStats } from './tiers.types.ts';

/** Months in `monthly`, the current one included. */
const MONTHS = 12;

/** First instant of each month from `MONTHS - 1` months before `now` to the next month. */
function monthBounds(now: number): number[] {
  const d = new Date(now);
  return Array.from({ length: MONTHS + 1 }, (_, i) =>
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (MONTHS - 1) + i, 1),
  );
}

const monthLabel = (t: number): string => new Date(t).toISOString().slice(0, 7);

/**
 * `GET /v1/stats/tiers`: live members per tier in force (active overrides count as their tier;
 * members never evaluated are on the entry tier), and upgrades and downgrades per UTC month.
 */
export async function getTierStats(ctx: AppContext): Promise<TierStats> {
  const now = ctx.clock.now();
  const ladder = await loadLadder(ctx.db);
  const counts = await repo.countEffectiveTiers(ctx.db, now);
  const total = await countLiveMembers(ctx.db);
  const higher = ladder.slice(1).map((tier) => counts.get(tier.id) ?? 0);
  // Rows on the entry tier, rows on an unknown tier and members without a row: all entry.
  const entry = total - higher.reduce((sum, n) => sum + n, 0);
  const distribution = ladder.map((tier, i) => ({
    tierId: tier.id,
    nameZh: tier.nameZh,
    nameEn: tier.nameEn,
    members: i === 0 ? entry : (higher[i - 1] as number),
  }));
  const bounds = monthBounds(now);
  const monthly = bounds
    .slice(0, -1)
    .map((start) => ({ month: monthLabel(start), upgrades: 0, downgrades: 0 }));
  for (const row of await repo.countChangesByBucket(ctx.db, bounds)) {
    const month = monthly[row.bucket];
    if (!month) continue;
    if (row.change === 'upgrade') month.upgrades += row.n;
    else month.downgrades += row.n;
  }
  return { distribution, monthly };
}
