import { type Kysely, SqliteAdapter, sql } from 'kysely';

// Risk control: every decision with its inputs and feature values (audit, backtests, retraining;
// purged after the retention setting), scenarios (rules as data, versioned, one live per action),
// allow and block lists, the review queue (cases and their comments), and the IP-range → country
// table an operator loads.

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then.
export async function up(db: Kysely<any>): Promise<void> {
  const end = db.getExecutor().adapter instanceof SqliteAdapter ? sql`without rowid` : sql``;
  await db.schema
    .createTable('risk_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // login, signup, order, redeem, transfer, coupon.
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    // The store's order id, so a chargeback or refund can label the decision later.
    .addColumn('order_id', 'text')
    // The attempt's device and IP, for the accounts linked through them (the review's graph).
    .addColumn('device_id', 'text')
    .addColumn('ip', 'text')
    // allow, review, block.
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    // JSON: [{ code, description, contribution }] largest first.
    .addColumn('reasons', 'text', (c) => c.notNull())
    // JSON: the request as checked (no personal data: addresses arrive hashed).
    .addColumn('inputs', 'text', (c) => c.notNull())
    // JSON: feature name → value, as the rules and models saw them.
    .addColumn('features', 'text', (c) => c.notNull())
    .addColumn('scenario_id', 'text')
    .addColumn('scenario_version', 'integer')
    .addColumn('model_id', 'text')
    // fraud or legit, once an analyst, a chargeback or a refund says so.
    .addColumn('label', 'text')
    .addColumn('label_source', 'text')
    .addColumn('labelled_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('risk_decisions_time_ix').on('risk_decisions').column('created_at').execute();
  await db.schema
    .createIndex('risk_decisions_action_time_ix')
    .on('risk_decisions')
    .columns(['action', 'created_at'])
    .execute();
  await db.schema
    .createIndex('risk_decisions_member_ix')
    .on('risk_decisions')
    .columns(['member_id', 'created_at'])
    .execute();
  await db.schema.createIndex('risk_decisions_order_ix').on('risk_decisions').column('order_id').execute();
  await db.schema.createIndex('risk_decisions_device_ix').on('risk_decisions').column('device_id').execute();
  await db.schema.createIndex('risk_decisions_ip_ix').on('risk_decisions').column('ip').execute();
  await db.schema
    .createTable('risk_scenarios')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    // draft, live, retired: one live version per action.
    .addColumn('status', 'text', (c) => c.notNull())
    // JSON: { name, rules: [{ code, description, when, score }], reviewAt, blockAt, modelWeight }.
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('published_at', 'bigint')
    .addColumn('published_by', 'text')
    .addPrimaryKeyConstraint('risk_scenarios_pk', ['action', 'version'])
    .modifyEnd(end)
    .execute();
  await db.schema
    .createTable('risk_list_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // allow or block.
    .addColumn('list', 'text', (c) => c.notNull())
    // member, device, ip, payment, email_domain.
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema
    .createIndex('risk_list_entries_value_ux')
    .on('risk_list_entries')
    .columns(['list', 'kind', 'value'])
    .unique()
    .execute();
  await db.schema
    .createTable('risk_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('decision_id', 'text', (c) => c.notNull().unique())
    .addColumn('member_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    // open, resolved.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee', 'text')
    // fraud or legit, when resolved.
    .addColumn('resolution', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolved_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('risk_cases_status_ix')
    .on('risk_cases')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createTable('risk_case_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('risk_case_comments_case_ix')
    .on('risk_case_comments')
    .columns(['case_id', 'created_at'])
    .execute();
  await db.schema
    .createTable('risk_ip_ranges')
    // IPv4 as an integer; ranges do not overlap.
    .addColumn('lower', 'bigint', (c) => c.primaryKey())
    .addColumn('upper', 'bigint', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .modifyEnd(end)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'risk_ip_ranges',
    'risk_case_comments',
    'risk_cases',
    'risk_list_entries',
    'risk_scenarios',
    'risk_decisions',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
