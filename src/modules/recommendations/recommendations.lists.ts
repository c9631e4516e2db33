import type { AppContext } from '../../context.ts';
import { topK } from '../../ml/recommend/top-k.ts';
import { existingMemberIds } from '../members/index.ts';
import { findModel } from '../models/index.ts';
import { assignVariant } from './recommendations.ab.ts';
import { type MemberHistoryResult, memberHistories } from './recommendations.history.ts';
import { type LoadedRecommendModel, loadStoredModel } from './recommendations.model-cache.ts';
import { historyReason, popularReason, tasteReason } from './recommendations.reasons.ts';
import type { RecommendationSettings } from './recommendations.settings-types.ts';
import type { Reason } from './recommendations.types.ts';

// Lists computed ahead for active members, so serving them is a row read. Each list is the
// member's variant's model scoring their history, items they already interacted with removed
// (unless their top-level category is a repeat-purchase one), `listSize` long, each item with the
// history item that contributed most ("because you bought …").

/** Members per precompute step. */
export const LIST_CHUNK = 500;

/** What the precompute steps need of a training run (kept in the job's state, so a retry is identical). */
export interface ListRun {
  /** The run's models, primary first, with the variants each serves. */
  models: { id: string; variants: (string | null)[] }[];
  settings: RecommendationSettings;
  /** Members with an event at or after this time are active. */
  activeSince: number;
  /** The `computedAt` of every row the run writes (after the models' creation, so they are fresh). */
  listsAt: number;
}

export interface ListItem {
  itemId: string;
  score: number;
  reason: Reason;
}

interface PreparedModel {
  model: LoadedRecommendModel;
  /** Top-level category per model item index. */
  categories: string[];
}

// Parsed models per id: every chunk of a run scores with the same few models.
const prepared = new Map<string, PreparedModel>();

async function prepare(ctx: AppContext, modelId: string): Promise<PreparedModel> {
  const hit = prepared.get(modelId);
  if (hit) return hit;
  const stored = await findModel(ctx.db, modelId);
  if (!stored) throw new Error(`recommend model ${modelId} disappeared while precomputing lists`);
  const model = loadStoredModel(stored);
  const byId = await itemCategories(ctx, model.itemIds);
  const categories = model.itemIds.map((id) => byId.get(id) ?? '');
  if (prepared.size >= 6) prepared.clear();
  const value = { model, categories };
  prepared.set(modelId, value);
  return value;
}

async function itemCategories(ctx: AppContext, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let start = 0; start < ids.length; start += 1000) {
    const rows = await ctx.db
      .selectFrom('items')
      .select(['id', 'category'])
      .where('id', 'in', ids.slice(start, start + 1000))
      .execute();
    for (const row of rows) out.set(row.id, row.category);
  }
  return out;
}

async function itemLabels(ctx: AppContext, ids: readonly string[]) {
  const out = new Map<string, { id: string; title: string; titleEn: string | null }>();
  for (let start = 0; start < ids.length; start += 1000) {
    const rows = await ctx.db
      .selectFrom('items')
      .select(['id', 'title', 'titleEn'])
      .where('id', 'in', ids.slice(start, start + 1000))
      .execute();
    for (const row of rows) out.set(row.id, row);
  }
  return out;
}

/** Active members after `after` in id order (deleted members left out), and the last id read. */
export async function activeMembersAfter(
  ctx: AppContext,
  activeSince: number,
  after: string | null,
  size: number,
): Promise<{ ids: string[]; last: string | null; read: number }> {
  let query = ctx.db
    .selectFrom('events')
    .select('memberId')
    .distinct()
    .where('occurredAt', '>=', activeSince)
    .orderBy('memberId')
    .limit(size);
  if (after !== null) query = query.where('memberId', '>', after);
  const read = (await query.execute()).map((r) => r.memberId);
  const live = await existingMemberIds(ctx.db, read);
  return { ids: read.filter((id) => live.has(id)), last: read[read.length - 1] ?? after, read: read.length };
}

/** Which items a member's list may not hold: seen ones, unless their category is a repeat-purchase one. */
function seenMask(
  prep: PreparedModel,
  history: MemberHistoryResult,
  repeat: ReadonlySet<string>,
): Uint8Array {
  const mask = new Uint8Array(prep.model.itemIds.length);
  for (const id of history.itemIds) {
    const index = prep.model.itemIndex.get(id);
    if (index !== undefined && !repeat.has(prep.categories[index] as string)) mask[index] = 1;
  }
  return mask;
}

