import type { Insertable } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { RecommendationFeedbackTable } from './recommendations.table.ts';

// The feedback loop: every list served is logged (the exposure), and store events that come back
// carrying the list's id in `properties.recommendationId` are stored against it (a view of a
// listed item is a click; cart additions, favourites and paid orders follow).

/** Event types that count as feedback on a served list. */
export const FEEDBACK_TYPES: ReadonlySet<string> = new Set(['view', 'cart_add', 'favorite', 'order_paid']);

/** One list as it was shown. */
export interface ServedList {
  id: string;
  memberId: string | null;
  /** `member`, `similar`, `session`, or `preview` (an operator looking at a member's list). */
  surface: 'member' | 'preview' | 'similar' | 'session';
  modelId: string | null;
  variant: string | null;
  strategy: string;
  itemIds: readonly string[];
  servedAt: number;
}

/** Logs served lists in one insert (each id is the `recommendationId` its reply carried). */
export async function recordServed(db: Database, lists: readonly ServedList[]): Promise<void> {
  if (lists.length === 0) return;
  await db
    .insertInto('recommendationsServed')
    .values(
      lists.map((list) => ({
        id: list.id,
        memberId: list.memberId,
        surface: list.surface,
        modelId: list.modelId,
        variant: list.variant,
        strategy: list.strategy,
        items: JSON.stringify(list.itemIds),
        itemCount: list.itemIds.length,
        servedAt: list.servedAt,
      })),
    )
    .execute();
}

/** The served-list ids events name (the feedback types only, string ids only). */
export function namedRecommendationIds(
  events: readonly { type: string; properties?: Record<string, unknown> | undefined }[],
): string[] {
  const ids: string[] = [];
  for (const event of events) {
    if (!FEEDBACK_TYPES.has(event.type)) continue;
    const value = event.properties?.recommendationId;
    if (typeof value === 'string' && value.length > 0 && value.length <= 64) ids.push(value);
  }
  return ids;
}

/** The fields of a stored event row the feedback hook reads. */
export interface FeedbackEventRow {
  id: string;
  type: string;
  memberId: string;
  itemId?: string | null | undefined;
  occurredAt: number;
  /** JSON text of the event's properties, or null. */
  properties?: string | null | undefined;
}

/** The served list an event names, when it names one (a string id), else null. */
function recommendationIdOf(row: FeedbackEventRow): string | null {
  if (!FEEDBACK_TYPES.has(row.type) || !row.properties) return null;
  // Most events carry no id: a substring test spares them the JSON parse.
  if (!row.properties.includes('recommendationId')) return null;
  const value = (JSON.parse(row.properties) as { recommendationId?: unknown }).recommendationId;
  return typeof value === 'string' && value.length > 0 && value.length <= 64 ? value : null;
}

/**
 * Stores feedback for the events of an ingest batch that carry a served list's id, inside the
 * caller's transaction. Costs nothing when no event carries one; otherwise one lookup of the named
 * lists and one insert. Unknown ids are ignored (a store may send stale ids), and so are events
 * about items the list did not show; an event already recorded is left as it is, so a retried
 * batch counts once.
 */
export async function recordFeedbackForEvents(
  db: Database,
  rows: readonly FeedbackEventRow[],
): Promise<number> {
  const named: { row: FeedbackEventRow; recommendationId: string }[] = [];
  for (const row of rows) {
    const recommendationId = recommendationIdOf(row);
    if (recommendationId !== null) named.push({ row, recommendationId });
  }
  if (named.length === 0) return 0;
  const ids = [...new Set(named.map((n) => n.recommendationId))];
  const served = await db
    .selectFrom('recommendationsServed')
    .select(['id', 'items'])
    .where('id', 'in', ids)
    .execute();
  const listed = new Map(served.map((r) => [r.id, new Set(JSON.parse(r.items) as string[])]));
  // An event about an item the list did not show is not that list's feedback (an order event
  // without an item still is: it is the order).
  const values: Insertable<RecommendationFeedbackTable>[] = named
    .filter(({ row, recommendationId }) => {
      const items = listed.get(recommendationId);
      return items !== undefined && (row.itemId == null || items.has(row.itemId));
    })
    .map(({ row, recommendationId }) => ({
      eventId: row.id,
      recommendationId,
      memberId: row.memberId,
      itemId: row.itemId ?? null,
      type: row.type,
      occurredAt: Number(row.occurredAt),
    }));
  if (values.length === 0) return 0;
  await db
    .insertInto('recommendationFeedback')
    .values(values)
    .onConflict((oc) => oc.column('eventId').doNothing())
    .execute();
  return values.length;
}
