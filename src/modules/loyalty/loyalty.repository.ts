import type { Insertable, Selectable } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { LoyaltyProgrammeTable, LoyaltyRulesTable, LoyaltyRuleVersionsTable } from './loyalty.table.ts';

// All SQL of the rules and the programme row. The member, item and tier reads of the earning
// hook live in loyalty.context.repository.ts.

export type RuleRow = Selectable<LoyaltyRulesTable>;

export const PROGRAMME_ID = 'default';

export async function insertRuleRow(db: Database, row: Insertable<LoyaltyRulesTable>): Promise<void> {
  await db.insertInto('loyaltyRules').values(row).execute();
}

/** Replaces a rule only when it still has `expectedVersion`; false when someone was faster. */
export async function updateRuleRow(
  db: Database,
  id: string,
  expectedVersion: number,
  row: Omit<Insertable<LoyaltyRulesTable>, 'id' | 'createdAt'>,
): Promise<boolean> {
  const result = await db
    .updateTable('loyaltyRules')
    .set(row)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findRuleRow(db: Database, id: string): Promise<RuleRow | undefined> {
  return db.selectFrom('loyaltyRules').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface RuleRowFilter {
  trigger?: string | undefined;
  status?: string | undefined;
}

/** A page of rules in evaluation order `(trigger, priority, id)`, after the keyset `after`. */
export async function listRuleRows(
  db: Database,
  filter: RuleRowFilter,
  after: [string, number, string] | null,
  limit: number,
): Promise<RuleRow[]> {
  let query = db.selectFrom('loyaltyRules').selectAll();
  if (filter.trigger) query = query.where('trigger', '=', filter.trigger);
  if (filter.status) query = query.where('status', '=', filter.status as RuleRow['status']);
  if (after) {
    const [trigger, priority, id] = after;
    query = query.where((eb) =>
      eb.or([
        eb('trigger', '>', trigger),
        eb.and([eb('trigger', '=', trigger), eb('priority', '>', priority)]),
        eb.and([eb('trigger', '=', trigger), eb('priority', '=', priority), eb('id', '>', id)]),
      ]),
    );
  }
  return query.orderBy('trigger').orderBy('priority').orderBy('id').limit(limit).execute();
}

/** Every active rule (the earning hook caches them). */
export async function listActiveRuleRows(db: Database): Promise<RuleRow[]> {
  return db.selectFrom('loyaltyRules').selectAll().where('status', '=', 'active').execute();
}

export async function countRuleRows(db: Database): Promise<number> {
  const row = await db
    .selectFrom('loyaltyRules')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertRuleVersion(db: Database, row: LoyaltyRuleVersionsTable): Promise<void> {
  await db.insertInto('loyaltyRuleVersions').values(row).execute();
}

/** Every saved version of a rule, newest first. */
export async function listRuleVersionRows(db: Database, ruleId: string): Promise<LoyaltyRuleVersionsTable[]> {
  return db
    .selectFrom('loyaltyRuleVersions')
    .selectAll()
    .where('ruleId', '=', ruleId)
    .orderBy('version', 'desc')
    .execute();
}

export async function findProgrammeRow(db: Database): Promise<LoyaltyProgrammeTable | undefined> {
  return db.selectFrom('loyaltyProgramme').selectAll().where('id', '=', PROGRAMME_ID).executeTakeFirst();
}

/** Creates the programme row unless it exists; two first readers racing is not an error. */
export async function insertProgrammeRowIfMissing(db: Database, row: LoyaltyProgrammeTable): Promise<void> {
  await db
    .insertInto('loyaltyProgramme')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Saves new settings only over `expectedVersion`; false when someone was faster. */
export async function updateProgrammeRow(
  db: Database,
  expectedVersion: number,
  row: Pick<LoyaltyProgrammeTable, 'settings' | 'version' | 'updatedBy' | 'updatedAt'>,
): Promise<boolean> {
  const result = await db
    .updateTable('loyaltyProgramme')
    .set(row)
    .where('id', '=', PROGRAMME_ID)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
