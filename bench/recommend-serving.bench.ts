// Recommendation serving throughput over HTTP: GET /v1/members/{id}/recommendations for a member
// with a precomputed list and for one scored online from their events, and GET /v1/items/{id}/similar,
// each under autocannon with 50 connections, as a ratio to a bare Fastify route returning a constant
// measured in the same run (autocannon in its own process, as in member-read.bench.ts). Every
// request is a full serve: settings and model from the per-process caches, catalogue lookup,
// filters, category cap, reasons, and the exposure row written to recommendations_served.
import { buildInteractions, type Interaction } from '../src/ml/recommend/interactions.ts';
import { ItemKnnRecommender } from '../src/ml/recommend/item-knn.ts';
import { encodeSavedRecommender } from '../src/ml/recommend/serving.ts';
import { ingestEvents } from '../src/modules/events/index.ts';
import { upsertItems } from '../src/modules/items/index.ts';
import { upsertMember } from '../src/modules/members/index.ts';
import { saveModel } from '../src/modules/models/index.ts';
import { DURATION_S, type LoadRun, load } from './lib/autocannon.ts';
import { median, report } from './lib/report.ts';
import { BENCH_API_KEY, startBareServer, startBenchServer } from './lib/server.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ITEMS = 2000;
const CATEGORIES = 20;
const MEMBERS = 1000;
const EVENTS_PER_MEMBER = 20;

/** Deterministic shop: each member sticks to two categories; items of a category are co-viewed. */
function memberItems(m: number): string[] {
  const out: string[] = [];
  const perCategory = ITEMS / CATEGORIES;
  for (let e = 0; e < EVENTS_PER_MEMBER; e++) {
    const category = (m + (e % 2) * 7) % CATEGORIES;
    const item = category * perCategory + ((m * 31 + e * 17) % perCategory);
    out.push(`sku-${item}`);
  }
  return out;
}

const membrain = await startBenchServer();
const bare = await startBareServer();
const { ctx } = membrain;
const catalogue = Array.from({ length: ITEMS }, (_, i) => ({
  id: `sku-${i}`,
  title: `商品 ${i}`,
  categoryPath: [`类目${Math.floor(i / (ITEMS / CATEGORIES))}`, '子类'],
  price: { amount: 1000 + ((i * 37) % 50_000), currency: 'CNY' },
  inStock: i % 10 !== 0,
}));
for (let start = 0; start < ITEMS; start += 1000)
  await upsertItems(ctx, catalogue.slice(start, start + 1000));
await ctx.db.transaction().execute(async (trx) => {
  for (let m = 0; m < MEMBERS; m++) {
    await upsertMember(ctx, trx, { id: `m-${m}`, region: '上海' }, { actorType: 'system', actorId: 'bench' });
  }
});
const now = ctx.clock.now();
const events: Record<string, unknown>[] = [];
const interactions: Interaction[] = [];
for (let m = 0; m < MEMBERS; m++) {
  memberItems(m).forEach((itemId, e) => {
    const occurredAt = new Date(now - (EVENTS_PER_MEMBER - e) * 3_600_000).toISOString();
    events.push({
      id: `ev-${m}-${e}`,
      type: e % 5 === 4 ? 'cart_add' : 'view',
      memberId: `m-${m}`,
      itemId,
      occurredAt,
    });
    interactions.push({ user: `m-${m}`, item: itemId });
  });
}
for (let start = 0; start < events.length; start += 1000)
  await ingestEvents(ctx, events.slice(start, start + 1000));

// A model as the training job saves it (contract §2), fitted here so the bench depends only on serving.
const data = buildInteractions(interactions);
const knn = new ItemKnnRecommender({ k: 100 });
knn.fit(data);
const model = await saveModel(ctx, {
  kind: 'recommend',
  dataThrough: now,
  params: { model: 'item-knn', hyper: { k: 100 }, variant: null, variants: [null], runId: 'bench' },
  metrics: {},
  artifact: JSON.stringify({ itemIds: data.itemIds, recommender: encodeSavedRecommender(knn.save()) }),
});
// m-0 gets a precomputed list of 100; m-1 has none and is scored online.
const reason = {
  code: 'viewed',
  text: 'Because you viewed 商品 1',
  textZh: '因为您浏览了 商品 1',
  itemId: 'sku-1',
};
await ctx.db
  .insertInto('recommendationLists')
  .values({
    memberId: 'm-0',
    modelId: model.id,
    items: JSON.stringify(
      Array.from({ length: 100 }, (_, k) => ({ itemId: `sku-${k * 19}`, score: 100 - k, reason })),
    ),
    computedAt: ctx.clock.now(),
  })
  .execute();

const auth = { authorization: `Bearer ${BENCH_API_KEY}` };
const targets = [
  { route: 'GET /v1/members/{id}/recommendations (precomputed)', url: '/v1/members/m-0/recommendations' },
  { route: 'GET /v1/members/{id}/recommendations (online)', url: '/v1/members/m-1/recommendations' },
  { route: 'GET /v1/items/{id}/similar', url: `/v1/items/${data.itemIds[5]}/similar` },
];
for (const target of targets) {
  const res = await fetch(`${membrain.url}${target.url}`, { headers: auth });
  const body = (await res.json()) as { strategy?: string; items?: unknown[] };
  if (!res.ok || (body.items?.length ?? 0) < 10)
    throw new Error(`${target.url}: ${res.status} ${JSON.stringify(body)}`);
  console.log(`${target.route}: ${body.strategy ?? 'similar'}, ${body.items?.length} items`);
}

const bareRuns: LoadRun[] = [];
const runs = targets.map(() => [] as LoadRun[]);
for (let round = 0; round < ROUNDS; round++) {
  bareRuns.push(await load(`${bare.url}/constant`));
  for (const [t, target] of targets.entries())
    runs[t]?.push(await load(`${membrain.url}${target.url}`, auth));
}
const row = (name: string, list: LoadRun[]) => ({
  route: name,
  reqPerSec: Math.round(median(list.map((r) => r.rps))),
  p50ms: median(list.map((r) => r.p50)),
  p99ms: median(list.map((r) => r.p99)),
});
const bareRow = row('bare Fastify constant', bareRuns);
report(
  'recommend-serving',
  [
    bareRow,
    ...targets.map((target, t) => {
      const r = row(target.route, runs[t] ?? []);
      return { ...r, ratio: Number((r.reqPerSec / bareRow.reqPerSec).toFixed(3)) };
    }),
  ],
  { connections: 50, durationSeconds: DURATION_S, rounds: ROUNDS, items: ITEMS, members: MEMBERS, limit: 10 },
);
await membrain.stop();
await bare.app.close();
