import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { openDatabase } from '../../src/storage/database.js'
import { DISTRIBUTED_TABLES, LOCAL_TABLES, REFERENCE_TABLES } from '../../src/storage/tenancy.js'
import { databaseFor, tempDir } from '../helpers/server.js'

/**
 * The keys Citus needs to distribute the tenant tables by account (src/storage/tenancy.ts),
 * read from PostgreSQL's catalog after every migration ran.
 */
const onPostgres = Boolean(process.env.MSGSTORE_TEST_DATABASE_URL)

describe('tenant keys (PostgreSQL catalog)', {
  skip: onPostgres ? false : 'needs PostgreSQL (MSGSTORE_TEST_DATABASE_URL)',
}, () => {
  let client: pg.Client

  before(async () => {
    const url = (await databaseFor(tempDir()))!
    const db = await openDatabase(url)
    await db.close()
    client = new pg.Client({ connectionString: url })
    await client.connect()
  })

  after(() => client?.end())

  async function constraints() {
    const { rows } = await client.query<{
      table: string
      name: string
      type: 'p' | 'u' | 'f'
      columns: string[]
      ref_table: string | null
      ref_columns: string[] | null
    }>(`select c.conrelid::regclass::text as table, c.conname as name, c.contype as type,
        array(select a.attname from unnest(c.conkey) with ordinality k(num, pos) join pg_attribute a
          on a.attrelid = c.conrelid and a.attnum = k.num order by k.pos)::text[] as columns,
        c.confrelid::regclass::text as ref_table,
        array(select a.attname from unnest(c.confkey) with ordinality k(num, pos) join pg_attribute a
          on a.attrelid = c.confrelid and a.attnum = k.num order by k.pos)::text[] as ref_columns
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where n.nspname = 'public' and c.contype in ('p', 'u', 'f')`)
    return rows
  }

  test('every primary key, unique constraint and foreign key of a distributed table includes its distribution column', async () => {
    const all = await constraints()
    let checked = 0
    for (const [table, column] of Object.entries(DISTRIBUTED_TABLES)) {
      const own = all.filter((c) => c.table === table)
      assert.ok(
        own.some((c) => c.type === 'p'),
        `${table} has a primary key`,
      )
      for (const c of own) {
        checked++
        assert.ok(c.columns.includes(column), `${c.name} (${c.columns}) of ${table} lacks ${column}`)
        if (c.type !== 'f') continue
        const refColumn = DISTRIBUTED_TABLES[c.ref_table as keyof typeof DISTRIBUTED_TABLES]
        assert.ok(refColumn, `${c.name}: ${table} references ${c.ref_table}, which is not distributed`)
        // The distribution columns must meet: the same position on both sides.
        assert.equal(c.ref_columns![c.columns.indexOf(column)], refColumn, `${c.name} pairs the accounts`)
      }
    }
    assert.ok(checked >= 15, `checked ${checked} constraints`)
  })

  test('no local or reference table references a distributed one; every table is classified', async () => {
    const all = await constraints()
    const distributed = Object.keys(DISTRIBUTED_TABLES)
    for (const c of all.filter((c) => c.type === 'f' && !distributed.includes(c.table))) {
      assert.ok(!distributed.includes(c.ref_table!), `${c.name}: ${c.table} → ${c.ref_table}`)
    }
    const { rows } = await client.query<{ name: string }>(
      `select tablename as name from pg_tables where schemaname = 'public' and tablename not like 'kysely_%'`,
    )
    const classified = [...distributed, ...REFERENCE_TABLES, ...LOCAL_TABLES] as string[]
    assert.deepEqual(
      rows.map((r) => r.name).filter((t) => !classified.includes(t)),
      [],
      'tables missing from src/storage/tenancy.ts',
    )
  })
})
