import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';
import { existingMemberIds } from '../members/index.ts';
import { sumRulePoints } from '../points/index.ts';
import { capWindow } from './loyalty.actions.ts';
import { loadItemFacts, loadMemberContexts, needsOf } from './loyalty.context.ts';
import { type EngineRule, evaluateRules, ruleMatches } from './loyalty.engine.ts';
import type { EventFacts, Facts } from './loyalty.facts.ts';
import { listRuleRows } from './loyalty.repository.ts';
import { inputToRule, rowToRule } from './loyalty.rules.ts';
import type { PreviewBody, PreviewEvent, PreviewResult } from './loyalty.types.ts';
import { getProgrammeSettings } from './programme.service.ts';
import { expiryFor, pendingUntilFor } from './programme.settings.ts';

// "What would this event earn?" — the same engine as the ingest path, with nothing written.

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function previewFacts(event: PreviewEvent, now: number): EventFacts {
  return {
    type: event.type,
    amount: event.amount?.amount ?? null,
    currency: event.amount?.currency ?? null,
    quantity: event.quantity ?? null,
    rating: event.rating ?? null,
    channel: event.channel ?? null,
    textLength: event.text === undefined ? null : [...event.text].length,
    properties: event.properties ?? null,
    occurredAt: event.occurredAt ? Date.parse(event.occurredAt) : now,
  };
}

/** The drafts as rules (ids `draft-1`… unless given), or the saved active rules of the event's type. */
async function rulesFor(ctx: AppContext, body: PreviewBody, now: number): Promise<EngineRule[]> {
  if (body.rules)
    return body.rules.map((draft, i) =>
      inputToRule(draft, { id: draft.id ?? `draft-${i + 1}`, version: 0, createdAt: now, updatedAt: now }),
    );
  const rows = await listRuleRows(ctx.db, { trigger: body.event.type, status: 'active' }, null, 10_000);
  return rows.map(rowToRule);
}

async function capUsage(
  ctx: AppContext,
  rules: EngineRule[],
  facts: Facts,
  memberId: string | undefined,
  at: number,
): Promise<Map<string, number>> {
  const used = new Map<string, number>();
  if (memberId === undefined) return used;
  for (const rule of rules) {
    if (!rule.cap || !ruleMatches(rule, facts)) continue;
    const { from, until } = capWindow(rule.cap.period, at);
    used.set(rule.id, await sumRulePoints(ctx.db, memberId, rule.id, from, until));
  }
  return used;
}

/**
 * POST /v1/loyalty/rules/preview: the points an event would earn now, line by line, and for
 * every rule whether it matched and why not. With `memberId`, the member's tier, attributes and
 * what capped rules already gave them count; without, member fields read as absent.
 */
export async function previewRules(ctx: AppContext, body: PreviewBody): Promise<PreviewResult> {
  const now = ctx.clock.now();
  const { memberId } = body;
  if (memberId !== undefined && !(await existingMemberIds(ctx.db, [memberId])).has(memberId))
    throw appError(Errors.MEMBER_NOT_FOUND);
  const settings = await getProgrammeSettings(ctx);
  const rules = await rulesFor(ctx, body, now);
  const needs = needsOf(rules);
  const member =
    memberId === undefined
      ? undefined
      : (await loadMemberContexts(ctx, ctx.db, [memberId], needs)).get(memberId);
  const itemId = body.event.itemId;
  const item =
    itemId === undefined
      ? null
      : ((await loadItemFacts(ctx.db, needs.item ? [itemId] : [])).get(itemId) ?? {
          id: itemId,
          category: null,
          categoryPath: null,
          brand: null,
          price: null,
        });
  const facts: Facts = {
    event: previewFacts(body.event, now),
    item,
    member: member?.facts ?? null,
  };
  const result = evaluateRules(rules, {
    facts,
    currency: settings.currency,
    tierMultiplier: member?.tierMultiplier ?? null,
    capUsed: await capUsage(ctx, rules, facts, memberId, now),
  });
  const earns = result.total > 0;
  // As when the event arrives: the return window runs from the order, the expiry from now.
  const pendingUntil =
    earns && body.event.type === 'order_paid' ? pendingUntilFor(settings, facts.event.occurredAt) : null;
  return {
    total: result.total,
    pending: pendingUntil !== null && pendingUntil > now,
    pendingUntil: iso(pendingUntil),
    expiresAt: earns ? iso(expiryFor(settings.expiry, now)) : null,
    lines: result.lines.map((line) => ({
      ruleId: line.ruleId ?? 'base',
      ruleName: line.reason,
      points: line.points,
      qualifying: line.qualifying,
    })),
    rules: result.trace,
  };
}
