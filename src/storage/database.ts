import fs from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, type Migration, type MigrationProvider, Migrator, SqliteDialect } from 'kysely'
import * as m0001 from './migrations/0001_create_store.js'
import type { DB } from './schema.js'

export interface Database {
  readonly db: Kysely<DB>
  readonly dialect: 'sqlite' | 'postgres'
  close(): Promise<void>
}

const migrations: Record<string, Migration> = {
  '0001_create_store': m0001,
}

class StaticMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations
  }
}

/** Opens the database a URL names and brings its schema up to date. */
export async function openDatabase(url: string): Promise<Database> {
  if (!url.startsWith('sqlite:')) throw new Error(`unsupported database URL: ${url}`)
  const file = url.slice('sqlite:'.length)
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const sqlite = new SqliteDatabase(file)
  // WAL lets readers run beside the writer; FULL makes every acknowledged commit durable.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('cache_size = -65536')
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) })
  await migrate(db)
  return {
    db,
    dialect: 'sqlite',
    close: () => db.destroy(),
  }
}

async function migrate(db: Kysely<DB>): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticMigrations() })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`)
  }
}
