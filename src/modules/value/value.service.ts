import type { AppContext } from '../../context.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { getProgrammeSettings } from '../loyalty/index.ts';
import { latestActiveModel, modelDto } from '../models/index.ts';
import { loadLadder } from '../tiers/index.ts';
import { groupHistories } from './value.history.ts';
import {
  bucketCounts,
  churnByTierRows,
  findScore,
  listMoverRows,
  orderRowsOf,
  scoreCounts,
} from './value.repository.ts';
import { pAliveHistory } from './value.score.ts';
import type { MemberScoresTable } from './value.table.ts';
import { scoreMembers, scorerFor } from './value.train.ts';
import type { ChurnReason, MemberValueDto, ValueOverview } from './value.types.ts';
import { VALUE_KIND } from './value.types.ts';

/** Members at or above this churn risk count as high risk in the overview. */
export const HIGH_CHURN_RISK = 0.7;
/** CLV bucket edges in major units of the currency (×100 minor units). */
const CLV_EDGES_MAJOR = [0, 100, 500, 1_000, 5_000, 10_000, 50_000];
const P_ALIVE_EDGES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

const iso = (ms: number) => new Date(Number(ms)).toISOString();
const money = (amount: number, currency: string) => ({ amount: Math.round(Number(amount)), currency });

const probabilityOf = (row: MemberScoresTable) =>
  row.tierMoveProbability === null || row.tierMoveProbability === undefined
    ? null
    : Number(row.tierMoveProbability);

function toScored(row: MemberScoresTable, history: { at: number; pAlive: number }[]): MemberValueDto {
  return {
    status: 'scored',
    modelId: row.modelId,
    scoredAt: iso(row.scoredAt),
    pAlive: Number(row.pAlive),
    expectedPurchases: Number(row.expectedPurchases),
    expectedSpend: money(row.expectedSpend, row.currency),
    clv: money(row.clv, row.currency),
    churnRisk: row.churnRisk === null ? null : Number(row.churnRisk),
    churnReasons: JSON.parse(row.churnReasons) as ChurnReason[],
    currentTier: row.currentTier,
    predictedTier: row.predictedTier,
    tierMove: Math.sign(Number(row.tierMove)) as -1 | 0 | 1,
    tierMoveProbability: probabilityOf(row),
    pAliveHistory: history.map((h) => ({ at: iso(h.at), pAlive: h.pAlive })),
  };
}

/**
 * A member's value, churn risk and tier forecast from the active value model. A member who
 * bought since the last scoring run is scored on the fly (not stored); one without a paid order
 * in the programme currency is `not_scored: no_purchases`.
 */
export async function getMemberValue(ctx: AppContext, memberId: string): Promise<MemberValueDto> {
  const model = await latestActiveModel(ctx.db, VALUE_KIND);
  if (!model) return { status: 'not_scored', reason: 'no_model' };
  const scorer = await scorerFor(ctx, model);
  const [history] = groupHistories(
    await orderRowsOf(ctx.db, scorer.params.settings.currency, [memberId], scorer.now),
  );
  const stored = await findScore(ctx.db, memberId);
  const row = stored ?? (await scoreMembers(ctx, scorer, [memberId]))[0];
  if (!row) return { status: 'not_scored', reason: 'no_purchases' };
  return toScored(row, history ? pAliveHistory(scorer, history) : []);
}

/** The shop-wide picture: distributions, churn per tier, forecast movers and the backtest. */
export async function getValueOverview(ctx: AppContext): Promise<ValueOverview> {
  const model = await latestActiveModel(ctx.db, VALUE_KIND);
  const currency = (await getProgrammeSettings(ctx)).currency;
  const clvEdges = CLV_EDGES_MAJOR.map((e) => e * 100);
  const [counts, clv, alive, byTier, ladder] = await Promise.all([
    scoreCounts(ctx.db, currency),
    bucketCounts(ctx.db, 'clv', clvEdges),
    bucketCounts(ctx.db, 'pAlive', P_ALIVE_EDGES),
    churnByTierRows(ctx.db, HIGH_CHURN_RISK),
    loadLadder(ctx.db),
  ]);
  const buckets = (edges: number[], members: number[], last: number | null) =>
    edges.map((from, k) => ({ from, to: edges[k + 1] ?? last, members: members[k] ?? 0 }));
  const metrics = (model?.metrics ?? null) as { tierForecast?: unknown } | null;
  return {
    model: model ? modelDto(model) : null,
    scored: counts.scored,
    currency,
    totalClv: money(counts.clv, currency),
    totalExpectedSpend: money(counts.expectedSpend, currency),
    clvDistribution: buckets(clvEdges, clv, null),
    pAliveDistribution: buckets(P_ALIVE_EDGES, alive, 1),
    churnByTier: ladder.map((t) => {
      const r = byTier.find((b) => b.tierId === t.id);
      return {
        tierId: t.id,
        nameEn: t.nameEn,
        nameZh: t.nameZh,
        members: r?.members ?? 0,
        meanChurnRisk: r?.meanChurnRisk ?? null,
        highRisk: r?.highRisk ?? 0,
      };
    }),
    movers: { up: counts.up, down: counts.down },
    tierForecastAccuracy: metrics?.tierForecast ?? null,
  };
}

/** Members forecast to move up or down a tier, most probable first (then by member id). */
export async function listMovers(
  ctx: AppContext,
  query: { direction: 'up' | 'down'; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor<[number, string]>(query.cursor, ['number', 'string']);
  const rows = await listMoverRows(
    ctx.db,
    query.direction === 'up' ? 1 : -1,
    after ? { probability: after[0], memberId: after[1] } : null,
    query.limit + 1,
  );
  const page = toPage(rows, query.limit, (r) => [probabilityOf(r) ?? 0, r.memberId]);
  return {
    data: page.data.map((r) => ({
      memberId: r.memberId,
      currentTier: r.currentTier,
      predictedTier: r.predictedTier,
      tierMoveProbability: probabilityOf(r),
      expectedSpend: money(r.expectedSpend, r.currency),
      clv: money(r.clv, r.currency),
      churnRisk: r.churnRisk === null ? null : Number(r.churnRisk),
    })),
    nextCursor: page.nextCursor,
  };
}
