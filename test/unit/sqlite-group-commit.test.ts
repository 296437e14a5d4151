import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import SqliteDatabase from 'better-sqlite3'
import { type Generated, Kysely, SqliteDialect, sql } from 'kysely'
import { withStatementCache } from '../../src/storage/dialects/sqlite.js'
import { GroupCommit, withGroupCommit } from '../../src/storage/dialects/sqlite-group-commit.js'

// SQLite's commits are made durable by fsyncs on libuv's pool, shared by the commits made
// meanwhile, with the connection handed on during each: a commit resolves only after an
// fsync that began after it; reads go on during an fsync.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-group-commit-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))

type Store = Kysely<{ t: { id: Generated<number>; v: string } }>

/** A GroupCommit that records each fsync: which commits it covers, when it began and ended. */
class RecordedGroupCommit extends GroupCommit {
  readonly events: string[] = []
  syncs = 0
  delayMs = 0
  commits = 0

  override commitMade(): number {
    this.commits = super.commitMade()
    return this.commits
  }

  protected override async sync(): Promise<void> {
    const covers = this.commits
    this.syncs++
    this.events.push(`sync start (covers ${covers})`)
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs))
    await super.sync()
    this.events.push(`sync end (covers ${covers})`)
  }
}

async function openStore(name: string, shared = false) {
  const file = path.join(dir, name)
  const sqlite = new SqliteDatabase(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  const group = new RecordedGroupCommit(file, shared)
  // As openSqlite does: the wrapper asks the statement cache whether a statement wrote.
  const cached = withStatementCache(sqlite, false)
  const store = new Kysely({
    dialect: withGroupCommit(new SqliteDialect({ database: cached }), sqlite, cached, group),
  }) as Store
  await sql`create table t (id integer primary key, v text)`.execute(store)
  return { store, group }
}

test('commits made during one fsync share the next, and each resolves after an fsync that covers it', async () => {
  const { store, group } = await openStore('a.db')
  group.events.length = 0
  group.syncs = 0
  const before = group.commits
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      store
        .transaction()
        .execute((trx) =>
          trx
            .insertInto('t')
            .values({ v: `v${i}` })
            .execute(),
        )
        .then(() => group.events.push(`resolved ${i}`)),
    ),
  )
  assert.equal((await store.selectFrom('t').selectAll().execute()).length, 20)
  assert.ok(group.syncs < 20, `20 commits took ${group.syncs} fsyncs`)
  // Every transaction resolved after the end of an fsync that covered every commit so far.
  for (const [at, event] of group.events.entries()) {
    if (!event.startsWith('resolved')) continue
    const ended = group.events
      .slice(0, at)
      .filter((e) => e.startsWith('sync end'))
      .map((e) => Number(/covers (\d+)/.exec(e)![1]))
    assert.ok(ended.length > 0, `${event} came before any fsync ended: ${group.events.join(', ')}`)
  }
  assert.equal(
    Math.max(
      ...group.events.filter((e) => e.startsWith('sync end')).map((e) => Number(/covers (\d+)/.exec(e)![1])),
    ),
    before + 20,
  )
  await store.destroy()
})

test('a read runs while an earlier commit waits for its fsync; the commit resolves after it', async () => {
  const { store, group } = await openStore('b.db')
  group.delayMs = 200
  const order: string[] = []
  const write = store
    .insertInto('t')
    .values({ v: 'slow to disk' })
    .execute()
    .then(() => order.push('write acknowledged'))
  await new Promise((r) => setTimeout(r, 20))
  const rows = await store.selectFrom('t').selectAll().execute()
  order.push(`read ${rows.length}`)
  await write
  assert.deepEqual(order, ['read 1', 'write acknowledged'])
  await store.destroy()
})

test('statements after a commit on one held connection (a migration) take the connection again', async () => {
  const { store } = await openStore('c.db')
  const count = await store.connection().execute(async (conn) => {
    await conn.insertInto('t').values({ v: 'one' }).execute()
    await conn.insertInto('t').values({ v: 'two' }).execute()
    await conn.transaction().execute((trx) => trx.insertInto('t').values({ v: 'three' }).execute())
    return (await conn.selectFrom('t').selectAll().execute()).length
  })
  assert.equal(count, 3)
  // The connection is free again: another statement does not wait forever.
  assert.equal((await store.selectFrom('t').selectAll().execute()).length, 3)
  await store.destroy()
})

test('a reader waits for an fsync of its own store only if something is pending, and always where processes share the file', async () => {
  const own = await openStore('d.db')
  own.group.syncs = 0
  await own.group.readsDurable()
  assert.equal(own.group.syncs, 0, 'nothing committed since the last fsync: nothing to wait for')
  await own.store.destroy()

  // Another process may have committed to the same file: its commits are covered only by an fsync begun now.
  const shared = await openStore('e.db', true)
  shared.group.syncs = 0
  await shared.group.readsDurable()
  assert.equal(shared.group.syncs, 1)
  await shared.store.destroy()
})

test('a stream after a commit on one held connection takes the connection again: others wait for the scope', async () => {
  const { store } = await openStore('f.db')
  const order: string[] = []
  let outside: Promise<unknown> | undefined
  await store.connection().execute(async (conn) => {
    await conn.insertInto('t').values({ v: 'one' }).execute()
    const rows = conn.selectFrom('t').selectAll().stream()[Symbol.asyncIterator]()
    await rows.next()
    outside = store
      .insertInto('t')
      .values({ v: 'outside' })
      .execute()
      .then(() => order.push('outside'))
    await new Promise((r) => setTimeout(r, 50))
    order.push('scope')
    await rows.return?.()
  })
  await outside
  assert.deepEqual(order, ['scope', 'outside'])
  await store.destroy()
})
