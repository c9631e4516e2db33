import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import { countRuleRows, PROGRAMME_ID } from './loyalty.repository.ts';
import { forgetCachedRules, insertRule } from './loyalty.service.ts';
import type { RuleInput } from './loyalty.types.ts';
import { loadProgramme } from './programme.service.ts';

/** The programme a new installation starts with: points on orders, a tier bonus, small rewards. */
export const DEFAULT_RULES: readonly RuleInput[] = [
  {
    name: 'Points on paid orders',
    description: '1 point per 1 CNY paid; counts toward tiers.',
    trigger: 'order_paid',
    status: 'active',
    priority: 10,
    stacking: 'stack',
    action: { type: 'per_amount', points: 1, per: 1 },
    qualifying: true,
  },
  {
    name: 'Tier bonus',
    description: 'The member’s tier multiplies the order points (benefit earningMultiplier).',
    trigger: 'order_paid',
    status: 'active',
    priority: 20,
    stacking: 'stack',
    action: { type: 'tier_multiplier' },
    qualifying: false,
  },
  {
    name: 'Review reward',
    description: '10 points for a review with a rating or at least 10 characters; at most 50 a month.',
    trigger: 'review',
    status: 'active',
    priority: 10,
    stacking: 'stack',
    condition: {
      any: [
        { field: 'event.rating', op: 'exists' },
        { field: 'event.textLength', op: 'gte', value: 10 },
      ],
    },
    action: { type: 'fixed', points: 10 },
    cap: { points: 50, period: 'month' },
    qualifying: false,
  },
  {
    name: 'Welcome bonus',
    description: '100 points once, at sign-up.',
    trigger: 'signup',
    status: 'active',
    priority: 10,
    stacking: 'stack',
    action: { type: 'fixed', points: 100 },
    cap: { points: 100, period: 'lifetime' },
    qualifying: false,
  },
  {
    name: 'Share reward',
    description: '5 points per share, at most 20 a day.',
    trigger: 'share',
    status: 'active',
    priority: 10,
    stacking: 'stack',
    action: { type: 'fixed', points: 5 },
    cap: { points: 20, period: 'day' },
    qualifying: false,
  },
];

/**
 * Installs the default settings and, when there is no rule at all (none ever saved, archived
 * ones included), the default rules — audited as the system. Idempotent: start-up calls it every
 * time. Returns how many rules it installed.
 */
export async function ensureDefaultProgramme(ctx: AppContext): Promise<{ rulesInstalled: number }> {
  const installed = await ctx.db.transaction().execute(async (trx) => {
    await loadProgramme(ctx, trx);
    // Two processes starting at once would both see no rules; the row lock makes one wait.
    if (ctx.dialect === 'postgres')
      await sql`select id from loyalty_programme where id = ${PROGRAMME_ID} for update`.execute(trx);
    if ((await countRuleRows(trx)) > 0) return 0;
    const actor = { actorType: 'system', actorId: 'first-start' };
    for (const input of DEFAULT_RULES) await insertRule(ctx, trx, input, actor);
    return DEFAULT_RULES.length;
  });
  if (installed > 0) forgetCachedRules(ctx);
  return { rulesInstalled: installed };
}
