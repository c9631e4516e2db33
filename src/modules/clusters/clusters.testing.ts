import type { Database } from '../../db/database.ts';
import { createRng } from '../../ml/kmeans/index.ts';
import { emptyProfileRow, type MemberProfilesTable } from '../profiles/index.ts';

const DAY = 86_400_000;

type ProfileInput = Partial<MemberProfilesTable> & { memberId: string };
export interface ScoreInput {
  memberId: string;
  clv: number;
  pAlive: number;
  churnRisk: number | null;
}

/** Writes member_profiles rows directly (tests only; the profiles module owns the real writes). */
export async function insertProfiles(db: Database, now: number, rows: ProfileInput[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('memberProfiles')
      // Every column given: a multi-row insert on SQLite writes NULL, not the default, for a missing one.
      .values(
        rows.slice(i, i + 200).map((r) => ({
          ...emptyProfileRow(r.memberId, now),
          ...r,
        })),
      )
      .execute();
}

/** Writes member_scores rows directly (tests only; the value module owns the real writes). */
export async function insertScores(db: Database, now: number, rows: ScoreInput[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('memberScores')
      .values(
        rows.slice(i, i + 200).map((r) => ({
          ...r,
          modelId: 'mdl_test',
          scoredAt: now,
          currency: 'CNY',
          frequency: 1,
          recencyDays: 1,
          ageDays: 1,
          expectedPurchases: 1,
          expectedSpend: 1,
          churnReasons: '[]',
          tierMove: 0,
        })),
      )
      .execute();
}

/** Bare member rows (no personal data) for the ids, so modules that read live members see them. */
export async function insertMembers(db: Database, now: number, ids: readonly string[]): Promise<void> {
  const row = (id: string) => ({
    id,
    nameEnc: null,
    emailEnc: null,
    phoneEnc: null,
    birthdayEnc: null,
    addressEnc: null,
    emailBidx: null,
    phoneBidx: null,
    gender: null,
    region: null,
    locale: null,
    channel: null,
    attributes: '{}',
    consents: '{}',
    status: 'active',
    registeredAt: now,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
    version: 1,
  });
  for (let i = 0; i < ids.length; i += 200)
    await db
      .insertInto('members')
      .values(ids.slice(i, i + 200).map(row))
      .execute();
}

export type Group = 'spender' | 'lapsed' | 'browser';

/**
 * A population of three obvious groups, `perGroup` members each (ids `m0000`…, groups
 * interleaved): big spenders (many recent, large orders, scored loyal), lapsed buyers (a few small
 * orders a year ago, scored likely gone) and window shoppers (mostly views, never ordered, not scored).
 */
export async function insertThreeGroups(db: Database, now: number, perGroup: number, seed = 1) {
  const rng = createRng(seed);
  const jitter = (x: number, spread = 0.2) => Math.max(0, Math.round(x * (1 + spread * (rng() * 2 - 1))));
  const groups: Group[] = ['spender', 'lapsed', 'browser'];
  const profiles: ProfileInput[] = [];
  const scores: ScoreInput[] = [];
  const truth = new Map<string, Group>();
  for (let i = 0; i < perGroup * 3; i++) {
    const memberId = `m${String(i).padStart(4, '0')}`;
    const group = groups[i % 3] as Group;
    truth.set(memberId, group);
    if (group === 'spender') {
      const orders = jitter(20);
      profiles.push({
        memberId,
        events: jitter(300),
        views: jitter(90),
        orders,
        orderDays: orders,
        revenue: jitter(2_000_000),
        activeDays: jitter(60),
        firstOrderAt: now - 300 * DAY,
        lastOrderAt: now - jitter(5) * DAY,
        cartDays: 20,
        cartDaysOrdered: 18,
      });
      scores.push({
        memberId,
        clv: jitter(500_000),
        pAlive: 0.9 + rng() * 0.09,
        churnRisk: 0.05 + rng() * 0.1,
      });
    } else if (group === 'lapsed') {
      profiles.push({
        memberId,
        events: jitter(30),
        views: jitter(9),
        orders: 2,
        orderDays: 2,
        revenue: jitter(20_000),
        activeDays: jitter(6),
        firstOrderAt: now - 500 * DAY,
        lastOrderAt: now - jitter(400, 0.1) * DAY,
        cartDays: 3,
        cartDaysOrdered: 2,
      });
      scores.push({
        memberId,
        clv: jitter(2_000),
        pAlive: 0.05 + rng() * 0.1,
        churnRisk: 0.85 + rng() * 0.1,
      });
    } else {
      const events = jitter(150);
      profiles.push({
        memberId,
        events,
        views: Math.round(events * 0.95),
        activeDays: jitter(30),
        cartDays: 5,
        cartDaysOrdered: 0,
      });
    }
  }
  await insertProfiles(db, now, profiles);
  await insertScores(db, now, scores);
  return truth;
}
