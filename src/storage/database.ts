import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely'
import type { DialectInfo } from './dialects/dialect.js'
import { openSqlite } from './dialects/sqlite.js'
import * as m0001 from './migrations/0001_create_store.js'
import * as m0002 from './migrations/0002_create_blob_tables.js'
import * as m0003 from './migrations/0003_create_list_index.js'
import * as m0004 from './migrations/0004_sync_and_retention.js'
import * as m0005 from './migrations/0005_create_export_tables.js'
import * as m0006 from './migrations/0006_account_keys.js'
import * as m0007 from './migrations/0007_tombstone_horizon.js'
import * as m0008 from './migrations/0008_notifications.js'
import * as m0009 from './migrations/0009_phone_number_features.js'
import * as m0010 from './migrations/0010_test_controls.js'
import * as m0012 from './migrations/0012_mirror_state.js'
import * as m0013 from './migrations/0013_inbox_outbox_and_history.js'
import * as m0014 from './migrations/0014_attachments_without_bytes.js'
import * as m0015 from './migrations/0015_export_build_claim.js'
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
  '0007_tombstone_horizon': m0007,
  '0009_phone_number_features': m0009,
  '0010_test_controls': m0010,
  '0008_notifications': m0008,
  '0012_mirror_state': m0012,
  '0013_inbox_outbox_and_history': m0013,
  '0014_attachments_without_bytes': m0014,
  '0015_export_build_claim': m0015,
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
  // The PostgreSQL driver is loaded only for a PostgreSQL URL: every start on SQLite (and
  // every command line run) is that much quicker.
  const opened = url.startsWith('sqlite:')
    ? openSqlite(url.slice('sqlite:'.length), options.shared ?? false)
    : /^postgres(ql)?:\/\//.test(url)
      ? (await import('./dialects/postgres.js')).openPostgres(url, options.poolSize ?? 10)
      : undefined
  if (!opened) throw new Error(`unsupported database URL: ${url}`)
  await checkReachable(opened.db, url)
  // First: migrations expect the indexes they created, and an interrupted bulk load may have set some aside.
  await opened.info.bulkLoad?.recover(opened.db)
  await migrate(opened.db)
  return { db: opened.db, dialect: opened.info, close: () => opened.db.destroy() }
}

/**
 * One round trip before anything else, so that a database that cannot be reached (a
 * PostgreSQL server down, a wrong host or password) is reported as such, naming where,
 * rather than as the failure of whatever statement came first.
 */
async function checkReachable(db: Kysely<DB>, url: string): Promise<void> {
  try {
    await sql`select 1`.execute(db)
  } catch (err) {
    await db.destroy().catch(() => {})
    const reason =
      err instanceof Error ? err.message || (err as { code?: string }).code || err.name : String(err)
    throw new Error(`cannot reach the database ${withoutPassword(url)}: ${reason}`)
  }
}

/** A database URL fit to print: its password replaced by `***`. */
export function withoutPassword(url: string): string {
  if (url.startsWith('sqlite:')) return url
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@')
  }
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
