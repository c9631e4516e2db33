import type { Insertable } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { EventsTable } from '../events/events.table.ts';
import { awardEventPoints, reverseOrderPoints, sumRulePoints } from '../points/index.ts';
import { capWindow } from './loyalty.actions.ts';
import { eventFacts, loadItemFacts, loadMemberContexts, needsOf } from './loyalty.context.ts';
import { type EngineRule, evaluateRules, ruleMatches } from './loyalty.engine.ts';
import type { Facts, ItemFacts } from './loyalty.facts.ts';
import { activeRulesByTrigger } from './loyalty.service.ts';
import type { Rule } from './loyalty.types.ts';
import { getProgrammeSettings } from './programme.service.ts';
import { expiryFor, type ProgrammeSettings, pendingUntilFor } from './programme.settings.ts';

export interface AwardOptions {
  /** Ledger time: `now` for live events (default), `event` (occurredAt) when replaying history. */
  at?: 'now' | 'event';
  /** The rows come from a file import: they earn only when settings.earnOnImport is on. */
  imported?: boolean;
}

type EventRow = Insertable<EventsTable>;

/**
 * What capped rules already gave, per member, rule and cap period. Asked only for rules that
 * match, and asked again after each award of the batch, so events of one batch add up.
 */
class CapUsage {
  private readonly known = new Map<string, number>();

  constructor(private readonly db: Database) {}

  async of(
    rules: readonly EngineRule[],
    facts: Facts,
    memberId: string,
    at: number,
  ): Promise<Map<string, number>> {
    const used = new Map<string, number>();
    for (const rule of rules) {
      if (!rule.cap || !ruleMatches(rule, facts)) continue;
      const { from, until } = capWindow(rule.cap.period, at);
      const key = `${memberId}\u0000${rule.id}\u0000${from}`;
      let points = this.known.get(key);
      if (points === undefined) {
        points = await sumRulePoints(this.db, memberId, rule.id, from, until);
        this.known.set(key, points);
      }
      used.set(rule.id, points);
    }
    return used;
  }

  forget(memberId: string): void {
    for (const key of this.known.keys()) if (key.startsWith(`${memberId}\u0000`)) this.known.delete(key);
  }
}

/** Stable by occurredAt, so a refund in the same batch as its order comes after it. */
function inTimeOrder(rows: readonly EventRow[]): EventRow[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => Number(a.row.occurredAt) - Number(b.row.occurredAt) || a.index - b.index)
    .map((x) => x.row);
}

interface Batch {
  settings: ProgrammeSettings;
  rulesByTrigger: Map<string, Rule[]>;
  members: Awaited<ReturnType<typeof loadMemberContexts>>;
  items: Map<string, ItemFacts>;
  caps: CapUsage;
}

async function loadBatch(
  ctx: AppContext,
  trx: Database,
  earning: EventRow[],
  batch: Omit<Batch, 'members' | 'items' | 'caps'>,
): Promise<Batch> {
  const types = new Set(earning.map((r) => r.type));
  const needs = needsOf([...types].flatMap((t) => batch.rulesByTrigger.get(t) ?? []));
  const members = await loadMemberContexts(
    ctx,
    trx,
    earning.map((r) => r.memberId),
    needs,
  );
  const itemIds = needs.item ? earning.flatMap((r) => (r.itemId ? [r.itemId] : [])) : [];
  const items = await loadItemFacts(trx, itemIds);
  return { ...batch, members, items, caps: new CapUsage(trx) };
}

function factsOf(row: EventRow, batch: Batch): Facts {
  const itemId = row.itemId ?? null;
  const item = itemId === null ? null : (batch.items.get(itemId) ?? blankItem(itemId));
  return { event: eventFacts(row), item, member: batch.members.get(row.memberId)?.facts ?? null };
}

function blankItem(id: string): ItemFacts {
  return { id, category: null, categoryPath: null, brand: null, price: null };
}

/** Evaluates one earning event and credits its lines; true when points were awarded. */
async function awardOne(
  ctx: AppContext,
  trx: Database,
  row: EventRow,
  at: number,
  batch: Batch,
): Promise<boolean> {
  const rules = batch.rulesByTrigger.get(row.type) ?? [];
  const facts = factsOf(row, batch);
  const capUsed = await batch.caps.of(rules, facts, row.memberId, at);
  const result = evaluateRules(rules, {
    facts,
    currency: batch.settings.currency,
    tierMultiplier: batch.members.get(row.memberId)?.tierMultiplier ?? null,
    capUsed,
  });
  if (result.lines.length === 0) return false;
  const isOrder = row.type === 'order_paid';
  await awardEventPoints(ctx, trx, {
    memberId: row.memberId,
    eventId: row.id,
    eventType: row.type,
    orderId: isOrder ? (row.orderId ?? null) : null,
    amount: isOrder && row.amount != null ? Number(row.amount) : null,
    lines: result.lines,
    // The return window runs from the order, so a late-arriving order waits only what is left of it.
    pendingUntil: isOrder ? pendingUntilFor(batch.settings, Number(row.occurredAt)) : null,
    expiresAt: expiryFor(batch.settings.expiry, at),
    at,
  });
  if (capUsed.size > 0) batch.caps.forget(row.memberId);
  return true;
}

/**
 * The earning hook: for newly stored event rows, evaluates the active rules and credits their
 * points; for order_refunded rows, takes back the order's share. Runs inside the caller's
 * transaction. Returns the ids of members whose points or spend changed. Rows of types no rule
 * listens to (views, searches…) cost nothing once the rules are cached.
 * @example const changed = await awardPointsForEvents(ctx, trx, storedRows);
 */
export async function awardPointsForEvents(
  ctx: AppContext,
  trx: Database,
  rows: readonly EventRow[],
  options: AwardOptions = {},
): Promise<string[]> {
  if (rows.length === 0) return [];
  const rulesByTrigger = await activeRulesByTrigger(ctx, trx);
  const relevant = rows.filter((r) => rulesByTrigger.has(r.type) || r.type === 'order_refunded');
  const spend = rows.filter((r) => r.type === 'order_paid').map((r) => r.memberId);
  if (relevant.length === 0) return [...new Set(spend)];
  const settings = await getProgrammeSettings(ctx, trx);
  if (options.imported && !settings.earnOnImport) return [...new Set(spend)];
  const earning = relevant.filter((r) => r.type !== 'order_refunded');
  const batch = await loadBatch(ctx, trx, earning, { settings, rulesByTrigger });
  const affected = new Set<string>(spend);
  for (const row of inTimeOrder(relevant)) {
    const at = options.at === 'event' ? Number(row.occurredAt) : ctx.clock.now();
    if (row.type !== 'order_refunded') {
      if (await awardOne(ctx, trx, row, at, batch)) affected.add(row.memberId);
    } else if (row.orderId && row.amount != null) {
      const { memberId, orderId, id: eventId } = row;
      await reverseOrderPoints(ctx, trx, {
        memberId,
        orderId,
        refundAmount: Number(row.amount),
        eventId,
        at,
      });
      affected.add(memberId);
    }
  }
  return [...affected];
}
