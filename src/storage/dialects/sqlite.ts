import fs from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import type { DB } from '../schema.js'
import type { OpenedDialect } from './dialect.js'

/** The embedded default: one file, one writer, WAL so that readers run beside it. */
export function openSqlite(file: string): OpenedDialect {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const sqlite = new SqliteDatabase(file)
  sqlite.pragma('journal_mode = WAL')
  // FULL: a commit is on disk before it is acknowledged, power loss included.
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  // Another process (the CLI beside a running server) waits instead of failing at once.
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('cache_size = -65536')
  return {
    db: new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) }),
    info: { name: 'sqlite', sharedByNodes: false, supportsRowLocks: false },
  }
}
