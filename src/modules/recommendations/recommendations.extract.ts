import type { AppContext } from '../../context.ts';
import type { Interactions } from '../../ml/recommend/interactions.ts';
import { InteractionsBuilder } from '../../ml/recommend/interactions.ts';
import { BEHAVIOURS, type Behaviour, type RecommendationSettings } from './recommendations.settings-types.ts';

// The shop's events as implicit feedback: one weight per member and item, the sum over that
// member's events on the item of behaviourWeights[type] × 0.5^(age / halfLifeDays), where age is
// measured back from `until` (or the latest item event). Which events count:
//   view, favorite, cart_add, review, share — the event's itemId;
//   order_paid — one event per order line, each with its itemId (how the API and the demo send
//     orders: the lines of an order share its orderId). An order_paid without itemId (a whole
//     order sent as one event, as `membrain import` does with invoices) names no item and is
//     left out; so are cart_remove, order_refunded, search and the rest.
// Only items still in the catalogue and members not deleted count.

export const DAY_MS = 86_400_000;
/** Events read per query while streaming. */
export const EXTRACT_CHUNK = 10_000;

export interface ExtractOptions {
  /** Only events at or before this time; ages are measured back from it. Default: the latest item event. */
  until?: number;
  chunkSize?: number;
}

export interface ExtractedInteractions {
  /** Users are member ids, items the store's item ids. */
  data: Interactions;
  members: number;
  items: number;
  /** The moment ages were measured from (events after it are not in the data). */
  dataThrough: number;
}

/** The weight of one event: its behaviour's weight, halved every `halfLifeDays` before `reference`. */
export function eventWeight(
  settings: Pick<RecommendationSettings, 'behaviourWeights' | 'halfLifeDays'>,
  type: Behaviour,
  occurredAt: number,
  reference: number,
): number {
  const age = Math.max(0, reference - occurredAt);
  return settings.behaviourWeights[type] * 0.5 ** (age / (settings.halfLifeDays * DAY_MS));
}

/** Behaviours with a positive weight (a weight of 0 switches a behaviour off). */
export function countedBehaviours(settings: Pick<RecommendationSettings, 'behaviourWeights'>): Behaviour[] {
  return BEHAVIOURS.filter((type) => settings.behaviourWeights[type] > 0);
}

async function latestItemEvent(ctx: AppContext, types: Behaviour[], until: number | undefined) {
  let query = ctx.db
    .selectFrom('events')
    .select((eb) => eb.fn.max('occurredAt').as('latest'))
    .where('type', 'in', types)
    .where('itemId', 'is not', null);
  if (until !== undefined) query = query.where('occurredAt', '<=', until);
  const row = await query.executeTakeFirst();
  return row?.latest === null || row?.latest === undefined ? null : Number(row.latest);
}

/** Ids of every item in the catalogue. */
async function catalogueIds(ctx: AppContext): Promise<Set<string>> {
  return new Set((await ctx.db.selectFrom('items').select('id').execute()).map((r) => r.id));
}

async function deletedMemberIds(ctx: AppContext): Promise<Set<string>> {
  const rows = await ctx.db.selectFrom('members').select('id').where('deletedAt', 'is not', null).execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * Streams the item events in chunks (keyset on the event id) into an `Interactions` data set:
 * the data the training job fits on, and what `membrain eval recommend --source db` evaluates.
 */
export async function extractInteractions(
  ctx: AppContext,
  settings: Pick<RecommendationSettings, 'behaviourWeights' | 'halfLifeDays'>,
  options: ExtractOptions = {},
): Promise<ExtractedInteractions> {
  const builder = new InteractionsBuilder();
  const types = countedBehaviours(settings);
  const latest = types.length === 0 ? null : await latestItemEvent(ctx, types, options.until);
  const reference = options.until ?? latest ?? ctx.clock.now();
  if (latest === null) {
    const data = builder.build();
    return { data, members: 0, items: 0, dataThrough: reference };
  }
  const [catalogue, deleted] = await Promise.all([catalogueIds(ctx), deletedMemberIds(ctx)]);
  const size = options.chunkSize ?? EXTRACT_CHUNK;
  let after: string | null = null;
  for (;;) {
    let query = ctx.db
      .selectFrom('events')
      .select(['id', 'type', 'memberId', 'itemId', 'occurredAt'])
      .where('type', 'in', types)
      .where('itemId', 'is not', null)
      .where('occurredAt', '<=', reference)
      .orderBy('id')
      .limit(size);
    if (after !== null) query = query.where('id', '>', after);
    const rows = await query.execute();
    for (const row of rows) {
      const item = row.itemId as string;
      if (!catalogue.has(item) || deleted.has(row.memberId)) continue;
      const at = Number(row.occurredAt);
      builder.add(row.memberId, item, at, eventWeight(settings, row.type as Behaviour, at, reference));
    }
    if (rows.length < size) break;
    after = (rows[rows.length - 1] as { id: string }).id;
  }
  const data = builder.build();
  return { data, members: data.nUsers, items: data.nItems, dataThrough: reference };
}
