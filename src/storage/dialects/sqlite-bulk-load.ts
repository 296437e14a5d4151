import { type Kysely, sql } from 'kysely'
import type { DB } from '../schema.js'
import type { BulkLoad } from './dialect.js'

/**
 * Bulk loads on SQLite (`msgstore seed`). Keeping every secondary index up to date row
 * by row is most of a large load's cost; SQLite builds an index from sorted data far
 * faster. So a load drops the tables' plain indexes first and builds them at the end.
 *
 * The indexes are read from the database itself (`sqlite_master.sql`), not from the
 * migrations, so each comes back exactly as the store had it. The indexes set aside are
 * recorded in `meta` by the transaction that drops them, and each is built again by
 * the transaction that strikes it from the record. Whenever a load stops (an error,
 * Ctrl-C, kill -9, power loss), the record names exactly the indexes missing, and every
 * opening of the store builds them before anything else: before migrations, which may
 * redefine or drop those very indexes and expect to find them. The rows themselves go
 * in by batches that are each complete (see seed/seed-store.ts), so a store
 * interrupted mid-load holds fewer messages, never half-written ones.
 *
 * Set aside: indexes made by CREATE INDEX that are neither UNIQUE (dropping one would
 * drop a constraint) nor partial (those hold only the rows their WHERE selects, so they
 * are cheap to keep up, while building one reads the whole table).
 *
 * A server running beside the load on the same file answers correctly meanwhile, only
 * slower, and gets its indexes back when the load ends.
 */

const RECORD_KEY = 'bulk_load_suspended_indexes'

interface SuspendedIndex {
  name: string
  sql: string
}

/**
 * Connection settings of the bulk phase: a 256 MB page cache. Building an index sorts its
 * entries in memory up to the cache's size and spills to temporary files beyond it (an
 * index of 1M messages is about 90 MB). Each batch is one transaction, on disk when its
 * commit resolves, as any other (sqlite-group-commit.ts).
 */
const BULK_PRAGMAS = { cache_size: '-262144' } as const

export function sqliteBulkLoad(): BulkLoad {
  let saved: Record<string, unknown> | undefined
  return {
    async start(db, tables) {
      if (!saved) {
        const previous: Record<string, unknown> = {}
        for (const [name, value] of Object.entries(BULK_PRAGMAS)) {
          const { rows } = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db)
          previous[name] = rows[0]![name]
          await sql.raw(`pragma ${name} = ${value}`).execute(db)
        }
        saved = previous
      }
      await suspendIndexes(db, tables)
    },
    async finish(db) {
      try {
        await restoreIndexes(db)
      } finally {
        for (const [name, value] of Object.entries(saved ?? {})) {
          await sql.raw(`pragma ${name} = ${Number(value)}`).execute(db)
        }
        saved = undefined
      }
    },
    recover: restoreIndexes,
  }
}

/** Drops the plain secondary indexes of `tables` and records them, in one transaction. */
async function suspendIndexes(db: Kysely<DB>, tables: readonly string[]): Promise<void> {
  await immediate(db, async (conn) => {
    const suspended = await readRecord(conn)
    for (const table of tables) {
      const { rows } = await sql<SuspendedIndex>`
        select m.name, m.sql from pragma_index_list(${table}) l join sqlite_master m on m.name = l.name
        where m.type = 'index' and l.origin = 'c' and l."unique" = 0 and l.partial = 0 and m.sql is not null
        order by m.name`.execute(conn)
      for (const index of rows) {
        suspended.push(index)
        await sql`drop index ${sql.id(index.name)}`.execute(conn)
      }
    }
    await writeRecord(conn, suspended)
  })
}

/** Builds every index the record names, one transaction each, so that no write waits long. */
async function restoreIndexes(db: Kysely<DB>): Promise<void> {
  const meta = await sql`select 1 from sqlite_master where type = 'table' and name = 'meta'`.execute(db)
  if (meta.rows.length === 0) return
  for (;;) {
    const done = await immediate(db, async (conn) => {
      const suspended = await readRecord(conn)
      const index = suspended.shift()
      if (!index) return true
      const present =
        await sql`select 1 from sqlite_master where type = 'index' and name = ${index.name}`.execute(conn)
      // Present: whoever made it again (another process recovering the store) made it as recorded.
      if (present.rows.length === 0) await sql.raw(index.sql).execute(conn)
      await writeRecord(conn, suspended)
      return false
    })
    if (done) return
  }
}

async function readRecord(db: Kysely<DB>): Promise<SuspendedIndex[]> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', RECORD_KEY).executeTakeFirst()
  return row ? (JSON.parse(row.value) as SuspendedIndex[]) : []
}

async function writeRecord(db: Kysely<DB>, suspended: SuspendedIndex[]): Promise<void> {
  if (suspended.length === 0) {
    await db.deleteFrom('meta').where('key', '=', RECORD_KEY).execute()
    return
  }
  const value = JSON.stringify(suspended)
  await db
    .insertInto('meta')
    .values({ key: RECORD_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute()
}

/**
 * A write transaction that takes the write lock at its start: a deferred one that reads
 * first could not upgrade if another process wrote in between.
 */
async function immediate<T>(db: Kysely<DB>, work: (conn: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn)
    try {
      const result = await work(conn)
      await sql`commit`.execute(conn)
      return result
    } catch (err) {
      await sql`rollback`.execute(conn)
      throw err
    }
  })
}
