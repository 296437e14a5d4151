import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { sql } from 'kysely'
import { type Database, openDatabase } from '../../src/storage/database.js'
import { PreparedStatement } from '../../src/storage/prepared.js'
import { databaseFor, tempDir } from '../helpers/server.js'

// Placeholders differ (`?` against `$n`): run on both databases, with the same statements,
// so that one process holding both also checks that each database gets its own SQL.
const databases = ['sqlite::memory:']
if (process.env.MSGSTORE_TEST_DATABASE_URL) databases.push('postgres')

interface Shape {
  /** Decides the SQL text: which of 1..5 to keep. */
  keep: number[]
  upper: boolean
}

let builds = 0
const numbers = new PreparedStatement((shape: Shape, v: { least: number; most: number; label: string }) => {
  builds++
  const conds = [sql`n >= ${v.least}`, sql`n in (${sql.join(shape.keep)})`]
  if (shape.upper) conds.push(sql`n <= ${v.most}`)
  return sql<{ n: number; label: string }>`select n, cast(${v.label} as text) as label
      from (select column1 as n from (values (1), (2), (3), (4), (5)) v) t
      where ${sql.join(conds, sql` and `)} order by n`
})

const contextual = new PreparedStatement((_shape: undefined, v: { x: number }, context: { name: string }) =>
  context.name === 'twice'
    ? sql<{ y: number }>`select ${v.x} * 2 as y`
    : sql<{ y: number }>`select ${v.x} as y`,
)

const opened: Database[] = []
after(async () => {
  for (const database of opened) await database.close()
})

for (const kind of databases) {
  describe(`prepared statements on ${kind === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, async () => {
    const database = await openDatabase(
      kind === 'postgres' ? (await databaseFor(tempDir('msgstore-prepared-')))! : kind,
    )
    opened.push(database)
    const { db } = database
    const run = async (shape: Shape, least: number, most: number, label = 'x') =>
      (await numbers.execute(db, shape, { least, most, label })).rows.map((r) => [Number(r.n), r.label])

    test('a shape is built once; each call binds its own values', async () => {
      const before = builds
      const shape = { keep: [1, 2, 3, 4], upper: true }
      assert.deepEqual(await run(shape, 2, 3, 'a'), [
        [2, 'a'],
        [3, 'a'],
      ])
      assert.deepEqual(await run(shape, 1, 4, 'b'), [
        [1, 'b'],
        [2, 'b'],
        [3, 'b'],
        [4, 'b'],
      ])
      assert.deepEqual(await run({ keep: [1, 2, 3, 4], upper: true }, 4, 9), [[4, 'x']])
      assert.equal(builds - before, 1)
    })

    test('the shape decides the text: its constants stay, other shapes get their own statement', async () => {
      const before = builds
      assert.deepEqual(await run({ keep: [5], upper: true }, 1, 5), [[5, 'x']])
      assert.deepEqual(await run({ keep: [2, 5], upper: false }, 1, 0), [
        [2, 'x'],
        [5, 'x'],
      ])
      assert.deepEqual(await run({ keep: [2, 5], upper: true }, 1, 4), [[2, 'x']])
      assert.equal(builds - before, 3)
    })

    test('the context takes part in building', async () => {
      const rows = (await contextual.execute(db, undefined, { x: 21 }, { name: 'twice' })).rows
      assert.equal(Number(rows[0]!.y), 42)
    })

    test('a builder that computes with a value fails instead of keeping one call’s value', async () => {
      const computing = new PreparedStatement(
        (_shape: undefined, v: { x: number }) => sql<{ y: number }>`select ${v.x + 1} as y`,
      )
      await assert.rejects(computing.execute(db, undefined, { x: 1 }), /the value x was used while building/)
      const concatenating = new PreparedStatement(
        (_shape: undefined, v: { name: string }) => sql<{ y: string }>`select ${`%${v.name}%`} as y`,
      )
      await assert.rejects(concatenating.execute(db, undefined, { name: 'a' }), /the value name was used/)
    })

    test('a value left out is an error, not a null', async () => {
      await assert.rejects(
        numbers.execute(db, { keep: [1], upper: false }, { least: 1 } as never),
        /no value for label/,
      )
    })
  })
}
