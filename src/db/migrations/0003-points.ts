import { type Kysely, sql } from 'kysely';

// The loyalty points ledger. `points_ledger` is append-only: every change of a balance is one
// row, so an account can always be recomputed from it (`membrain points verify`). The account
// row is the fast, lockable summary; lots track what each earn has left and when it expires.

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('points_accounts')
    .addColumn('member_id', 'text', (c) => c.primaryKey())
    .addColumn('available', 'bigint', (c) => c.notNull())
    .addColumn('pending', 'bigint', (c) => c.notNull())
    .addColumn('lifetime_earned', 'bigint', (c) => c.notNull())
    .addColumn('lifetime_redeemed', 'bigint', (c) => c.notNull())
    .addColumn('debt', 'bigint', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('points_accounts_available_ck', sql`available >= 0`)
    .execute();

  await db.schema
    .createTable('points_ledger')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull())
    .addColumn('lot_id', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('request_hash', 'text')
    .addColumn('balance_after', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('points_ledger_idempotency_ux')
    .on('points_ledger')
    .columns(['member_id', 'idempotency_key'])
    .unique()
    .where(sql.ref('idempotency_key'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('points_ledger_member_created_ix')
    .on('points_ledger')
    .columns(['member_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('points_lots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull())
    .addColumn('remaining', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('points_lots_member_expiry_ix')
    .on('points_lots')
    .columns(['member_id', 'expires_at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('points_lots').execute();
  await db.schema.dropTable('points_ledger').execute();
  await db.schema.dropTable('points_accounts').execute();
}
