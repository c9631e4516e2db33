import type { AppContext } from '../../context.ts';
import type { History } from '../../ml/recommend/serving.ts';
import { countedBehaviours, eventWeight } from './recommendations.extract.ts';
import type { HistoryBehaviour } from './recommendations.reasons.ts';
import type { Behaviour, RecommendationSettings } from './recommendations.settings-types.ts';

// A member's recent item events as a model's history: the last HISTORY_EVENTS events weighted
// exactly as training weighs them (behaviour weight × decay, ages measured back from the model's
// dataThrough, or from the newest event when the member was active since), summed per item.

export const HISTORY_EVENTS = 500;
/** Members whose histories one query reads. */
const BATCH = 500;

/** What a history needs of a model: its item index and when its data ends. */
export interface HistoryModel {
  dataThrough: number;
  itemIndex: ReadonlyMap<string, number>;
}

export interface MemberHistoryResult {
  /** Items the model knows, in its indices, with summed weights (the model scores this). */
  history: History;
  /** Every item the member interacted with, known to the model or not (seen items, newest first). */
  itemIds: string[];
  boughtItemIds: Set<string>;
  /** The strongest behaviour per item, for "because you bought / carted / saved / viewed …". */
  behaviours: Map<string, HistoryBehaviour>;
}

const STRENGTH: Record<HistoryBehaviour, number> = { viewed: 0, favorited: 1, carted: 2, bought: 3 };

function behaviourOf(type: Behaviour): HistoryBehaviour {
  if (type === 'order_paid' || type === 'review') return 'bought';
  if (type === 'cart_add') return 'carted';
  if (type === 'favorite') return 'favorited';
  return 'viewed';
}

interface EventRow {
  memberId: string;
  type: string;
  itemId: string | null;
  occurredAt: number | string;
}

function historyOf(
  rows: readonly EventRow[],
  model: HistoryModel,
  settings: Pick<RecommendationSettings, 'behaviourWeights' | 'halfLifeDays'>,
): MemberHistoryResult {
  const newest = rows.reduce((max, r) => Math.max(max, Number(r.occurredAt)), Number.NEGATIVE_INFINITY);
  const reference = Math.max(model.dataThrough, newest);
  const weights = new Map<number, number>();
  const itemIds: string[] = [];
  const seen = new Set<string>();
  const boughtItemIds = new Set<string>();
  const behaviours = new Map<string, HistoryBehaviour>();
  for (const row of rows) {
    const itemId = row.itemId as string;
    const type = row.type as Behaviour;
    if (!seen.has(itemId)) {
      seen.add(itemId);
      itemIds.push(itemId);
    }
    if (type === 'order_paid') boughtItemIds.add(itemId);
    const behaviour = behaviourOf(type);
    const before = behaviours.get(itemId);
    if (before === undefined || STRENGTH[behaviour] > STRENGTH[before]) behaviours.set(itemId, behaviour);
    const index = model.itemIndex.get(itemId);
    if (index === undefined) continue;
    const w = eventWeight(settings, type, Number(row.occurredAt), reference);
    weights.set(index, (weights.get(index) ?? 0) + w);
  }
  const items = Int32Array.from(weights.keys());
  const history: History = { items, weights: Float32Array.from(items, (i) => weights.get(i) as number) };
  return { history, itemIds, boughtItemIds, behaviours };
}

/** Histories of several members at once (one query per BATCH members); every id gets an entry. */
export async function memberHistories(
  ctx: AppContext,
  memberIds: readonly string[],
  model: HistoryModel,
  settings: Pick<RecommendationSettings, 'behaviourWeights' | 'halfLifeDays'>,
): Promise<Map<string, MemberHistoryResult>> {
  const types = countedBehaviours(settings);
  const byMember = new Map<string, EventRow[]>(memberIds.map((id) => [id, []]));
  for (let start = 0; start < memberIds.length && types.length > 0; start += BATCH) {
    const rows = await ctx.db
      .selectFrom('events')
      .select(['memberId', 'type', 'itemId', 'occurredAt'])
      .where('memberId', 'in', memberIds.slice(start, start + BATCH))
      .where('type', 'in', types)
      .where('itemId', 'is not', null)
      .orderBy('memberId')
      .orderBy('occurredAt', 'desc')
      .orderBy('id', 'desc')
      .execute();
    for (const row of rows) {
      const list = byMember.get(row.memberId) as EventRow[];
      if (list.length < HISTORY_EVENTS) list.push(row);
    }
  }
  const out = new Map<string, MemberHistoryResult>();
  for (const [id, rows] of byMember) out.set(id, historyOf(rows, model, settings));
  return out;
}

/** One member's last HISTORY_EVENTS item events, weighted like training (contract §2 `memberHistory`). */
export async function memberHistory(
  ctx: AppContext,
  memberId: string,
  model: HistoryModel,
  settings: Pick<RecommendationSettings, 'behaviourWeights' | 'halfLifeDays'>,
): Promise<MemberHistoryResult> {
  return (await memberHistories(ctx, [memberId], model, settings)).get(memberId) as MemberHistoryResult;
}
