import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { parseJsonColumn } from '../../lib/json.ts';
import { piiAad } from '../members/index.ts';
import { listMemberSegments } from '../segments/index.ts';
import type { Candidate } from './recommendations.filters.ts';
import {
  type AgeBand,
  ageBandOf,
  ageBandReason,
  cityReason,
  onboardingReason,
  popularReason,
  segmentReason,
  trendingReason,
} from './recommendations.reasons.ts';
import type { Reason } from './recommendations.types.ts';

// The welcome strategy for members the model cannot score: what they chose when joining, then
// what is popular with people like them (segment, city, age band), then what is trending, then
// the shop's best sellers. Each source's list was computed by the training job; sources are
// concatenated in that order so later filters fall through to the next source.

/** A popular list's entries as the training job stores them. */
export interface PopularEntry {
  itemId: string;
  score: number;
}

/** A member row's facts the serving path needs (and proof the member exists). */
export interface MemberFacts {
  id: string;
  region: string | null;
  birthdayEnc: string | null;
}

/** Segments of one member that feed cold start, at most (the first ones are the most specific). */
const MAX_SEGMENTS = 3;

/** The live member's facts, or null when there is no such member (or it was deleted). */
export async function findMemberFacts(db: Database, memberId: string): Promise<MemberFacts | null> {
  const row = await db
    .selectFrom('members')
    .select(['id', 'region', 'birthdayEnc'])
    .where('id', '=', memberId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  return row ?? null;
}

/** The popular lists named by (scope, key) pairs, in one query; missing ones are absent. */
export async function loadPopularLists(
  db: Database,
  wanted: readonly (readonly [scope: string, key: string])[],
): Promise<Map<string, PopularEntry[]>> {
  const out = new Map<string, PopularEntry[]>();
  if (wanted.length === 0) return out;
  const rows = await db
    .selectFrom('recommendationPopular')
    .select(['scope', 'key', 'items'])
    .where((eb) =>
      eb.or(wanted.map(([scope, key]) => eb.and([eb('scope', '=', scope), eb('key', '=', key)]))),
    )
    .execute();
  for (const row of rows) out.set(`${row.scope}/${row.key}`, parseJsonColumn<PopularEntry[]>(row.items, []));
  return out;
}

/** The member's age band from the encrypted birthday (decrypted in memory only, never logged). */
export async function memberAgeBand(ctx: AppContext, member: MemberFacts): Promise<AgeBand | null> {
  if (member.birthdayEnc === null) return null;
  const aad = piiAad(member.id, 'birthday');
  const birthday =
    ctx.crypto.pii.decryptIfKeyLoaded(member.birthdayEnc, aad) ??
    (await ctx.crypto.pii.decrypt(member.birthdayEnc, aad));
  const age = ageInYears(birthday, ctx.clock.now());
  return age === null ? null : ageBandOf(age);
}

/** Whole years from a `YYYY-MM-DD` birthday to `now` (UTC); null when it does not parse. */
export function ageInYears(birthday: string, now: number): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(birthday);
  if (!match) return null;
  const today = new Date(now);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  let age = today.getUTCFullYear() - year;
  const beforeBirthday =
    today.getUTCMonth() + 1 < month || (today.getUTCMonth() + 1 === month && today.getUTCDate() < day);
  if (beforeBirthday) age--;
  return age;
}

interface Source {
  scope: string;
  key: string;
  reason: Reason;
}

/** The audiences a member belongs to, most specific first. */
async function sourcesFor(ctx: AppContext, member: MemberFacts): Promise<Source[]> {
  const sources: Source[] = [];
  const preferences = await ctx.db
    .selectFrom('memberPreferences')
    .select('categories')
    .where('memberId', '=', member.id)
    .executeTakeFirst();
  for (const category of parseJsonColumn<string[]>(preferences?.categories ?? '[]', [])) {
    sources.push({ scope: 'category', key: category, reason: onboardingReason(category) });
  }
  const segments = (await listMemberSegments(ctx, member.id)).slice(0, MAX_SEGMENTS);
  for (const segment of segments)
    sources.push({ scope: 'segment', key: segment.id, reason: segmentReason(segment) });
  if (member.region) sources.push({ scope: 'city', key: member.region, reason: cityReason(member.region) });
  const band = await memberAgeBand(ctx, member);
  if (band) sources.push({ scope: 'age-band', key: band, reason: ageBandReason(band) });
  sources.push({ scope: 'trending', key: 'all', reason: trendingReason() });
  sources.push({ scope: 'all', key: 'all', reason: popularReason() });
  return sources;
}

/**
 * Cold-start candidates for a member, each with the reason of the first audience that listed it.
 * Onboarding categories are interleaved, so a member who chose two gets both near the top.
 */
export async function coldStartCandidates(ctx: AppContext, member: MemberFacts): Promise<Candidate[]> {
  const sources = await sourcesFor(ctx, member);
  const lists = await loadPopularLists(
    ctx.db,
    sources.map((s) => [s.scope, s.key] as const),
  );
  const onboarding = sources.filter((s) => s.scope === 'category');
  const rest = sources.filter((s) => s.scope !== 'category');
  const out: Candidate[] = [];
  const listed = new Set<string>();
  const add = (entry: PopularEntry, reason: Reason) => {
    if (listed.has(entry.itemId)) return;
    listed.add(entry.itemId);
    out.push({ itemId: entry.itemId, score: entry.score, reason });
  };
  const chosen = onboarding.map((s) => lists.get(`${s.scope}/${s.key}`) ?? []);
  const longest = Math.max(0, ...chosen.map((l) => l.length));
  for (let rank = 0; rank < longest; rank++) {
    chosen.forEach((list, k) => {
      const entry = list[rank];
      if (entry) add(entry, (onboarding[k] as Source).reason);
    });
  }
  for (const source of rest) {
    for (const entry of lists.get(`${source.scope}/${source.key}`) ?? []) add(entry, source.reason);
  }
  return out;
}

/** The shop's popular list (trending first when there is one) as padding candidates, reason 'popular'. */
export async function popularPadding(db: Database, category?: string): Promise<Candidate[]> {
  const wanted: [string, string][] = [['all', 'all']];
  if (category !== undefined) wanted.unshift(['category', category]);
  const lists = await loadPopularLists(db, wanted);
  const out: Candidate[] = [];
  for (const [scope, key] of wanted) {
    const reason = scope === 'category' ? popularReason(key) : popularReason();
    for (const entry of lists.get(`${scope}/${key}`) ?? []) out.push({ ...entry, reason });
  }
  return out;
}
