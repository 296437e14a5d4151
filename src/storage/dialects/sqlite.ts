import fs from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import type { DB } from '../schema.js'
import { statementLog } from '../statement-log.js'
import type { OpenedDialect } from './dialect.js'
import { sqliteBulkLoad } from './sqlite-bulk-load.js'
import { GroupCommit, withGroupCommit } from './sqlite-group-commit.js'

/** The embedded default: one file, one writer, WAL so that readers run beside it. */
/**
 * `shared`: other processes serve the same file at the same time. Each then behaves as
 * a node of a shared PostgreSQL store does (sharedByNodes): no token kept between
 * requests, jobs claimed under a lease and never released at start, the manual clock
 * kept in the database. Claims need no row locks here: SQLite runs one writer at a time.
 */
export function openSqlite(file: string, shared = false): OpenedDialect {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const sqlite = new SqliteDatabase(file)
  sqlite.pragma('journal_mode = WAL')
  // A commit is on disk before it is acknowledged, power loss included: not by FULL, whose
  // fsync would run on the event loop, but by the group commit (sqlite-group-commit.ts).
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  // Another process (the CLI beside a running server) waits instead of failing at once.
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('cache_size = -65536')
  const cached = withStatementCache(sqlite, shared)
  const group = new GroupCommit(file, shared)
  return {
    db: new Kysely<DB>({
      dialect: withGroupCommit(new SqliteDialect({ database: cached }), sqlite, cached, group),
      log: statementLog(),
    }),
    info: {
      name: 'sqlite',
      sharedByNodes: shared,
      supportsRowLocks: false,
      // One value for the page, handed over as bytes: as text, better-sqlite3 would decode
      // the UTF-8 into a JavaScript string (two bytes a character as soon as one is not
      // ASCII), which cost more than the rest of the query. group_concat takes the rows in
      // the order its ordered subquery yields them; an ORDER BY inside the aggregate would
      // sort them a second time (see test/e2e list tests for the order).
      joinRecords: (column) => sql`cast(group_concat(${column}, ',') as blob)`,
      recordText: (column) => sql`cast(${column} as text)`,
      bulkLoad: sqliteBulkLoad(),
      durable: () => group.readsDurable(),
    },
  }
}

const STATEMENT_CACHE = 500

/**
 * Kysely prepares a statement for every query; preparing costs as much as running a
 * small query. The same SQL text (parameters are separate) reuses its statement.
 */
export function withStatementCache(
  sqlite: SqliteDatabase.Database,
  shared: boolean,
): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>()
  const prepare = sqlite.prepare.bind(sqlite)
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const value = Reflect.get(target, prop, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      }
      return (text: string) => {
        // Beside other processes, a transaction takes the write lock when it begins: one
        // that began reading and then writes would fail at once (SQLITE_BUSY) if another
        // process wrote in between, where waiting for the lock (busy_timeout) is safe.
        const source = shared && text === 'begin' ? 'begin immediate' : text
        let statement = cache.get(source)
        if (!statement) {
          statement = prepare(source)
          if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string)
          cache.set(source, statement)
        }
        return statement
      }
    },
  })
}
