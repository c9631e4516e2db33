import { type Kysely, sql } from 'kysely';

// The loyalty programme on top of the points ledger: pending points and debt, order bookkeeping
// for refunds, earning rules with versions, tiers with history, and background jobs.

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then.
async function addLedgerColumns(db: Kysely<any>): Promise<void> {
  // Each entry moves up to three balances; verify sums each column on its own.
  await db.schema
    .alterTable('points_accounts')
    .addColumn('tier_points', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  for (const column of ['pending_delta', 'debt_delta', 'qualifying']) {
    await db.schema
      .alterTable('points_ledger')
      .addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  }
  await db.schema.alterTable('points_ledger').addColumn('rule_id', 'text').execute();
  await db.schema.alterTable('points_ledger').addColumn('rule_version', 'integer').execute();
  // Caps per member, rule and period sum these rows.
  await db.schema
    .createIndex('points_ledger_member_rule_ix')
    .on('points_ledger')
    .columns(['member_id', 'rule_id', 'created_at'])
    .where(sql.ref('rule_id'), 'is not', null)
    .execute();

  await db.schema
    .alterTable('points_lots')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('available'))
    .execute();
  // The liability overview sums entries per day.
  await db.schema
    .createIndex('points_ledger_created_ix')
    .on('points_ledger')
    .columns(['created_at'])
    .execute();

  await db.schema.alterTable('points_lots').addColumn('pending_until', 'bigint').execute();
  await db.schema.alterTable('points_lots').addColumn('source_type', 'text').execute();
  await db.schema.alterTable('points_lots').addColumn('source_id', 'text').execute();
  for (const column of ['expired', 'reversed']) {
    await db.schema
      .alterTable('points_lots')
      .addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  }
  // Redemption reads a member's spendable lots, earliest expiry first; drained lots stay out.
  await db.schema
    .createIndex('points_lots_spendable_ix')
    .on('points_lots')
    .columns(['member_id', 'expires_at', 'id'])
    .where(sql<boolean>`state = 'available' and remaining > 0`)
    .execute();
  // The expiry and release jobs scan only lots that still hold points.
  await db.schema
    .createIndex('points_lots_expiry_ix')
    .on('points_lots')
    .columns(['expires_at', 'id'])
    .where(sql<boolean>`state = 'available' and remaining > 0 and expires_at is not null`)
    .execute();
  await db.schema
    .createIndex('points_lots_release_ix')
    .on('points_lots')
    .columns(['pending_until', 'id'])
    .where(sql<boolean>`state = 'pending'`)
    .execute();
  await db.schema
    .createIndex('points_lots_source_ix')
    .on('points_lots')
    .columns(['member_id', 'source_id'])
    .execute();

  // Tier spend sums each member's orders and refunds over a window: this partial index holds
  // everything that query reads, so it never touches the (large) events rows themselves.
  await db.schema
    .createIndex('events_member_orders_ix')
    .on('events')
    .columns(['member_id', 'occurred_at', 'type', 'amount', 'currency'])
    .where(sql<boolean>`type in ('order_paid', 'order_refunded')`)
    .execute();

  // What an order paid, was refunded and earned, so a refund reverses its share exactly once.
  await db.schema
    .createTable('points_orders')
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('paid_amount', 'bigint', (c) => c.notNull())
    .addColumn('refunded_amount', 'bigint', (c) => c.notNull())
    .addColumn('points_awarded', 'bigint', (c) => c.notNull())
    .addColumn('points_reversed', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('points_orders_pk', ['member_id', 'order_id'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see addLedgerColumns().
async function addProgramme(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('loyalty_programme')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('loyalty_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('stacking', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('cap', 'text')
    .addColumn('valid_from', 'bigint')
    .addColumn('valid_until', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('loyalty_rules_trigger_ix')
    .on('loyalty_rules')
    .columns(['trigger', 'status'])
    .execute();

  // Every saved version of a rule, so a ledger entry's rule_version can be looked up later.
  await db.schema
    .createTable('loyalty_rule_versions')
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text')
    .addColumn('changed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('loyalty_rule_versions_pk', ['rule_id', 'version'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see addLedgerColumns().
async function addTiers(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('loyalty_tiers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('position', 'integer', (c) => c.notNull().unique())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('entry_threshold', 'bigint', (c) => c.notNull())
    .addColumn('retain_threshold', 'bigint', (c) => c.notNull())
    .addColumn('benefits', 'text', (c) => c.notNull())
    .addColumn('color', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('member_tiers')
    .addColumn('member_id', 'text', (c) => c.primaryKey())
    .addColumn('tier_id', 'text', (c) => c.notNull())
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addColumn('valid_until', 'bigint')
    .addColumn('metric_value', 'bigint', (c) => c.notNull())
    .addColumn('override_tier_id', 'text')
    .addColumn('override_until', 'bigint')
    .addColumn('override_reason', 'text')
    .addColumn('below_retain_since', 'bigint')
    .addColumn('evaluated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('member_tiers_tier_ix').on('member_tiers').columns(['tier_id']).execute();

  await db.schema
    .createTable('tier_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('from_tier', 'text')
    .addColumn('to_tier', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('metric_value', 'bigint')
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('tier_history_member_ix')
    .on('tier_history')
    .columns(['member_id', 'at'])
    .execute();
  await db.schema.createIndex('tier_history_at_ix').on('tier_history').columns(['at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see addLedgerColumns().
async function addJobs(db: Kysely<any>): Promise<void> {
  // Long work (recalculation, expiry, backfills) as rows: progress and a resume cursor are saved
  // after every chunk, and a lease lets another process take over a job whose runner died.
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text')
    .addColumn('done', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint')
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('created_by', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('jobs_status_ix').on('jobs').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('jobs_type_ix').on('jobs').columns(['type', 'created_at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see addLedgerColumns().
export async function up(db: Kysely<any>): Promise<void> {
  await addLedgerColumns(db);
  await addProgramme(db);
  await addTiers(db);
  await addJobs(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see addLedgerColumns().
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'jobs',
    'tier_history',
    'member_tiers',
    'loyalty_tiers',
    'loyalty_rule_versions',
    'loyalty_rules',
    'loyalty_programme',
    'points_orders',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  for (const index of [
    'points_lots_spendable_ix',
    'events_member_orders_ix',
    'points_lots_expiry_ix',
    'points_lots_release_ix',
    'points_lots_source_ix',
    'points_ledger_member_rule_ix',
  ]) {
    await db.schema.dropIndex(index).execute();
  }
  for (const column of ['state', 'pending_until', 'source_type', 'source_id', 'expired', 'reversed']) {
    await db.schema.alterTable('points_lots').dropColumn(column).execute();
  }
  for (const column of ['pending_delta', 'debt_delta', 'qualifying', 'rule_id', 'rule_version']) {
    await db.schema.alterTable('points_ledger').dropColumn(column).execute();
  }
  await db.schema.alterTable('points_accounts').dropColumn('tier_points').execute();
}
