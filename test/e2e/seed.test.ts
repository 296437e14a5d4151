import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, test } from 'node:test'
import { type Kysely, sql } from 'kysely'
import { openDatabase } from '../../src/storage/database.js'
import { openPostgres } from '../../src/storage/dialects/postgres.js'
import { openSqlite } from '../../src/storage/dialects/sqlite.js'
import type { DB } from '../../src/storage/schema.js'
import { runCli } from '../helpers/cli.js'
import { login, MESSAGE_STORE } from '../helpers/sdk.js'
import { databaseFor, MAIN, startServer, tempDir } from '../helpers/server.js'

/**
 * `msgstore seed`: the store it leaves has every index and consistent mailboxes, after a
 * complete run, a second run into the same store, and a run killed half-way.
 */

const SEED_APP = { clientId: 'seed-client', clientSecret: 'seed-secret' }
const SEED_PASSWORD = 'seed-password'
const ON_POSTGRES = Boolean(process.env.MSGSTORE_TEST_DATABASE_URL)

async function storeOf(dataDir: string): Promise<{ url: string; args: string[] }> {
  const database = await databaseFor(dataDir)
  const url = database ?? `sqlite:${path.join(dataDir, 'msgstore.db')}`
  return { url, args: ['--data', dataDir, ...(database ? ['--database', database] : [])] }
}

/** A connection that does nothing on opening (no migrations, no recovery): the store as it lies. */
function rawOpen(url: string): Kysely<DB> {
  return url.startsWith('sqlite:') ? openSqlite(url.slice('sqlite:'.length)).db : openPostgres(url, 1).db
}

/** Every index of the store's tables, with its definition. */
async function indexesOf(db: Kysely<DB>, url: string): Promise<string[]> {
  const { rows } = url.startsWith('sqlite:')
    ? await sql<{ def: string }>`select name || ': ' || sql as def from sqlite_master
        where type = 'index' and sql is not null and name not like 'kysely%'`.execute(db)
    : await sql<{ def: string }>`select indexname || ': ' || indexdef as def from pg_indexes
        where schemaname = current_schema() and indexname not like 'kysely%'`.execute(db)
  return rows.map((r) => r.def).sort()
}

/** The indexes of a freshly migrated, empty store. */
async function expectedIndexes(): Promise<string[]> {
  const { url } = await storeOf(tempDir('msgstore-seed-fresh-'))
  const database = await openDatabase(url)
  try {
    return await indexesOf(database.db, url)
  } finally {
    await database.close()
  }
}

/**
 * Each mailbox's change sequence stands at its messages' highest change number, every
 * number taken once; ids are distinct; every attachment belongs to a message.
 */
async function assertConsistent(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{
    extension_id: string
    seq: number
    n: number
    top: number | null
    seqs: number
  }>`
    select mb.extension_id, mb.change_seq as seq, count(m.id) as n, max(m.change_seq) as top,
           count(distinct m.change_seq) as seqs
    from mailboxes mb left join messages m on m.extension_id = mb.extension_id
    group by mb.extension_id, mb.change_seq`.execute(db)
  let total = 0
  for (const r of rows) {
    assert.equal(Number(r.seq), Number(r.top ?? 0), `change sequence of mailbox ${r.extension_id}`)
    assert.equal(Number(r.seqs), Number(r.n), `distinct change numbers in mailbox ${r.extension_id}`)
    total += Number(r.n)
  }
  const ids = await sql<{
    n: number
    d: number
  }>`select count(*) as n, count(distinct id) as d from messages`.execute(db)
  assert.equal(Number(ids.rows[0]!.n), total)
  assert.equal(Number(ids.rows[0]!.d), total)
  const orphans = await sql<{ n: number }>`select count(*) as n from attachments a
    where not exists (select 1 from messages m where m.id = a.message_id)`.execute(db)
  assert.equal(Number(orphans.rows[0]!.n), 0)
  return total
}

