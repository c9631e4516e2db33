import type { AppContext } from '../context.ts';
import { ingestEvents } from '../modules/events/index.ts';
import { loadServeSources, serveMemberList } from '../modules/recommendations/index.ts';
import type { MemberList } from '../modules/recommendations/recommendations.types.ts';
import { Rng, streamSeed } from './random.ts';

// Simulated feedback for the demo shop, so the recommendation report and its A/B chart have
// something to show: after a model is trained, lists are served to a sample of members over the
// last days and clicks, carts and orders are simulated and ingested as ordinary store events
// carrying the list's id. The simulation is honest about one thing only: a member clicks items of
// their favourite category (the one they interacted with most) several times as often as others,
// and top positions more than lower ones. So a model whose lists match members' tastes earns a
// higher CTR — the numbers are simulated, not observed.

export interface DemoRecommendationsOptions {
  /** Members sampled (default 300). */
  members?: number;
  /** Lists served to each sampled member (default 3). */
  listsPerMember?: number;
  /** Lists are spread over this many past days (default 14). */
  days?: number;
  seed?: number;
}

export interface DemoRecommendationsResult {
  /** Null when ran; `no_model` when no recommendation model was trained yet. */
  skipped: 'no_model' | null;
  lists: number;
  clicks: number;
  carts: number;
  orders: number;
}

const DAY_MS = 86_400_000;
const LIST_LENGTH = 10;
/** Click probability at the top position, for an item of the member's favourite category or not. */
const CLICK_IF_FAVOURITE = 0.2;
const CLICK_OTHERWISE = 0.04;
/** Each position down multiplies the click probability by 1 / (1 + POSITION_DECAY · rank). */
const POSITION_DECAY = 0.25;
const CART_AFTER_CLICK = 0.35;
const ORDER_AFTER_CART = 0.5;
const INGEST_BATCH = 1000;

/** Seeded sample of `n` live member ids (a partial Fisher–Yates over the id-ordered list). */
async function sampleMembers(ctx: AppContext, n: number, rng: Rng): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('members')
    .select('id')
    .where('deletedAt', 'is', null)
    .orderBy('id')
    .execute();
  const ids = rows.map((r) => r.id);
  const k = Math.min(n, ids.length);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(ids.length - i);
    [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
  }
  return ids.slice(0, k);
}

/** Each member's favourite top-level category: the one of most of their item events. */
async function favouriteCategories(ctx: AppContext, memberIds: string[]): Promise<Map<string, string>> {
  const best = new Map<string, { category: string; n: number }>();
  for (let start = 0; start < memberIds.length; start += 500) {
    const rows = await ctx.db
      .selectFrom('events as e')
      .innerJoin('items as i', 'i.id', 'e.itemId')
      .select((eb) => ['e.memberId', 'i.category', eb.fn.countAll<number | string>().as('n')])
      .where('e.memberId', 'in', memberIds.slice(start, start + 500))
      .groupBy(['e.memberId', 'i.category'])
      .execute();
    for (const row of rows) {
      const n = Number(row.n);
      const seen = best.get(row.memberId);
      if (!seen || n > seen.n || (n === seen.n && row.category < seen.category)) {
        best.set(row.memberId, { category: row.category, n });
      }
    }
  }
  return new Map([...best].map(([id, b]) => [id, b.category]));
}

interface Simulated {
  events: Record<string, unknown>[];
  clicks: number;
  carts: number;
  orders: number;
}

/** Clicks, carts and orders of one member on one list. */
function simulate(
  list: MemberList,
  favourite: string | undefined,
  servedAt: number,
  rng: Rng,
  out: Simulated,
): void {
  const memberId = list.memberId as string;
  const properties = { recommendationId: list.recommendationId };
  list.items.forEach((item, rank) => {
    const base = item.category === favourite ? CLICK_IF_FAVOURITE : CLICK_OTHERWISE;
    if (!rng.chance(base / (1 + POSITION_DECAY * rank))) return;
    const id = `demo-rec-${list.recommendationId}-${rank}`;
    const at = (minutes: number) => new Date(servedAt + minutes * 60_000).toISOString();
    out.clicks++;
    out.events.push({
      id: `${id}-v`,
      type: 'view',
      memberId,
      itemId: item.itemId,
      occurredAt: at(1 + rank),
      properties,
    });
    if (!rng.chance(CART_AFTER_CLICK)) return;
    out.carts++;
    out.events.push({
      id: `${id}-c`,
      type: 'cart_add',
      memberId,
      itemId: item.itemId,
      occurredAt: at(20),
      properties,
    });
    if (!rng.chance(ORDER_AFTER_CART)) return;
    out.orders++;
    out.events.push({
      id: `${id}-o`,
      type: 'order_paid',
      memberId,
      itemId: item.itemId,
      orderId: `${id}-order`,
      quantity: 1,
      price: item.price,
      amount: item.price,
      occurredAt: at(40),
      properties,
    });
  });
}

/**
 * Serves lists to a sample of demo members and ingests simulated feedback on them (seeded). Run
 * after a recommendation model is trained; without one it does nothing.
 */
export async function runDemoRecommendations(
  ctx: AppContext,
  options: DemoRecommendationsOptions = {},
): Promise<DemoRecommendationsResult> {
  const sources = await loadServeSources(ctx);
  const empty = { lists: 0, clicks: 0, carts: 0, orders: 0 };
  if (!sources.models.primary) return { skipped: 'no_model', ...empty };
  const seed = options.seed ?? ctx.config.demo.seed;
  const days = options.days ?? 14;
  const now = ctx.clock.now();
  const members = await sampleMembers(ctx, options.members ?? 300, new Rng(streamSeed(seed, ['rec-sample'])));
  const favourites = await favouriteCategories(ctx, members);
  const simulated: Simulated = { events: [], clicks: 0, carts: 0, orders: 0 };
  let lists = 0;
  for (const memberId of members) {
    const rng = new Rng(streamSeed(seed, ['rec-feedback', memberId]));
    for (let l = 0; l < (options.listsPerMember ?? 3); l++) {
      // Served in the past (so the daily series has days), and an hour before now at the latest.
      const servedAt = now - rng.int(days) * DAY_MS - (1 + rng.int(20)) * 3_600_000;
      const at: AppContext = { ...ctx, clock: { now: () => servedAt } };
      const list = await serveMemberList(at, sources, memberId, { limit: LIST_LENGTH, exclude: [] });
      lists++;
      simulate(list, favourites.get(memberId), servedAt, rng, simulated);
    }
  }
  for (let start = 0; start < simulated.events.length; start += INGEST_BATCH) {
    await ingestEvents(ctx, simulated.events.slice(start, start + INGEST_BATCH));
  }
  return { skipped: null, lists, clicks: simulated.clicks, carts: simulated.carts, orders: simulated.orders };
}
