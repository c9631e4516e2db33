import type { TestContext } from '../../testing/test-context.ts';
import { ingestEvents } from '../events/index.ts';
import { upsertItems } from '../items/index.ts';
import { upsertMember } from '../members/index.ts';

// A small shop for the training suites: two taste groups (phones and accessories; dresses) of
// members who bought and viewed within their group, snacks everyone buys again and again (the
// repeat-purchase category), members in two cities and two age bands.

export const DAY = 86_400_000;
export const PHONES = ['ph1', 'ph2', 'ph3', 'ph4', 'ph5', 'ph6'];
export const DRESSES = ['dr1', 'dr2', 'dr3', 'dr4', 'dr5', 'dr6'];
export const SNACKS = ['sn1', 'sn2', 'sn3'];
export const SNACK_CATEGORY = '食品';
/** Members per taste group. */
export const GROUP = 15;

const cny = (amount: number) => ({ amount, currency: 'CNY' });

export async function seedShop(ctx: TestContext): Promise<void> {
  await upsertItems(ctx, [
    ...PHONES.map((id, k) => ({
      id,
      title: `手机 ${k + 1}`,
      titleEn: `Phone ${k + 1}`,
      categoryPath: ['手机数码', '手机'],
      brand: 'acme',
      price: cny(199_900 + k * 10_000),
    })),
    ...DRESSES.map((id, k) => ({
      id,
      title: `连衣裙 ${k + 1}`,
      categoryPath: ['服饰', '女装'],
      price: cny(29_900 + k * 1_000),
    })),
    ...SNACKS.map((id, k) => ({
      id,
      title: `零食 ${k + 1}`,
      categoryPath: [SNACK_CATEGORY, '零食'],
      price: cny(1_500 + k),
    })),
  ]);
}

export const phoneMember = (u: number) => `p${String(u).padStart(2, '0')}`;
export const dressMember = (u: number) => `d${String(u).padStart(2, '0')}`;

/** Members of both groups: phone people in 上海 aged ~30, dress people in 北京 aged ~50. */
export async function seedMembers(ctx: TestContext): Promise<string[]> {
  const ids: string[] = [];
  await ctx.db.transaction().execute(async (trx) => {
    for (let u = 0; u < GROUP; u++) {
      for (const [id, region, birthday] of [
        [phoneMember(u), '上海', '1996-03-01'],
        [dressMember(u), '北京', '1975-03-01'],
      ] as const) {
        ids.push(id);
        await upsertMember(ctx, trx, { id, region, birthday }, { actorType: 'system', actorId: 'test' });
      }
    }
  });
  return ids;
}

/**
 * Each member: orders and views of most items of their group (which ones depends on the member,
 * so co-occurrence is informative) and one snack order, all within the last 20 days.
 */
export async function seedBehaviour(ctx: TestContext): Promise<number> {
  const now = ctx.clock.now();
  const events: object[] = [];
  let n = 0;
  const add = (type: string, memberId: string, itemId: string, daysAgo: number) => {
    n += 1;
    const at = new Date(now - daysAgo * DAY - n * 1000).toISOString();
    const order = type === 'order_paid' ? { orderId: `o${n}`, amount: cny(100), quantity: 1 } : {};
    events.push({ id: `e${String(n).padStart(5, '0')}`, type, memberId, itemId, occurredAt: at, ...order });
  };
  for (let u = 0; u < GROUP; u++) {
    for (const [member, items] of [
      [phoneMember(u), PHONES],
      [dressMember(u), DRESSES],
    ] as const) {
      items.forEach((item, j) => {
        if ((u + j) % 3 === 0) return;
        add('view', member, item, 10 + j);
        if ((u + j) % 3 === 1) add('order_paid', member, item, 5 + j);
      });
      add('order_paid', member, SNACKS[u % SNACKS.length] as string, 3);
    }
  }
  for (let start = 0; start < events.length; start += 500) {
    await ingestEvents(ctx, events.slice(start, start + 500));
  }
  return events.length;
}