/** The user of the mailbox with the most messages, and how many it holds. */
async function busiestUser(db: Kysely<DB>) {
  const row = await db
    .selectFrom('messages as m')
    .innerJoin('extensions as e', 'e.id', 'm.extension_id')
    .innerJoin('phone_numbers as p', 'p.extension_id', 'e.id')
    .select(['p.phone_number', 'e.extension_number', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['p.phone_number', 'e.extension_number'])
    .orderBy('n', 'desc')
    .executeTakeFirstOrThrow()
  return { username: row.phone_number, extension: row.extension_number, messages: Number(row.n) }
}

/** The server lists every message of the busiest mailbox. */
async function assertListsAll(dataDir: string, db: Kysely<DB>): Promise<void> {
  const user = await busiestUser(db)
  const server = await startServer({ dataDir })
  try {
    const platform = await login(server.baseUrl, { ...user, password: SEED_PASSWORD }, SEED_APP)
    const res = await platform.get(MESSAGE_STORE, { dateFrom: '2000-01-01T00:00:00Z', perPage: 100 })
    const body = (await res.json()) as { records: unknown[]; paging: { totalElements: number } }
    assert.equal(body.paging.totalElements, user.messages)
    assert.equal(body.records.length, Math.min(100, user.messages))
  } finally {
    await server.stop()
  }
}

/** Messages in the store, 0 before the seed has created its tables. */
async function messageCount(db: Kysely<DB>): Promise<number> {
  try {
    const row = await db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  } catch {
    return 0
  }
}

async function seed(args: string[], counts: string[]) {
  const res = await runCli(['seed', ...args, ...counts, '--json'])
  assert.equal(res.code, 0, res.stderr)
  return JSON.parse(res.stdout) as { messages: number }
}

describe('msgstore seed', () => {
  test('a seed, then a smaller one into the same store: every index, ids and change sequences whole', async () => {
    const dataDir = tempDir('msgstore-seed-')
    const { url, args } = await storeOf(dataDir)
    const first = await seed(args, [
      '--accounts',
      '2',
      '--extensions',
      '3',
      '--messages',
      '3000',
      '--batch',
      '400',
    ])
    assert.equal(first.messages, 3000)
    // Fewer messages than the store holds: written with the indexes in place.
    const second = await seed(args, [
      '--accounts',
      '1',
      '--extensions',
      '2',
      '--messages',
      '700',
      '--batch',
      '300',
    ])
    assert.equal(second.messages, 700)
    const database = await openDatabase(url)
    try {
      assert.deepEqual(await indexesOf(database.db, url), await expectedIndexes())
      assert.equal(await assertConsistent(database.db), 3700)
      await assertListsAll(dataDir, database.db)
    } finally {
      await database.close()
    }
  })

  test('a seed killed half-way leaves a store that opens with every index and whole mailboxes', async () => {
    const dataDir = tempDir('msgstore-seed-killed-')
    const { url, args } = await storeOf(dataDir)
    const child = spawn(
      process.execPath,
      [
        MAIN,
        'seed',
        ...args,
        '--accounts',
        '1',
        '--extensions',
        '4',
        '--messages',
        '400000',
        '--batch',
        '500',
      ],
      { stdio: 'ignore' },
    )
    const exited = new Promise((resolve) => child.on('exit', resolve))
    const raw = rawOpen(url)
    try {
      // Kill it once batches are going in.
      for (;;) {
        if ((await messageCount(raw)) > 0) break
        if (child.exitCode !== null) assert.fail(`seed exited with ${child.exitCode} before writing`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      child.kill('SIGKILL')
      await exited
      if (!ON_POSTGRES) {
        const left = await indexesOf(raw, url)
        assert.ok(left.length < (await expectedIndexes()).length, 'killed while indexes were set aside')
      }
    } finally {
      await raw.destroy()
    }
    const database = await openDatabase(url)
    try {
      assert.deepEqual(await indexesOf(database.db, url), await expectedIndexes())
      const total = await assertConsistent(database.db)
      assert.ok(total > 0 && total < 400000 && total % 500 === 0, `${total} messages: whole batches only`)
      await assertListsAll(dataDir, database.db)
    } finally {
      await database.close()
    }
  })

  test('indexes set aside by a bulk load that never finished come back at the next opening', {
    skip: ON_POSTGRES && 'SQLite only: PostgreSQL keeps its indexes during a load',
  }, async () => {
    const { url } = await storeOf(tempDir('msgstore-seed-bulk-'))
    const database = await openDatabase(url)
    const before = await indexesOf(database.db, url)
    await database.dialect.bulkLoad!.start(database.db, ['messages', 'attachments'])
    const during = await indexesOf(database.db, url)
    // The process ends here without finishing the load.
    await database.close()
    assert.ok(during.length < before.length, 'indexes are set aside during the load')
    const reopened = await openDatabase(url)
    try {
      assert.deepEqual(await indexesOf(reopened.db, url), before)
      const record = await reopened.db
        .selectFrom('meta')
        .select('key')
        .where('key', 'like', 'bulk_load%')
        .execute()
      assert.deepEqual(record, [])
    } finally {
      await reopened.close()
    }
  })
})
