import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely'
import type { DialectInfo } from './dialects/dialect.js'
import { openPostgres } from './dialects/postgres.js'
import { openSqlite } from './dialects/sqlite.js'
import * as m0001 from './migrations/0001_create_store.js'
import * as m0002 from './migrations/0002_create_blob_tables.js'
import * as m0003 from './migrations/0003_create_list_index.js'
import * as m0004 from './migrations/0004_sync_and_retention.js'
import * as m0005 from './migrations/0005_create_export_tables.js'
import * as m0006 from './migrations/0006_account_keys.js'
import type { DB } from './schema.js'

export interface Database {
  readonly db: Kysely<DB>
  readonly dialect: DialectInfo
  close(): Promise<void>
}

const migrations: Record<string, Migration> = {
  '0001_create_store': m0001,
  '0002_create_blob_tables': m0002,
  '0003_create_list_index': m0003,
  '0004_sync_and_retention': m0004,
  '0005_create_export_tables': m0005,
  '0006_account_keys': m0006,
}

class StaticMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations
  }
}

export interface OpenOptions {
  /** PostgreSQL connections per node. */
  poolSize?: number
  /** SQLite: other processes open the same file at the same time (PostgreSQL always is shared). */
  shared?: boolean
}

/** Opens the database a URL names (`sqlite:PATH` or `postgres://…`) and brings its schema up to date. */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const opened = url.startsWith('sqlite:')
    ? openSqlite(url.slice('sqlite:'.length), options.shared ?? false)
    : /^postgres(ql)?:\/\//.test(url)
      ? openPostgres(url, options.poolSize ?? 10)
      : undefined
  if (!opened) throw new Error(`unsupported database URL: ${url}`)
  // First: migrations expect the indexes they created, and an interrupted bulk load may have set some aside.
  await opened.info.bulkLoad?.recover(opened.db)
  await migrate(opened.db)
  return { db: opened.db, dialect: opened.info, close: () => opened.db.destroy() }
}

async function migrate(db: Kysely<DB>): Promise<void> {
  // Kysely's migrator takes a lock, so nodes starting together on PostgreSQL migrate once.
  const migrator = new Migrator({ db, provider: new StaticMigrations() })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`)
  }
}
