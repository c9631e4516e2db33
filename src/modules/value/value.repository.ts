import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { MemberScoresTable } from './value.table.ts';

// All SQL of the value module. Orders are read through the partial covering index
// events_member_orders_ix (member_id, occurred_at, type, amount, currency): the filter repeats the
// index's own predicate word for word so both SQLite and PostgreSQL pick it.

const ORDER_TYPES = sql<boolean>`type in ('order_paid', 'order_refunded')`;

/** Members with at least one paid order in `currency`. */
export async function countPurchasers(db: Database, currency: string): Promise<number> {
  const row = await db
    .selectFrom(
      db
        .selectFrom('events')
        .select('memberId')
        .where(ORDER_TYPES)
        .where('type', '=', 'order_paid')
        .where('currency', '=', currency)
        .groupBy('memberId')
        .as('p'),
    )
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The next `limit` purchasers after `after`, in member-id order. */
export async function purchaserIdsAfter(
  db: Database,
  currency: string,
  after: string | null,
  limit: number,
): Promise<string[]> {
  let query = db
    .selectFrom('events')
    .select('memberId')
    .where(ORDER_TYPES)
    .where('type', '=', 'order_paid')
    .where('currency', '=', currency)
    .groupBy('memberId')
    .orderBy('memberId')
    .limit(limit);
  if (after !== null) query = query.where('memberId', '>', after);
  return (await query.execute()).map((r) => r.memberId);
}

export interface OrderRow {
  memberId: string;
  occurredAt: number;
  type: string;
  amount: number;
}

/** Paid and refunded orders of these members in `currency` up to `through`, by member then time. */
export async function orderRowsOf(
  db: Database,
  currency: string,
  memberIds: readonly string[],
  through: number,
): Promise<OrderRow[]> {
  if (memberIds.length === 0) return [];
  const rows = await db
    .selectFrom('events')
    .select(['memberId', 'occurredAt', 'type', 'amount'])
    .where(ORDER_TYPES)
    .where('memberId', 'in', memberIds)
    .where('currency', '=', currency)
    .where('amount', 'is not', null)
    .where('occurredAt', '<=', through)
    .orderBy('memberId')
    .orderBy('occurredAt')
    .execute();
  return rows.map((r) => ({
    memberId: r.memberId,
    occurredAt: Number(r.occurredAt),
    type: r.type,
    amount: Number(r.amount),
  }));
}

/** Tier-qualifying ledger entries of these members since `from` (the qualifying_points metric). */
export async function qualifyingRowsOf(
  db: Database,
  memberIds: readonly string[],
  from: number,
  through: number,
): Promise<Map<string, { at: number; delta: number }[]>> {
  const out = new Map<string, { at: number; delta: number }[]>();
  if (memberIds.length === 0) return out;
  const rows = await db
    .selectFrom('pointsLedger')
    .select(['memberId', 'createdAt', 'qualifying'])
    .where('memberId', 'in', memberIds)
    .where('qualifying', '<>', 0)
    .where('createdAt', '>=', from)
    .where('createdAt', '<=', through)
    .orderBy('memberId')
    .orderBy('createdAt')
    .execute();
  for (const r of rows) {
    const list = out.get(r.memberId) ?? [];
    list.push({ at: Number(r.createdAt), delta: Number(r.qualifying) });
    out.set(r.memberId, list);
  }
  return out;
}

/** Inserts or replaces the members' scores (one statement per 500 rows). */
export async function upsertScores(db: Database, rows: readonly MemberScoresTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('memberScores')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.column('memberId').doUpdateSet((eb) => ({
          modelId: eb.ref('excluded.modelId'),
          scoredAt: eb.ref('excluded.scoredAt'),
          currency: eb.ref('excluded.currency'),
          frequency: eb.ref('excluded.frequency'),
          recencyDays: eb.ref('excluded.recencyDays'),
          ageDays: eb.ref('excluded.ageDays'),
          pAlive: eb.ref('excluded.pAlive'),
          expectedPurchases: eb.ref('excluded.expectedPurchases'),
          expectedSpend: eb.ref('excluded.expectedSpend'),
          clv: eb.ref('excluded.clv'),
          churnRisk: eb.ref('excluded.churnRisk'),
          churnReasons: eb.ref('excluded.churnReasons'),
          currentTier: eb.ref('excluded.currentTier'),
          predictedTier: eb.ref('excluded.predictedTier'),
          tierMove: eb.ref('excluded.tierMove'),
          tierMoveProbability: eb.ref('excluded.tierMoveProbability'),
        })),
      )
      .execute();
  }
}

