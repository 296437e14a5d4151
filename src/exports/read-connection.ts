import { type Kysely, sql } from 'kysely'
import { openSqlite } from '../storage/dialects/sqlite.js'
import type { DB } from '../storage/schema.js'

/** Page cache of the export's own SQLite connection: an export reads every page once. */
const EXPORT_CACHE_KIB = 2048

export interface ReadConnection {
  db: Kysely<DB>
  close(): Promise<void>
}

/**
 * Where an export reads messages and attachments from. On SQLite, a connection of its
 * own, read-only, with a small page cache: the export's scan neither waits behind nor
 * holds up the server's queries on the shared connection, and reading the whole account
 * does not grow the shared connection's large cache (WAL lets readers run beside the
 * writer). On PostgreSQL, the shared pool.
 */
export async function openReadConnection(databaseUrl: string, shared: Kysely<DB>): Promise<ReadConnection> {
  const file = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : undefined
  if (!file || file === ':memory:') return { db: shared, close: async () => {} }
  const { db } = openSqlite(file)
  await sql`pragma cache_size = ${sql.raw(String(-EXPORT_CACHE_KIB))}`.execute(db)
  await sql`pragma query_only = 1`.execute(db)
  return { db, close: () => db.destroy() }
}
