import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';

/** Points one rule gave the member with entries dated in `[from, until)` (caps count these). */
export async function sumRulePoints(
  db: Database,
  memberId: string,
  ruleId: string,
  from: number,
  until: number,
): Promise<number> {
  const row = await db
    .selectFrom('pointsLedger')
    .select((eb) =>
      // Gross: what went to pending, to available and to paying a debt.
      eb.fn.coalesce(eb.fn.sum<number>(sql`points + pending_delta - debt_delta`), eb.lit(0)).as('total'),
    )
    .where('memberId', '=', memberId)
    .where('ruleId', '=', ruleId)
    .where('kind', '=', 'earn')
    .where('createdAt', '>=', from)
    .where('createdAt', '<', until)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** Tier-qualifying points of entries dated in `[from, until)`; refunds count negative. */
export async function sumQualifyingPoints(
  db: Database,
  memberId: string,
  from: number,
  until: number,
): Promise<number> {
  const row = await db
    .selectFrom('pointsLedger')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('qualifying'), eb.lit(0)).as('total'))
    .where('memberId', '=', memberId)
    .where('createdAt', '>=', from)
    .where('createdAt', '<', until)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}
