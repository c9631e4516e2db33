import type { AppContext } from '../../context.ts';
import type { Interactions } from '../../ml/recommend/interactions.ts';
import { listSegments, openSegmentMemberStream } from '../segments/index.ts';
import { memberAgeBand } from './recommendations.cold-start.ts';
import { extractInteractions } from './recommendations.extract.ts';
import type { RecommendationSettings } from './recommendations.settings-types.ts';

// Popular lists per audience, for members the models know nothing about yet (cold start):
//   all/all          the shop's best, weights as in training (behaviour × decay);
//   trending/all     the same with a 7-day half-life;
//   segment/<id>     saved, live segments;
//   city/<region>    the member's coarse region (members.region, stored in clear for segments);
//   age-band/<band>  from the encrypted birthday, decrypted in memory only and never logged;
//   category/<top>   the shop's best per top-level category.
// An item's score in an audience sums ln(1 + w) over its members (w: that member's weight for the
// item), so one member's hundred views do not outweigh ten members' orders. An audience needs
// MIN_AUDIENCE members and an item MIN_ITEM_MEMBERS of them, so a list never shows what a single
// member did.

export const POPULAR_SIZE = 100;
export const TRENDING_HALF_LIFE_DAYS = 7;
export const MIN_AUDIENCE = 10;
export const MIN_ITEM_MEMBERS = 2;
const MEMBER_CHUNK = 1000;
const MAX_SEGMENTS = 100;

export interface PopularRun {
  modelId: string;
  settings: RecommendationSettings;
  dataThrough: number;
  listsAt: number;
}

class Audience {
  readonly scores = new Map<number, number>();
  readonly counts = new Map<number, number>();
  members = 0;

  addRow(data: Interactions, user: number): void {
    this.members += 1;
    const { indptr, indices, weights } = data.byUser;
    for (let p = indptr[user] as number; p < (indptr[user + 1] as number); p++) {
      const item = indices[p] as number;
      this.scores.set(item, (this.scores.get(item) ?? 0) + Math.log1p(weights[p] as number));
      this.counts.set(item, (this.counts.get(item) ?? 0) + 1);
    }
  }

  top(itemIds: readonly string[], keep: (item: number) => boolean = () => true) {
    if (this.members < MIN_AUDIENCE) return null;
    const entries = [...this.scores]
      .filter(([item]) => (this.counts.get(item) ?? 0) >= MIN_ITEM_MEMBERS && keep(item))
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, POPULAR_SIZE);
    return entries.map(([item, score]) => ({ itemId: itemIds[item] as string, score: round(score) }));
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Region and age band of the members in the data (deleted members are not in it). */
async function memberAudiences(ctx: AppContext, memberIds: readonly string[]) {
  const out = new Map<string, { city: string | null; band: string | null }>();
  for (let start = 0; start < memberIds.length; start += MEMBER_CHUNK) {
    const rows = await ctx.db
      .selectFrom('members')
      .select(['id', 'region', 'birthdayEnc'])
      .where('id', 'in', memberIds.slice(start, start + MEMBER_CHUNK))
      .execute();
    for (const row of rows) out.set(row.id, { city: row.region, band: await memberAgeBand(ctx, row) });
  }
  return out;
}

async function segmentMembers(ctx: AppContext): Promise<Map<string, Set<string>>> {
  const { data } = await listSegments(ctx, { limit: MAX_SEGMENTS });
  const out = new Map<string, Set<string>>();
  for (const segment of data) {
    const members = new Set<string>();
    for await (const page of await openSegmentMemberStream(ctx, segment.id))
      for (const id of page) members.add(id);
    out.set(segment.id, members);
  }
  return out;
}

async function itemCategories(ctx: AppContext): Promise<Map<string, string>> {
  const rows = await ctx.db.selectFrom('items').select(['id', 'category']).execute();
  return new Map(rows.map((r) => [r.id, r.category]));
}

/** Every popular list of the shop, keyed `scope/key`. */
export async function computePopularLists(
  ctx: AppContext,
  run: Pick<PopularRun, 'settings' | 'dataThrough'>,
): Promise<Map<string, { scope: string; key: string; items: { itemId: string; score: number }[] }>> {
  const until = { until: run.dataThrough };
  const { data } = await extractInteractions(ctx, run.settings, until);
  const trendingSettings = { ...run.settings, halfLifeDays: TRENDING_HALF_LIFE_DAYS };
  const { data: trending } = await extractInteractions(ctx, trendingSettings, until);
  const facts = await memberAudiences(ctx, data.userIds);
  const segments = await segmentMembers(ctx);
  const audiences = new Map<string, Audience>();
  const audience = (scope: string, key: string) => {
    const name = `${scope}/${key}`;
    let a = audiences.get(name);
    if (!a) {
      a = new Audience();
      audiences.set(name, a);
    }
    return a;
  };
  for (let u = 0; u < data.nUsers; u++) {
    const id = data.userIds[u] as string;
    audience('all', 'all').addRow(data, u);
    const fact = facts.get(id);
    if (fact?.city) audience('city', fact.city).addRow(data, u);
    if (fact?.band) audience('age-band', fact.band).addRow(data, u);
    for (const [segmentId, members] of segments)
      if (members.has(id)) audience('segment', segmentId).addRow(data, u);
  }
  const trendingAudience = new Audience();
  for (let u = 0; u < trending.nUsers; u++) trendingAudience.addRow(trending, u);

  const out = new Map<string, { scope: string; key: string; items: { itemId: string; score: number }[] }>();
  const put = (scope: string, key: string, items: { itemId: string; score: number }[] | null) => {
    if (items && items.length > 0) out.set(`${scope}/${key}`, { scope, key, items });
  };
  for (const [name, a] of audiences) {
    const [scope, ...rest] = name.split('/');
    put(scope as string, rest.join('/'), a.top(data.itemIds));
  }
  put('trending', 'all', trendingAudience.top(trending.itemIds));
  const categories = await itemCategories(ctx);
  const all = audiences.get('all/all');
  for (const category of new Set(data.itemIds.map((id) => categories.get(id) ?? ''))) {
    if (category === '' || !all) continue;
    put(
      'category',
      category,
      all.top(data.itemIds, (item) => categories.get(data.itemIds[item] as string) === category),
    );
  }
  return out;
}

/**
 * The last step of `recommend.train`: recomputes every popular list and drops audiences that no
 * longer qualify. Idempotent: a retry writes the same rows with the same `computedAt`.
 */
export async function writePopularLists(ctx: AppContext, run: PopularRun): Promise<number> {
  const lists = await computePopularLists(ctx, run);
  await ctx.db.transaction().execute(async (trx) => {
    for (const list of lists.values()) {
      const row = {
        scope: list.scope,
        key: list.key,
        modelId: run.modelId,
        items: JSON.stringify(list.items),
        computedAt: run.listsAt,
      };
      await trx
        .insertInto('recommendationPopular')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['scope', 'key'])
            .doUpdateSet({ modelId: row.modelId, items: row.items, computedAt: row.computedAt }),
        )
        .execute();
    }
    await trx.deleteFrom('recommendationPopular').where('computedAt', '<', run.listsAt).execute();
  });
  return lists.size;
}
