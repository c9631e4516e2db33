import { type Kysely, SqliteAdapter, sql } from 'kysely';

// Recommendations: the shop's settings (behaviour weights, decay, diversity, experiment), lists
// precomputed for active members, popular lists per audience for cold start, members' onboarding
// choices, every list served (the exposure log, for click-through and A/B reports) and the store
// events that came back carrying a served list's id (clicks, carts, orders).

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then.
export async function up(db: Kysely<any>): Promise<void> {
  const end = db.getExecutor().adapter instanceof SqliteAdapter ? sql`without rowid` : sql``;
  await db.schema
    .createTable('recommendation_settings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    // JSON: the validated settings object.
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
  await db.schema
    .createTable('recommendation_lists')
    .addColumn('member_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    // JSON: [{ itemId, score, reason }] best first, before request-time filters.
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'bigint', (c) => c.notNull())
    .modifyEnd(end)
    .execute();
  await db.schema
    .createTable('recommendation_popular')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    // JSON: [{ itemId, score }] best first.
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('recommendation_popular_pk', ['scope', 'key'])
    .modifyEnd(end)
    .execute();
  await db.schema
    .createTable('member_preferences')
    .addColumn('member_id', 'text', (c) => c.primaryKey())
    // JSON arrays of category names and brands the member chose when joining.
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('brands', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .modifyEnd(end)
    .execute();
  await db.schema
    .createTable('recommendations_served')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text')
    // `member`, `similar` or `session`.
    .addColumn('surface', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text')
    .addColumn('variant', 'text')
    // `precomputed`, `online`, `cold-start`, `similar`, `session`, `popular`.
    .addColumn('strategy', 'text', (c) => c.notNull())
    // JSON array of the item ids shown, in order.
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('served_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('recommendations_served_at_ix')
    .on('recommendations_served')
    .column('served_at')
    .execute();
  await db.schema
    .createIndex('recommendations_served_member_ix')
    .on('recommendations_served')
    .columns(['member_id', 'served_at'])
    .execute();
  await db.schema
    .createTable('recommendation_feedback')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('recommendation_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text')
    // The event type: view (a click), cart_add, favorite, order_paid.
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .modifyEnd(end)
    .execute();
  await db.schema
    .createIndex('recommendation_feedback_rec_ix')
    .on('recommendation_feedback')
    .columns(['recommendation_id', 'type'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'recommendation_feedback',
    'recommendations_served',
    'member_preferences',
    'recommendation_popular',
    'recommendation_lists',
    'recommendation_settings',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
