import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { type Generated, type Kysely, sql } from 'kysely'
import { onTransactionCommitted, type ReadNow } from '../../src/storage/commit-signal.js'
import { openSqlite } from '../../src/storage/dialects/sqlite.js'

// The notification dispatcher pushes what it reads in the commit signal: it must come
// once per commit that wrote, never for a rollback, and read what the commit made.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-commit-signal-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))

async function openStore(name: string) {
  const { db } = openSqlite(path.join(dir, name))
  const store = db as unknown as Kysely<{ t: { id: Generated<number>; v: string } }>
  await sql`create table t (id integer primary key, v text)`.execute(store)
  const seen: string[][] = []
  const stop = onTransactionCommitted((readNow?: ReadNow) => {
    seen.push((readNow!('select v from t order by id', []) as { v: string }[]).map((r) => r.v))
  })
  const close = async () => {
    stop()
    await db.destroy()
  }
  return { store, seen, close }
}

test('a committed transaction signals once, after the commit, with a read of what it wrote', async () => {
  const { store, seen, close } = await openStore('a.db')
  seen.length = 0
  await store.transaction().execute(async (trx) => {
    await trx.insertInto('t').values({ v: 'one' }).execute()
    await trx.insertInto('t').values({ v: 'two' }).execute()
    assert.equal(seen.length, 0, 'no signal before the commit')
  })
  assert.deepEqual(seen, [['one', 'two']])
  await close()
})

test('a rolled-back transaction, a read-only one and a rolled-back savepoint announce nothing of theirs', async () => {
  const { store, seen, close } = await openStore('b.db')
  seen.length = 0
  await assert.rejects(
    store.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ v: 'lost' }).execute()
      throw new Error('refused')
    }),
  )
  await store.transaction().execute((trx) => trx.selectFrom('t').selectAll().execute())
  assert.deepEqual(seen, [])
  // As a bulk request does it: a savepoint per item, a refused item rolled back to its savepoint.
  const trx = await store.startTransaction().execute()
  await trx.insertInto('t').values({ v: 'kept' }).execute()
  const point = await trx.savepoint('item').execute()
  await point.insertInto('t').values({ v: 'undone' }).execute()
  await point.rollbackToSavepoint('item').execute()
  assert.deepEqual(seen, [])
  await trx.commit().execute()
  assert.deepEqual(seen, [['kept']])
  await close()
})

test('a write outside a transaction signals too', async () => {
  const { store, seen, close } = await openStore('c.db')
  seen.length = 0
  await store.insertInto('t').values({ v: 'alone' }).execute()
  assert.deepEqual(seen, [['alone']])
  await close()
})
