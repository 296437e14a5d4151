import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely'

/**
 * The two column types that are spelt differently per database. Migrations use
 * these and nothing else from outside the migrations folder.
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
