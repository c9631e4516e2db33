import { type Kysely, SqliteAdapter, sql } from 'kysely';

// Member intelligence: behaviour profiles kept up to date per event, the days each member was
// active (for exact active-day and cart-abandonment counts whatever order events arrive in),
// fitted models, per-member value and churn scores, segments with their size history, and
// cluster runs with each member's cluster.

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then.
async function createProfiles(db: Kysely<any>, end: ReturnType<typeof sql>): Promise<void> {
  let profiles = db.schema
    .createTable('member_profiles')
    .addColumn('member_id', 'text', (c) => c.primaryKey());
  for (const column of [
    'events',
    'views',
    'searches',
    'cart_adds',
    'favorites',
    'logins',
    'shares',
    'coupon_uses',
    'orders',
    'order_days',
    'revenue',
    'items_bought',
    'item_price_sum',
    'refunds',
    'refund_amount',
    'reviews',
    'ratings',
    'rating_sum',
    'active_days',
    'cart_days',
    'cart_days_ordered',
  ]) {
    profiles = profiles.addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0));
  }
  for (const column of ['first_event_at', 'last_event_at', 'first_order_at', 'last_order_at']) {
    profiles = profiles.addColumn(column, 'bigint');
  }
  // A rowid table: a profile row with its affinity maps is too wide for WITHOUT ROWID.
  await profiles
    // JSON { key: score } of time-decayed affinities, all scores as of affinity_at.
    .addColumn('category_affinity', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('brand_affinity', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('affinity_at', 'bigint')
    // JSON { channel: events } and { device class: events }.
    .addColumn('channels', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('devices', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // One row per member and UTC day (days since the epoch) with bit flags: 1 active, 2 added to
  // cart, 4 ordered. A flag set for the first time moves the profile counters exactly once.
  await db.schema
    .createTable('member_active_days')
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('flags', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_active_days_pk', ['member_id', 'day'])
    .modifyEnd(end)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see createProfiles().
async function createScores(db: Kysely<any>): Promise<void> {
  // Every fitted model of every kind; `artifact` is the model's saved JSON.
  await db.schema
    .createTable('models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('data_through', 'bigint', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('metrics', 'text', (c) => c.notNull())
    .addColumn('artifact', 'text')
    .addColumn('job_id', 'text')
    .execute();
  await db.schema.createIndex('models_kind_ix').on('models').columns(['kind', 'created_at']).execute();

  await db.schema
    .createTable('member_scores')
    .addColumn('member_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('scored_at', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('frequency', 'integer', (c) => c.notNull())
    .addColumn('recency_days', 'double precision', (c) => c.notNull())
    .addColumn('age_days', 'double precision', (c) => c.notNull())
    .addColumn('p_alive', 'double precision', (c) => c.notNull())
    .addColumn('expected_purchases', 'double precision', (c) => c.notNull())
    .addColumn('expected_spend', 'bigint', (c) => c.notNull())
    .addColumn('clv', 'bigint', (c) => c.notNull())
    .addColumn('churn_risk', 'double precision')
    // JSON [{ feature, value, contribution }], largest contributions first.
    .addColumn('churn_reasons', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('current_tier', 'text')
    .addColumn('predicted_tier', 'text')
    // -1 likely to move down a tier, 0 stay, 1 move up.
    .addColumn('tier_move', 'integer', (c) => c.notNull().defaultTo(0))
    // P of the predicted move (of the more likely one when tier_move is 0); null without tiers.
    .addColumn('tier_move_probability', 'double precision')
    .execute();
  await db.schema.createIndex('member_scores_churn_ix').on('member_scores').column('churn_risk').execute();
  await db.schema.createIndex('member_scores_clv_ix').on('member_scores').column('clv').execute();
  await db.schema
    .createIndex('member_scores_move_ix')
    .on('member_scores')
    // The movers list: one direction, most probable first, then by id (its keyset).
    .columns(['tier_move', 'tier_move_probability desc', 'member_id'])
    .where(sql.ref('tier_move'), '<>', 0)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see createProfiles().
async function createSegments(db: Kysely<any>, end: ReturnType<typeof sql>): Promise<void> {
  await db.schema
    .createTable('segments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('archived_at', 'bigint')
    .addColumn('size', 'bigint')
    .addColumn('counted_at', 'bigint')
    .execute();
  await db.schema
    .createTable('segment_sizes')
    .addColumn('segment_id', 'text', (c) => c.notNull())
    .addColumn('counted_at', 'bigint', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('segment_sizes_pk', ['segment_id', 'counted_at'])
    .modifyEnd(end)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see createProfiles().
async function createClusters(db: Kysely<any>, end: ReturnType<typeof sql>): Promise<void> {
  await db.schema
    .createTable('cluster_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('k', 'integer', (c) => c.notNull())
    .addColumn('members', 'bigint', (c) => c.notNull())
    .addColumn('sample_size', 'integer', (c) => c.notNull())
    // JSON: feature names with the means and deviations used to standardise them.
    .addColumn('features', 'text', (c) => c.notNull())
    // JSON: per cluster its centroid, size and description.
    .addColumn('clusters', 'text', (c) => c.notNull())
    // JSON: { k: mean silhouette } for every k tried.
    .addColumn('silhouettes', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('member_clusters')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('cluster', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_clusters_pk', ['run_id', 'member_id'])
    .modifyEnd(end)
    .execute();
  await db.schema
    .createIndex('member_clusters_cluster_ix')
    .on('member_clusters')
    .columns(['run_id', 'cluster', 'member_id'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see createProfiles().
export async function up(db: Kysely<any>): Promise<void> {
  const end = db.getExecutor().adapter instanceof SqliteAdapter ? sql`without rowid` : sql``;
  await createProfiles(db, end);
  await createScores(db);
  await createSegments(db, end);
  await createClusters(db, end);
}

// biome-ignore lint/suspicious/noExplicitAny: see createProfiles().
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'member_clusters',
    'cluster_runs',
    'segment_sizes',
    'segments',
    'member_scores',
    'models',
    'member_active_days',
    'member_profiles',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