export async function findScore(db: Database, memberId: string): Promise<MemberScoresTable | undefined> {
  return db.selectFrom('memberScores').selectAll().where('memberId', '=', memberId).executeTakeFirst();
}

/** Where a movers page resumes: after this probability and member id. */
export interface MoverKey {
  probability: number;
  memberId: string;
}

/**
 * Members predicted to move (`move` = 1 or −1), most probable first, then by member id; keyset
 * paging after `after`. A predicted move always has its probability (scoring writes both).
 */
export async function listMoverRows(
  db: Database,
  move: number,
  after: MoverKey | null,
  limit: number,
): Promise<MemberScoresTable[]> {
  let query = db
    .selectFrom('memberScores')
    .selectAll()
    .where('tierMove', '=', move)
    .orderBy('tierMoveProbability', 'desc')
    .orderBy('memberId')
    .limit(limit);
  if (after !== null)
    query = query.where((eb) =>
      eb.or([
        eb('tierMoveProbability', '<', after.probability),
        eb.and([eb('tierMoveProbability', '=', after.probability), eb('memberId', '>', after.memberId)]),
      ]),
    );
  return query.execute();
}

/** Counts of members in each [edge_k, edge_k+1) bucket of a score column (last bucket open). */
export async function bucketCounts(
  db: Database,
  column: 'clv' | 'pAlive',
  edges: readonly number[],
): Promise<number[]> {
  const ref = column === 'clv' ? sql.ref('clv') : sql.ref('p_alive');
  const cases = edges.map((from, k) => {
    const to = edges[k + 1];
    const cond = to === undefined ? sql`${ref} >= ${from}` : sql`${ref} >= ${from} and ${ref} < ${to}`;
    return sql<number>`sum(case when ${cond} then 1 else 0 end)`.as(`b${k}`);
  });
  const row = (await db.selectFrom('memberScores').select(cases).executeTakeFirst()) as
    | Record<string, unknown>
    | undefined;
  return edges.map((_, k) => Number(row?.[`b${k}`] ?? 0));
}

/** Per current tier: members, mean churn risk and members at or above `high`. */
export async function churnByTierRows(db: Database, high: number) {
  const rows = await db
    .selectFrom('memberScores')
    .select([
      'currentTier',
      (eb) => eb.fn.countAll().as('members'),
      (eb) => eb.fn.avg('churnRisk').as('meanChurnRisk'),
      sql<number>`sum(case when churn_risk >= ${high} then 1 else 0 end)`.as('highRisk'),
    ])
    .groupBy('currentTier')
    .execute();
  return rows.map((r) => ({
    tierId: r.currentTier,
    members: Number(r.members),
    meanChurnRisk: r.meanChurnRisk === null ? null : Number(r.meanChurnRisk),
    highRisk: Number(r.highRisk ?? 0),
  }));
}

/** Scored members, how many are predicted to move up and down, and their CLV and horizon spend in `currency`. */
export async function scoreCounts(
  db: Database,
  currency: string,
): Promise<{ scored: number; up: number; down: number; clv: number; expectedSpend: number }> {
  const row = await db
    .selectFrom('memberScores')
    .select([
      (eb) => eb.fn.countAll().as('scored'),
      sql<number>`sum(case when tier_move = 1 then 1 else 0 end)`.as('up'),
      sql<number>`sum(case when tier_move = -1 then 1 else 0 end)`.as('down'),
      // Rows scored in another currency (the programme's changed since) are left out of the sums.
      sql<number>`sum(case when currency = ${currency} then clv else 0 end)`.as('clv'),
      sql<number>`sum(case when currency = ${currency} then expected_spend else 0 end)`.as('expectedSpend'),
    ])
    .executeTakeFirst();
  return {
    scored: Number(row?.scored ?? 0),
    up: Number(row?.up ?? 0),
    down: Number(row?.down ?? 0),
    clv: Number(row?.clv ?? 0),
    expectedSpend: Number(row?.expectedSpend ?? 0),
  };
}
