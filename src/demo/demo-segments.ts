import type { AppContext } from '../context.ts';
import { createSegment, listSegments } from '../modules/segments/index.ts';

// A few segments an operator of the demo shop would build first, so the segment pages open on
// real examples of the language: scores with tiers, a behaviour window, value with recency.
const EXAMPLES = [
  {
    name: '高价值流失风险 · High-value members at risk',
    description: 'Gold and Platinum members the churn model gives at least a 50 % risk',
    definition: {
      all: [
        { field: 'tier', op: 'in', value: ['gold', 'platinum'] },
        { field: 'value.churnRisk', op: 'gte', value: 0.5 },
      ],
    },
  },
  {
    name: '数码复购 · Electronics twice in 90 days',
    description: 'Bought in 手机数码 at least twice in the last 90 days',
    definition: {
      event: { type: 'order_paid', category: '手机数码', withinDays: 90 },
      count: { op: 'gte', value: 2 },
    },
  },
  {
    name: '活跃高价值 · Active high value',
    description: 'Predicted lifetime value of at least ¥1,000 and an order in the last 60 days',
    definition: {
      all: [
        { field: 'value.clv', op: 'gte', value: 100_000 },
        { field: 'profile.recencyDays', op: 'lte', value: 60 },
      ],
    },
  },
  {
    name: '加购未买 · Cart abandoners',
    description: 'Added to cart in the last 30 days and leave most carts without an order',
    definition: {
      all: [
        { event: { type: 'cart_add', withinDays: 30 } },
        { field: 'profile.cartAbandonmentRate', op: 'gte', value: 0.5 },
      ],
    },
  },
];

/** Saves the example segments into a shop that has none yet; returns how many it saved. */
export async function ensureDemoSegments(ctx: AppContext): Promise<number> {
  const existing = await listSegments(ctx, { limit: 1 });
  if (existing.data.length > 0) return 0;
  for (const example of EXAMPLES) {
    await createSegment(ctx, { actorType: 'system', actorId: 'demo' }, example);
  }
  return EXAMPLES.length;
}
