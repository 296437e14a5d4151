import type { Kysely, RawBuilder, Transaction } from 'kysely'
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
  /** Aggregates stored records into one value of bytes, comma-separated, in the given order. */
  joinRecords(column: RawBuilder<unknown>, orderBy: RawBuilder<unknown>): RawBuilder<Buffer>
  /**
   * A stored record (bytes of UTF-8 JSON) read as text: the driver hands over a string,
   * cheaper to make and to join than a Buffer per row.
   */
  recordText(column: RawBuilder<unknown>): RawBuilder<string>
  /**
   * Takes a lock named `name` until the transaction ends, held by one process at a time
   * across every node (PostgreSQL's advisory locks). Absent where one process owns the
   * store and its writers are serialised anyway (SQLite).
   */
  lockUntilCommit?(trx: Transaction<DB>, name: string): Promise<void>
  /**
   * After many rows were written at once (`msgstore seed`): brings the planner's
   * statistics up to date, and PostgreSQL's visibility map, without which a count reads
   * every row beside its index entry. Without it, the first minute after a seed (until
   * autovacuum came) planned the folder counts for an empty table: a sort spilled to disk.
   */
  afterBulkWrite?(db: Kysely<DB>, tables: readonly string[]): Promise<void>
  /**
   * Resolves once every commit made so far (that a read may have seen) is on disk. Where it is absent (PostgreSQL), a
   * commit is on disk before it is visible. On SQLite another statement may read a commit
   * while its fsync runs (group commit): whatever sends what it read to the outside
   * (notifications, webhooks) waits for this first.
   */
  durable?(): Promise<void>
  /** A faster way to write many rows at once (`msgstore seed`), where the database has one. */
  readonly bulkLoad?: BulkLoad
}

/**
 * A bulk load's preparation and its end. Between the two, the tables' secondary
 * indexes may be missing: queries stay correct, only slower. They come back at the
 * end, or if the load never ends (a crash), at the next opening of the store.
 */
export interface BulkLoad {
  /** Before writing many rows into `tables`. */
  start(db: Kysely<DB>, tables: readonly string[]): Promise<void>
  /** After the load, whether it succeeded or failed. */
  finish(db: Kysely<DB>): Promise<void>
  /** At every opening of the store, before migrations: completes what an interrupted load left. */
  recover(db: Kysely<DB>): Promise<void>
}

export interface OpenedDialect {
  readonly db: Kysely<DB>
  readonly info: DialectInfo
}
