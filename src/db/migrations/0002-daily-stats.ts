import { type Kysely, SqliteAdapter, sql } from 'kysely';

// Daily aggregates behind the operator overview. Days are UTC 'YYYY-MM-DD' text, counters and
// money (minor units) bigint. They are kept up to date in the transaction of each write they
// summarise and can be recomputed from events, members and items at any time (stats rebuild).

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then.
export async function up(db: Kysely<any>): Promise<void> {
  // On SQLite the tables are WITHOUT ROWID: their text primary key is the table itself, so an
  // upsert on the ingest path walks one B-tree instead of the key index and then the rows.
  const end = db.getExecutor().adapter instanceof SqliteAdapter ? sql`without rowid` : sql``;
  await db.schema
    .createTable('daily_event_counts')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('events', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_event_counts_pk', ['day', 'type'])
    .modifyEnd(end)
    .execute();

  await db.schema
    .createTable('daily_orders')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('orders', 'bigint', (c) => c.notNull())
    .addColumn('gmv', 'bigint', (c) => c.notNull())
    .addColumn('refunds', 'bigint', (c) => c.notNull())
    .addColumn('refund_amount', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_orders_pk', ['day', 'currency'])
    .modifyEnd(end)
    .execute();

  await db.schema
    .createTable('daily_category_sales')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('orders', 'bigint', (c) => c.notNull())
    .addColumn('revenue', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_category_sales_pk', ['day', 'category', 'currency'])
    .modifyEnd(end)
    .execute();

  await db.schema
    .createTable('daily_new_members')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('members', 'bigint', (c) => c.notNull())
    .modifyEnd(end)
    .execute();

  // The latest UTC day with an event per member. A day, not a time: a member's second event of
  // the day changes nothing, so the hot ingest path mostly reads here instead of rewriting.
  await db.schema
    .createTable('member_activity')
    .addColumn('member_id', 'text', (c) => c.primaryKey())
    .addColumn('last_active_day', 'text', (c) => c.notNull())
    .modifyEnd(end)
    .execute();
  await db.schema
    .createIndex('member_activity_day')
    .on('member_activity')
    .column('last_active_day')
    .execute();

  // Live members = all rows (which SQLite counts from page headers, without visiting rows)
  // minus the deleted ones, which this small partial index holds.
  await db.schema
    .createIndex('members_deleted')
    .on('members')
    .column('id')
    .where(sql.ref('deleted_at'), 'is not', null)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('members_deleted').ifExists().execute();
  for (const table of [
    'member_activity',
    'daily_new_members',
    'daily_category_sales',
    'daily_orders',
    'daily_event_counts',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
