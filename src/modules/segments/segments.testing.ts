import type { AppContext } from '../../context.ts';
import { emptyProfileRow, type MemberProfilesTable } from '../profiles/index.ts';
import type { MemberScoresTable } from '../value/value.table.ts';
import { isMemberInDefinition } from './segments.membership.ts';
import { checkDefinition, compileResolved } from './segments.query.ts';
import { segmentMemberIds } from './segments.repository.ts';

// Test helpers: rows written straight into the tables a segment reads (the profile and value
// jobs are other modules' business), and membership computed both ways.

export const DAY = 86_400_000;

export async function addMember(
  ctx: AppContext,
  id: string,
  fields: {
    region?: string;
    gender?: string;
    channel?: string;
    registeredAt?: number;
    deletedAt?: number;
  } = {},
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db
    .insertInto('members')
    .values({
      id,
      region: fields.region ?? null,
      gender: fields.gender ?? null,
      channel: fields.channel ?? null,
      status: fields.deletedAt === undefined ? 'active' : 'deleted',
      registeredAt: fields.registeredAt ?? now - 100 * DAY,
      createdAt: now,
      updatedAt: now,
      deletedAt: fields.deletedAt ?? null,
      attributes: '{}',
      consents: '{}',
      version: 1,
    })
    .execute();
}

export async function addProfile(
  ctx: AppContext,
  memberId: string,
  fields: Partial<Omit<MemberProfilesTable, 'memberId'>> = {},
): Promise<void> {
  await ctx.db
    .insertInto('memberProfiles')
    .values({
      ...emptyProfileRow(memberId, ctx.clock.now()),
      ...fields,
    })
    .execute();
}

export async function addScores(
  ctx: AppContext,
  memberId: string,
  fields: Partial<Omit<MemberScoresTable, 'memberId'>> = {},
): Promise<void> {
  await ctx.db
    .insertInto('memberScores')
    .values({
      memberId,
      modelId: 'mdl_test',
      scoredAt: ctx.clock.now(),
      currency: 'CNY',
      frequency: 0,
      recencyDays: 0,
      ageDays: 0,
      pAlive: 0.5,
      expectedPurchases: 0,
      expectedSpend: 0,
      clv: 0,
      churnRisk: null,
      churnReasons: '[]',
      currentTier: null,
      predictedTier: null,
      tierMove: 0,
      ...fields,
    })
    .execute();
}

let sequence = 0;

export async function addEvent(
  ctx: AppContext,
  memberId: string,
  type: string,
  fields: { at?: number; itemId?: string; amount?: number; currency?: string } = {},
): Promise<void> {
  sequence += 1;
  await ctx.db
    .insertInto('events')
    .values({
      id: `ev-${sequence}`,
      type,
      memberId,
      itemId: fields.itemId ?? null,
      occurredAt: fields.at ?? ctx.clock.now(),
      receivedAt: ctx.clock.now(),
      amount: fields.amount ?? null,
      currency: fields.amount === undefined ? null : (fields.currency ?? 'CNY'),
      contentHash: 'test',
    })
    .execute();
}

export async function addItem(
  ctx: AppContext,
  id: string,
  categoryPath: string,
  brand: string | null = null,
) {
  const now = ctx.clock.now();
  await ctx.db
    .insertInto('items')
    .values({
      id,
      title: id,
      categoryPath,
      category: categoryPath.split(' > ')[0] as string,
      brand,
      priceAmount: 100,
      currency: 'CNY',
      createdAt: now,
      updatedAt: now,
      attributes: '{}',
      inStock: 1,
    })
    .execute();
}

export async function addClusterRun(ctx: AppContext, runId: string, assignments: Record<string, number>) {
  await ctx.db
    .insertInto('clusterRuns')
    .values({
      id: runId,
      createdAt: ctx.clock.now(),
      jobId: null,
      k: 3,
      members: Object.keys(assignments).length,
      sampleSize: 0,
      features: '[]',
      clusters: '[]',
      silhouettes: '{}',
    })
    .execute();
  for (const [memberId, cluster] of Object.entries(assignments))
    await ctx.db.insertInto('memberClusters').values({ runId, memberId, cluster }).execute();
}

/** Member ids in a definition by SQL, sorted. */
export async function sqlMembers(ctx: AppContext, definition: unknown): Promise<string[]> {
  const { resolved } = await checkDefinition(ctx.db, definition);
  return (await segmentMemberIds(ctx.db, await compileResolved(ctx, resolved), null, 100_000)).sort();
}

/** Member ids in a definition by in-memory evaluation of each of `ids`, sorted. */
export async function memoryMembers(
  ctx: AppContext,
  definition: unknown,
  ids: readonly string[],
): Promise<string[]> {
  const { resolved } = await checkDefinition(ctx.db, definition);
  const out: string[] = [];
  for (const id of [...ids].sort()) if (await isMemberInDefinition(ctx, id, resolved)) out.push(id);
  return out;
}
