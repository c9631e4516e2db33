import type { Insertable } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { parseJsonColumn } from '../../lib/json.ts';
import type { EventsTable } from '../events/events.table.ts';
import { piiAad } from '../members/index.ts';
import { conditionNeeds } from './loyalty.conditions.ts';
import type { EngineRule } from './loyalty.engine.ts';
import type { EventFacts, ItemFacts, MemberFacts } from './loyalty.facts.ts';
import {
  findItemLookupRows,
  findMemberLookupRows,
  findMemberTierRows,
  listTierLookupRows,
  type MemberLookupRow,
  type MemberTierLookupRow,
} from './loyalty.lookup.repository.ts';

// Loads what a set of rules needs to know about members and items, and nothing more: a rule
// set that reads only event fields costs no query, and birthdays are decrypted only when a
// rule asks for date.isBirthdayMonth.

export interface Needs {
  member: boolean;
  tier: boolean;
  item: boolean;
  birthday: boolean;
}

/** What evaluating `rules` must load. */
export function needsOf(rules: readonly EngineRule[]): Needs {
  const needs: Needs = { member: false, tier: false, item: false, birthday: false };
  for (const rule of rules) {
    if (rule.action.type === 'tier_multiplier') needs.tier = true;
    for (const need of conditionNeeds(rule.condition)) needs[need] = true;
  }
  return needs;
}

export interface MemberContext {
  facts: MemberFacts;
  /** The effective tier's earningMultiplier (benefits JSON), null without one. */
  tierMultiplier: number | null;
}

interface TierInfo {
  id: string;
  multiplier: number | null;
}

function tierInfo(row: { id: string; benefits: string }): TierInfo {
  const benefits = parseJsonColumn<Record<string, unknown>>(row.benefits, {});
  const multiplier = benefits.earningMultiplier;
  return { id: row.id, multiplier: typeof multiplier === 'number' && multiplier > 0 ? multiplier : null };
}

/** The tier a member has now: a running override first, else the computed tier, else the entry tier. */
function effectiveTierId(row: MemberTierLookupRow | undefined, entryTier: string | null, now: number) {
  if (!row) return entryTier;
  const overrideRuns = row.overrideUntil === null || Number(row.overrideUntil) > now;
  return row.overrideTierId !== null && overrideRuns ? row.overrideTierId : row.tierId;
}

async function birthMonth(ctx: AppContext, row: MemberLookupRow): Promise<number | null> {
  if (row.birthdayEnc === null) return null;
  const aad = piiAad(row.id, 'birthday');
  const birthday =
    ctx.crypto.pii.decryptIfKeyLoaded(row.birthdayEnc, aad) ??
    (await ctx.crypto.pii.decrypt(row.birthdayEnc, aad));
  const month = Number(birthday.slice(5, 7));
  return month >= 1 && month <= 12 ? month : null;
}

function blankMember(id: string): MemberFacts {
  return {
    id,
    tierId: null,
    region: null,
    gender: null,
    channel: null,
    attributes: {},
    registeredAt: null,
    birthMonth: null,
  };
}

async function loadTiers(
  db: Database,
  memberIds: readonly string[],
  now: number,
): Promise<Map<string, TierInfo | null>> {
  const tiers = (await listTierLookupRows(db)).map(tierInfo);
  const byId = new Map(tiers.map((t) => [t.id, t]));
  const rows = new Map((await findMemberTierRows(db, memberIds)).map((r) => [r.memberId, r]));
  const entry = tiers[0]?.id ?? null;
  const out = new Map<string, TierInfo | null>();
  for (const id of memberIds) {
    const tierId = effectiveTierId(rows.get(id), entry, now);
    out.set(id, tierId === null ? null : (byId.get(tierId) ?? { id: tierId, multiplier: null }));
  }
  return out;
}

/**
 * Member facts for `memberIds`: one query for members, one for their tiers (and one for the
 * tier table), each only when `needs` asks. A member without a row still gets (blank) facts.
 */
export async function loadMemberContexts(
  ctx: AppContext,
  db: Database,
  memberIds: readonly string[],
  needs: Needs,
): Promise<Map<string, MemberContext>> {
  const out = new Map<string, MemberContext>();
  if (memberIds.length === 0 || !(needs.member || needs.birthday || needs.tier)) return out;
  const rows =
    needs.member || needs.birthday
      ? new Map((await findMemberLookupRows(db, memberIds, needs.birthday)).map((r) => [r.id, r]))
      : new Map<string, MemberLookupRow>();
  const tiers = needs.tier ? await loadTiers(db, memberIds, ctx.clock.now()) : new Map<string, null>();
  for (const id of new Set(memberIds)) {
    const row = rows.get(id);
    const facts = blankMember(id);
    if (row) {
      facts.region = row.region;
      facts.gender = row.gender;
      facts.channel = row.channel;
      facts.attributes = parseJsonColumn(row.attributes, {});
      facts.registeredAt = Number(row.registeredAt);
      if (needs.birthday) facts.birthMonth = await birthMonth(ctx, row);
    }
    const tier = tiers.get(id) ?? null;
    facts.tierId = tier?.id ?? null;
    out.set(id, { facts, tierMultiplier: tier?.multiplier ?? null });
  }
  return out;
}

/** Item facts by id, one query; items the catalogue does not know are left out. */
export async function loadItemFacts(
  db: Database,
  itemIds: readonly string[],
): Promise<Map<string, ItemFacts>> {
  if (itemIds.length === 0) return new Map();
  const rows = await findItemLookupRows(db, itemIds);
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        category: r.category,
        categoryPath: r.categoryPath,
        brand: r.brand,
        price: Number(r.priceAmount),
      },
    ]),
  );
}

const numOrNull = (value: number | null | undefined) =>
  value === null || value === undefined ? null : Number(value);

/** The facts of a stored event row. */
export function eventFacts(row: Insertable<EventsTable>): EventFacts {
  return {
    type: row.type,
    amount: numOrNull(row.amount),
    currency: row.currency ?? null,
    quantity: numOrNull(row.quantity),
    rating: numOrNull(row.rating),
    channel: row.channel ?? null,
    textLength: row.text ? [...row.text].length : null,
    properties: row.properties ? parseJsonColumn<Record<string, unknown>>(row.properties, {}) : null,
    occurredAt: Number(row.occurredAt),
  };
}
