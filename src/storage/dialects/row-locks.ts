import { type Kysely, PostgresAdapter } from 'kysely'
import type { DB } from '../schema.js'

/**
 * Whether `db`, a database or a transaction on it, has `SELECT … FOR UPDATE`
 * (DialectInfo.supportsRowLocks: PostgreSQL; SQLite serialises writers instead). Read
 * from the connection itself, so that a function that locks rows needs no flag handed
 * down to it through every constructor on the way.
 */
export function canLockRows(db: Kysely<DB>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}