/** One member's list under a model; [] when the model finds nothing in their history to go on. */
export function scoreList(
  prep: PreparedModel,
  history: MemberHistoryResult,
  settings: RecommendationSettings,
  labels: ReadonlyMap<string, { id: string; title: string; titleEn: string | null }>,
): ListItem[] {
  const { model } = prep;
  if (history.history.items.length === 0) return [];
  const scores = new Float32Array(model.recommender.nItems);
  model.recommender.scoreHistory(history.history, scores);
  const mask = seenMask(prep, history, new Set(settings.repeatPurchaseCategories));
  const out: ListItem[] = [];
  for (const index of topK(scores, settings.listSize, mask)) {
    const score = scores[index] as number;
    // A score of exactly 0 carries no evidence (no neighbour in the history): not worth a slot.
    if (score === 0 || !Number.isFinite(score)) continue;
    out.push({
      itemId: model.itemIds[index] as string,
      score,
      reason: reasonFor(prep, history, index, labels),
    });
  }
  return out;
}

function reasonFor(
  prep: PreparedModel,
  history: MemberHistoryResult,
  target: number,
  labels: ReadonlyMap<string, { id: string; title: string; titleEn: string | null }>,
): Reason {
  const { model } = prep;
  if (model.kind === 'popularity') return popularReason();
  const [top] = model.recommender.explain(history.history, target, 1);
  const itemId = top ? model.itemIds[top.item] : undefined;
  const label = itemId === undefined ? undefined : labels.get(itemId);
  const behaviour = itemId === undefined ? undefined : history.behaviours.get(itemId);
  if (!label || !behaviour) return tasteReason();
  return historyReason(behaviour, label);
}

/**
 * One precompute step: the next `size` active members after `after`, each scored with their
 * variant's model, written in one transaction. Idempotent: a retry writes the same rows.
 */
export async function precomputeListsChunk(
  ctx: AppContext,
  run: ListRun,
  after: string | null,
  size: number,
): Promise<{ last: string | null; read: number; written: number }> {
  const { ids, last, read } = await activeMembersAfter(ctx, run.activeSince, after, size);
  const models = new Map<string, PreparedModel>();
  for (const m of run.models) models.set(m.id, await prepare(ctx, m.id));
  const primary = run.models[0];
  if (!primary) return { last, read, written: 0 };
  const experiment = run.settings.experiment;
  const modelOf = (memberId: string): { id: string; prep: PreparedModel } => {
    const variant = assignVariant(experiment, memberId);
    const m = run.models.find((x) => variant !== null && x.variants.includes(variant)) ?? primary;
    return { id: m.id, prep: models.get(m.id) as PreparedModel };
  };
  // Members grouped by model, so each group's histories are read in the model's item indices.
  const groups = new Map<string, string[]>();
  for (const id of ids) {
    const { id: modelId } = modelOf(id);
    groups.set(modelId, [...(groups.get(modelId) ?? []), id]);
  }
  const rows: { memberId: string; modelId: string; items: string; computedAt: number }[] = [];
  for (const [modelId, memberIds] of groups) {
    const prep = models.get(modelId) as PreparedModel;
    const histories = await memberHistories(ctx, memberIds, prep.model, run.settings);
    const historyItems = new Set<string>();
    for (const h of histories.values()) for (const id of h.itemIds) historyItems.add(id);
    const labels = await itemLabels(ctx, [...historyItems]);
    for (const memberId of memberIds) {
      const items = scoreList(prep, histories.get(memberId) as MemberHistoryResult, run.settings, labels);
      if (items.length === 0) continue;
      rows.push({ memberId, modelId, items: JSON.stringify(items), computedAt: run.listsAt });
    }
  }
  await ctx.db.transaction().execute(async (trx) => {
    for (const row of rows) {
      await trx
        .insertInto('recommendationLists')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('memberId')
            .doUpdateSet({ modelId: row.modelId, items: row.items, computedAt: row.computedAt }),
        )
        .execute();
    }
  });
  return { last, read, written: rows.length };
}

/** Removes lists an earlier run wrote for members no longer active (they would be stale anyway). */
export async function dropListsBefore(ctx: AppContext, listsAt: number): Promise<number> {
  const result = await ctx.db
    .deleteFrom('recommendationLists')
    .where('computedAt', '<', listsAt)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
