import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely'

/**
 * What migrations spell differently per database: two column types and the shape of
 * the tenant keys. Migrations use these and nothing else from outside the migrations
 * folder.
 */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

/** A generated 64-bit primary key: SQLite's rowid alias, PostgreSQL's identity column. */
export function idColumn(db: Kysely<any>) {
  return isPostgres(db)
    ? ([sql`bigint`, (c: ColumnDefinitionBuilder) => c.primaryKey().generatedByDefaultAsIdentity()] as const)
    : ([sql`integer`, (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement()] as const)
}

export function bytesType(db: Kysely<any>) {
  return isPostgres(db) ? sql`bytea` : sql`blob`
}

/**
 * Whether primary and foreign keys lead with `account_id` (migration 0006), so that the
 * tenant tables can be distributed by account (Citus, PostgreSQL only). SQLite keeps
 * its single-column keys: a composite primary key would cost `messages` and
 * `attachments` the rowid alias of their integer ids (every id lookup and every index
 * entry would go through a second key), and SQLite is never sharded. Queries name
 * `account_id` on both, so they are the same text on both databases.
 */
export function keysLeadWithAccount(db: Kysely<any>): boolean {
  return isPostgres(db)
}
