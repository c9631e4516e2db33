import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appError, Errors } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { appendAudit } from '../audit/index.ts';
import type { RiskCheckInput, RiskReason } from './risk.types.ts';

// Allow and block lists: an operator's word on a member, device, IP, payment instrument or
// e-mail domain, with an optional expiry. A block entry blocks whatever the score; an allow
// entry allows (a block entry on another identifier of the same check wins: blocking is the
// safer mistake). Checks read a per-process copy, re-read at most every RECHECK_MS and at once
// after this process changes a list.

export const LIST_KINDS = ['member', 'device', 'ip', 'payment'] as const;
export type ListKind = (typeof LIST_KINDS)[number];
export type ListName = 'allow' | 'block';

export interface ListEntry {
  id: string;
  list: ListName;
  kind: ListKind;
  value: string;
  note: string | null;
  expiresAt: number | null;
  createdAt: number;
  createdBy: string | null;
}

const RECHECK_MS = 10_000;

interface Slot {
  entries: Map<string, ListEntry[]>;
  readAt: number;
}
const slots = new WeakMap<Database, Slot>();

const slotKey = (kind: ListKind, value: string) => `${kind}\0${value}`;

async function readEntries(db: Database): Promise<Slot> {
  const rows = await db.selectFrom('riskListEntries').selectAll().execute();
  const entries = new Map<string, ListEntry[]>();
  for (const row of rows) {
    const entry = toEntry(row);
    const key = slotKey(entry.kind, entry.value);
    entries.set(key, [...(entries.get(key) ?? []), entry]);
  }
  return { entries, readAt: performance.now() };
}

function toEntry(row: {
  id: string;
  list: string;
  kind: string;
  value: string;
  note: string | null;
  expiresAt: number | null;
  createdAt: number;
  createdBy: string | null;
}): ListEntry {
  return {
    id: row.id,
    list: row.list as ListName,
    kind: row.kind as ListKind,
    value: row.value,
    note: row.note,
    expiresAt: row.expiresAt === null ? null : Number(row.expiresAt),
    createdAt: Number(row.createdAt),
    createdBy: row.createdBy,
  };
}

async function currentEntries(db: Database): Promise<Map<string, ListEntry[]>> {
  const slot = slots.get(db);
  if (slot && performance.now() - slot.readAt < RECHECK_MS) return slot.entries;
  const fresh = await readEntries(db);
  slots.set(db, fresh);
  return fresh.entries;
}

/** The identifiers of a check that lists can name. */
function identifiers(input: RiskCheckInput): [ListKind, string][] {
  const out: [ListKind, string][] = [];
  if (input.memberId) out.push(['member', input.memberId]);
  if (input.context.deviceId) out.push(['device', input.context.deviceId]);
  if (input.context.ip) out.push(['ip', input.context.ip]);
  if (input.context.paymentFingerprint) out.push(['payment', input.context.paymentFingerprint]);
  return out;
}

export interface ListHit {
  list: ListName;
  entry: ListEntry;
  reason: RiskReason;
}

/** The list entry that decides this check (block before allow), or null. */
export async function matchLists(db: Database, input: RiskCheckInput, at: number): Promise<ListHit | null> {
  const entries = await currentEntries(db);
  let allow: ListEntry | null = null;
  for (const [kind, value] of identifiers(input)) {
    for (const entry of entries.get(slotKey(kind, value)) ?? []) {
      if (entry.expiresAt !== null && entry.expiresAt <= at) continue;
      if (entry.list === 'block') return { list: 'block', entry, reason: listReason('block', kind) };
      allow ??= entry;
    }
  }
  return allow ? { list: 'allow', entry: allow, reason: listReason('allow', allow.kind) } : null;
}

function listReason(list: ListName, kind: ListKind): RiskReason {
  const what = { member: 'member', device: 'device', ip: 'IP', payment: 'payment instrument' }[kind];
  const whatZh = { member: '会员', device: '设备', ip: 'IP', payment: '支付方式' }[kind];
  return list === 'block'
    ? {
        code: 'BLOCK_LIST',
        description: `The ${what} is on the block list`,
        descriptionZh: `${whatZh}在黑名单中`,
        contribution: 100,
      }
    : {
        code: 'ALLOW_LIST',
        description: `The ${what} is on the allow list`,
        descriptionZh: `${whatZh}在白名单中`,
        contribution: 0,
      };
}

export interface ListActor {
  actorType: string;
  actorId: string;
}

/** Entries of one list, or of both, newest first. */
export async function listEntries(db: Database, list?: ListName): Promise<ListEntry[]> {
  let query = db.selectFrom('riskListEntries').selectAll();
  if (list) query = query.where('list', '=', list);
  return (await query.orderBy('createdAt', 'desc').orderBy('id', 'desc').execute()).map(toEntry);
}

/** Adds an entry; RISK_LIST_ENTRY_EXISTS when the value is already on that list. */
export async function addListEntry(
  ctx: AppContext,
  input: {
    list: ListName;
    kind: ListKind;
    value: string;
    note?: string | undefined;
    expiresAt?: number | undefined;
  },
  actor: ListActor,
): Promise<ListEntry> {
  const entry: ListEntry = {
    id: newId('rle'),
    list: input.list,
    kind: input.kind,
    value: input.value,
    note: input.note ?? null,
    expiresAt: input.expiresAt ?? null,
    createdAt: ctx.clock.now(),
    createdBy: actor.actorId,
  };
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('riskListEntries')
      .select('id')
      .where('list', '=', entry.list)
      .where('kind', '=', entry.kind)
      .where('value', '=', entry.value)
      .executeTakeFirst();
    if (existing)
      throw appError(Errors.RISK_LIST_ENTRY_EXISTS, undefined, [
        { message: 'existing entry', id: existing.id },
      ]);
    await trx.insertInto('riskListEntries').values(entry).execute();
    await appendAudit(ctx, trx, {
      ...actor,
      action: `risk.list.${entry.list}.add`,
      targetType: 'risk_list_entry',
      targetId: entry.id,
      details: { kind: entry.kind, expiresAt: entry.expiresAt },
    });
  });
  slots.delete(ctx.db);
  return entry;
}

/** Removes an entry; RISK_LIST_ENTRY_NOT_FOUND when there is none with that id. */
export async function removeListEntry(ctx: AppContext, id: string, actor: ListActor): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('riskListEntries').where('id', '=', id).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw appError(Errors.RISK_LIST_ENTRY_NOT_FOUND);
    await appendAudit(ctx, trx, {
      ...actor,
      action: 'risk.list.remove',
      targetType: 'risk_list_entry',
      targetId: id,
    });
  });
  slots.delete(ctx.db);
}
