import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import Sqlite from 'better-sqlite3'
import pg from 'pg'
import { openDatabase } from '../../src/storage/database.js'
import { databaseFor, tempDir } from '../helpers/server.js'

/**
 * Removing a message cascades to its attachments, and the database finds them through
 * an index led by the foreign key's columns; without one, each removal scans every
 * attachment of the store (the retention and purge sweeps remove thousands at a time).
 * The same holds for every parent row the store deletes. Read from the migrated schema
 * of the database under test.
 */

/** Parents whose rows msgstore never deletes: their foreign keys need no index. */
const NEVER_DELETED = ['accounts', 'apps', 'extensions']
test('every foreign key is served by an index led by its own columns', async () => {
  const dir = tempDir()
  const url = (await databaseFor(dir)) ?? `sqlite:${path.join(dir, 'msgstore.db')}`
  const db = await openDatabase(url)
  await db.close()
  const keys = url.startsWith('sqlite:') ? sqliteKeys(url.slice('sqlite:'.length)) : await postgresKeys(url)
  assert.ok(keys.length >= 3, `found ${keys.length} foreign keys`)
  for (const key of keys.filter((k) => !NEVER_DELETED.includes(k.parent))) {
    const served = key.indexes.some((columns) => {
      const lead = columns.slice(0, key.columns.length)
      return key.columns.every((column) => lead.includes(column))
    })
    assert.ok(served, `${key.table} (${key.columns}) has no index led by its foreign key's columns`)
  }
  // The one the sweeps depend on, named, so that the check above cannot pass on an empty list.
  assert.ok(keys.some((k) => k.table === 'attachments' && k.columns.includes('message_id')))
})

interface ForeignKey {
  table: string
  parent: string
  columns: string[]
  /** Columns of each index (and primary key) of the table, in order. */
  indexes: string[][]
}

function sqliteKeys(file: string): ForeignKey[] {
  const db = new Sqlite(file, { readonly: true })
  try {
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .pluck()
      .all() as string[]
    const keys: ForeignKey[] = []
    for (const table of tables) {
      const fks = db.prepare(`pragma foreign_key_list("${table}")`).all() as {
        id: number
        from: string
        table: string
      }[]
      if (fks.length === 0) continue
      const indexes = (db.prepare(`pragma index_list("${table}")`).all() as { name: string }[]).map((i) =>
        (db.prepare(`pragma index_info("${i.name}")`).all() as { seqno: number; name: string }[])
          .sort((a, b) => a.seqno - b.seqno)
          .map((c) => c.name),
      )
      // An integer primary key is the rowid: a key of its own, listed by no index.
      const rowid = (db.prepare(`pragma table_info("${table}")`).all() as { name: string; pk: number }[])
        .filter((c) => c.pk > 0)
        .map((c) => c.name)
      for (const id of new Set(fks.map((f) => f.id))) {
        keys.push({
          table,
          parent: fks.find((f) => f.id === id)!.table,
          columns: fks.filter((f) => f.id === id).map((f) => f.from),
          indexes: [...indexes, rowid],
        })
      }
    }
    return keys
  } finally {
    db.close()
  }
}

async function postgresKeys(url: string): Promise<ForeignKey[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const attnames = (rel: string, nums: string) =>
      `array(select a.attname from unnest(${nums}) with ordinality k(num, pos) join pg_attribute a
        on a.attrelid = ${rel} and a.attnum = k.num order by k.pos)::text[]`
    const { rows } = await client.query<{
      table: string
      parent: string
      columns: string[]
      indexes: string[][]
    }>(
      `select c.conrelid::regclass::text as table, c.confrelid::regclass::text as parent, ${attnames('c.conrelid', 'c.conkey')} as columns,
        array(select array_to_string(${attnames('i.indrelid', 'i.indkey::int2[]')}, ',')
          from pg_index i where i.indrelid = c.conrelid) as indexes
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
       where n.nspname = 'public' and c.contype = 'f'`,
    )
    return rows.map((r) => ({
      table: r.table,
      parent: r.parent,
      columns: r.columns,
      indexes: (r.indexes as unknown as string[]).map((i) => i.split(',')),
    }))
  } finally {
    await client.end()
  }
}
