import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';

const DAY_MS = 86_400_000;

export const liabilityQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(366).default(90) });

const dayRow = z.object({
  date: z.string(),
  earned: z.number().int(),
  redeemed: z.number().int(),
  expired: z.number().int(),
  reversed: z.number().int(),
  adjusted: z.number().int(),
});

export const liabilitySchema = z.object({
  outstanding: z.object({
    available: z.number().int().describe('Points members can spend now'),
    pending: z.number().int().describe('Points waiting for the return window'),
    debt: z.number().int().describe('Points owed after refunds of spent points'),
    members: z.number().int().describe('Members holding available points'),
  }),
  expiring: z.object({ in30d: z.number().int(), in90d: z.number().int() }),
  daily: z.array(dayRow).describe('UTC days, oldest first; earned counts gross (pending included)'),
});
export type Liability = z.infer<typeof liabilitySchema>;

async function expiringWithin(ctx: AppContext, now: number, days: number): Promise<number> {
  const row = await ctx.db
    .selectFrom('pointsLots')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('remaining'), eb.lit(0)).as('total'))
    .where('state', '=', 'available')
    .where('remaining', '>', 0)
    .where('expiresAt', '>=', now)
    .where('expiresAt', '<', now + days * DAY_MS)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** The programme's outstanding points (its liability) and the daily flow over the last `days` days. */
export async function getPointsLiability(ctx: AppContext, days: number): Promise<Liability> {
  const now = ctx.clock.now();
  const totals = await ctx.db
    .selectFrom('pointsAccounts')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('available'), eb.lit(0)).as('available'),
      eb.fn.coalesce(eb.fn.sum<number>('pending'), eb.lit(0)).as('pending'),
      eb.fn.coalesce(eb.fn.sum<number>('debt'), eb.lit(0)).as('debt'),
      eb.fn.sum<number>(sql`case when available > 0 then 1 else 0 end`).as('members'),
    ])
    .executeTakeFirstOrThrow();
  const firstDay = Math.floor(now / DAY_MS) - days + 1;
  const rows = await ctx.db
    .selectFrom('pointsLedger')
    .select((eb) => [
      sql<number>`created_at / ${sql.lit(DAY_MS)}`.as('day'),
      'kind',
      eb.fn.sum<number>(sql`points + pending_delta - debt_delta`).as('points'),
    ])
    .where('createdAt', '>=', firstDay * DAY_MS)
    .groupBy([sql`created_at / ${sql.lit(DAY_MS)}`, 'kind'])
    .execute();
  const byDay = new Map<number, z.infer<typeof dayRow>>();
  for (let day = firstDay; day < firstDay + days; day++)
    byDay.set(day, {
      date: new Date(day * DAY_MS).toISOString().slice(0, 10),
      earned: 0,
      redeemed: 0,
      expired: 0,
      reversed: 0,
      adjusted: 0,
    });
  for (const row of rows) {
    const entry = byDay.get(Math.floor(Number(row.day)));
    if (!entry) continue;
    const points = Number(row.points);
    if (row.kind === 'earn') entry.earned += points;
    else if (row.kind === 'redeem') entry.redeemed += -points;
    else if (row.kind === 'expire') entry.expired += -points;
    else if (row.kind === 'reverse') entry.reversed += -points;
    else if (row.kind === 'adjust') entry.adjusted += points;
  }
  return {
    outstanding: {
      available: Number(totals.available),
      pending: Number(totals.pending),
      debt: Number(totals.debt),
      members: Number(totals.members ?? 0),
    },
    expiring: { in30d: await expiringWithin(ctx, now, 30), in90d: await expiringWithin(ctx, now, 90) },
    daily: [...byDay.values()],
  };
}
