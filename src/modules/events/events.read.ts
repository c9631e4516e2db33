import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { parseJsonColumn } from '../../lib/json.ts';
import { type EventRow, findLiveMemberIds, listMemberEventRows } from './events.repository.ts';
import type { EventDto, MemberEventsQuery } from './events.types.ts';

const iso = (ms: number): string => new Date(Number(ms)).toISOString();

/** Maps a stored row to the API shape: ISO times, money objects, context grouped. */
export function rowToEvent(row: EventRow): EventDto {
  const currency = row.currency ?? '';
  const hasContext =
    row.ip !== null || row.deviceId !== null || row.userAgent !== null || row.channel !== null;
  return {
    id: row.id,
    type: row.type,
    memberId: row.memberId,
    itemId: row.itemId,
    orderId: row.orderId,
    occurredAt: iso(row.occurredAt),
    receivedAt: iso(row.receivedAt),
    quantity: row.quantity,
    price: row.priceAmount === null ? null : { amount: Number(row.priceAmount), currency },
    amount: row.amount === null ? null : { amount: Number(row.amount), currency },
    rating: row.rating,
    text: row.text,
    context: hasContext
      ? { ip: row.ip, deviceId: row.deviceId, userAgent: row.userAgent, channel: row.channel }
      : null,
    properties: parseJsonColumn<Record<string, unknown> | null>(row.properties, null),
  };
}

/** A page of one member's events, newest first; keyset cursor on (occurredAt, id). */
export async function listMemberEvents(
  ctx: AppContext,
  memberId: string,
  query: MemberEventsQuery,
): Promise<{ data: EventDto[]; nextCursor: string | null }> {
  const before = decodeCursor<[number, string]>(query.cursor, ['number', 'string']) ?? undefined;
  const live = await findLiveMemberIds(ctx.db, [memberId]);
  if (!live.has(memberId)) throw appError(Errors.MEMBER_NOT_FOUND);
  const filter = {
    type: query.type,
    from: query.from === undefined ? undefined : Date.parse(query.from),
    to: query.to === undefined ? undefined : Date.parse(query.to),
    before,
  };
  const rows = await listMemberEventRows(ctx.db, memberId, filter, query.limit + 1);
  const page = toPage(rows, query.limit, (row) => [Number(row.occurredAt), row.id]);
  return { data: page.data.map(rowToEvent), nextCursor: page.nextCursor };
}
