import type { AppContext } from '../../context.ts';
import { callOffThread } from '../../lib/worker-call.ts';
import { GbdtModel } from '../../ml/gbdt/index.ts';
import { getProgrammeSettings } from '../loyalty/index.ts';
import { findModel, type StoredModel, saveModel } from '../models/index.ts';
import { earnedTierIds, loadLadder } from '../tiers/index.ts';
import { collectMembers } from './value.collect.ts';
import { runValueFit, type ValueFitInput } from './value.fit-worker.ts';
import type { LadderStep } from './value.forecast.ts';
import { DAY_MS, groupHistories } from './value.history.ts';
import { orderRowsOf, purchaserIdsAfter, qualifyingRowsOf, upsertScores } from './value.repository.ts';
import { type Scorer, scoreMember } from './value.score.ts';
import type { MemberScoresTable } from './value.table.ts';
import { VALUE_KIND, type ValueModelParams, type ValueTrainParams } from './value.types.ts';

const YEAR_MS = 366 * DAY_MS;

async function ladderSteps(ctx: AppContext): Promise<LadderStep[]> {
  return (await loadLadder(ctx.db)).map((t) => ({
    id: t.id,
    entryThreshold: t.entryThreshold,
    retainThreshold: t.retainThreshold,
  }));
}

/**
 * The fit phase: collects every purchaser, fits BG/NBD + Gamma-Gamma now and at the calibration
 * end (dataThrough − horizon), trains the churn trees on that split, backtests the tier forecast
 * and saves the model (retiring the previous one).
 */
export async function fitValueModel(
  ctx: AppContext,
  p: ValueTrainParams,
  purchasers: number,
): Promise<StoredModel> {
  const now = ctx.clock.now();
  const programme = await getProgrammeSettings(ctx);
  const ladder = await ladderSteps(ctx);
  const tiers = programme.tiers;
  const t0 = performance.now();
  const collected = await collectMembers(ctx, {
    currency: programme.currency,
    tiers,
    ladder,
    now,
    horizonDays: p.horizonDays,
    purchasers,
  });
  const t1 = performance.now();
  const input: ValueFitInput = { collected, horizonDays: p.horizonDays, tiers, ladder, now };
  const { full, cut, cal, churnMetrics, churnModelJson, backtest, purchaseFitMs, churnMs } =
    await callOffThread(
      new URL('./value.fit-worker.ts', import.meta.url).href,
      'runValueFit',
      input,
      runValueFit,
      ctx.log,
    );
  const fits = cal ?? full;
  const params: ValueModelParams = {
    bgnbd: full.bgnbd,
    gammaGamma: full.gammaGamma,
    calibration: { bgnbd: fits.bgnbd, gammaGamma: fits.gammaGamma, end: new Date(cut).toISOString() },
    settings: { ...pickSettings(p), currency: programme.currency, tiers },
    pointsPerMinorUnit: collected.pointsPerMinorUnit,
    members: purchasers,
    fitted: collected.fitted,
  };
  const metrics = {
    churn: churnMetrics,
    tierForecast: backtest,
    fit: {
      bgnbdDropoutAtBound: full.atBound,
      calibrationMembers: collected.cal.ids.length,
      repeatPurchasers: collected.full.x.filter((x) => x > 0).length,
    },
    // Wall-clock milliseconds of each part of the fit (for operators sizing the daily run).
    timing: {
      collectMs: Math.round(t1 - t0),
      purchaseFitMs: Math.round(purchaseFitMs),
      churnMs: Math.round(churnMs),
      // Everything after collecting ran in a worker thread (or here, if none could start).
      fitMs: Math.round(performance.now() - t1),
      totalMs: Math.round(performance.now() - t0),
    },
  };
  const artifact = churnModelJson;
  return saveModel(ctx, { kind: VALUE_KIND, dataThrough: now, params, metrics, artifact });
}

const pickSettings = (p: ValueTrainParams) => ({
  horizonDays: p.horizonDays,
  clvMonths: p.clvMonths,
  discountRate: p.discountRate,
  margin: p.margin,
});

// A parsed model per id: scoring steps and member reads would otherwise re-parse the trees each time.
const scorers = new Map<string, Scorer>();

/** The scorer of a stored value model (trees parsed once per process). */
export async function scorerFor(ctx: AppContext, model: StoredModel): Promise<Scorer> {
  const cached = scorers.get(model.id);
  if (cached) return cached;
  const trees = model.artifact ? GbdtModel.fromJSON(JSON.parse(model.artifact)) : null;
  const scorer: Scorer = {
    modelId: model.id,
    now: model.dataThrough,
    params: model.params as ValueModelParams,
    trees,
    ladder: await ladderSteps(ctx),
  };
  if (scorers.size > 4) scorers.clear();
  scorers.set(model.id, scorer);
  return scorer;
}

/** Scores of these members under the scorer (members without a paid order are left out). */
export async function scoreMembers(
  ctx: AppContext,
  scorer: Scorer,
  ids: readonly string[],
): Promise<MemberScoresTable[]> {
  const { currency, tiers } = scorer.params.settings;
  const histories = groupHistories(await orderRowsOf(ctx.db, currency, ids, scorer.now));
  const ledger =
    tiers.metric === 'qualifying_points'
      ? await qualifyingRowsOf(ctx.db, ids, scorer.now - 2 * YEAR_MS, scorer.now)
      : null;
  const earned = await earnedTierIds(ctx.db, ids);
  return histories.map((h) =>
    scoreMember(scorer, h, ledger ? (ledger.get(h.memberId) ?? []) : h.spendEvents, earned.get(h.memberId)),
  );
}

/** One scoring step: the next chunk of purchasers after `after`, upserted in one transaction. */
export async function scoreChunk(
  ctx: AppContext,
  modelId: string,
  after: string | null,
  size: number,
): Promise<{ ids: string[]; scored: number }> {
  const model = await findModel(ctx.db, modelId);
  if (!model) throw new Error(`value model ${modelId} disappeared while scoring`);
  const scorer = await scorerFor(ctx, model);
  const ids = await purchaserIdsAfter(ctx.db, scorer.params.settings.currency, after, size);
  const rows = await scoreMembers(ctx, scorer, ids);
  await ctx.db.transaction().execute((trx) => upsertScores(trx, rows));
  return { ids, scored: rows.length };
}
