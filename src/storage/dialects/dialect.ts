import type { Kysely, RawBuilder } from 'kysely'
import type { DB } from '../schema.js'

/**
 * What differs between the databases msgstore runs on, in one small place. Code
 * outside src/storage/dialects branches on these capabilities, never on a name.
 */
export interface DialectInfo {
  readonly name: 'sqlite' | 'postgres'
  /** Several processes may share the database (job claims must then use SKIP LOCKED). */
  readonly sharedByNodes: boolean
  /** `SELECT … FOR UPDATE` exists; SQLite serialises writers instead. */
  readonly supportsRowLocks: boolean
  /** Aggregates byte or text values into one, comma-separated, in the given order. */
  joinRecords(column: RawBuilder<unknown>, orderBy: RawBuilder<unknown>): RawBuilder<string | Buffer>
}

export interface OpenedDialect {
  readonly db: Kysely<DB>
  readonly info: DialectInfo
}
