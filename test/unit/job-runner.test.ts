import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ManualClock } from '../../src/domain/clock.js'
import { enqueue, jobKind } from '../../src/jobs/job.js'
import { JobRunner } from '../../src/jobs/runner.js'
import { openDatabase } from '../../src/storage/database.js'
import { enqueueJob } from '../../src/storage/repositories/jobs.js'
import { databaseFor, tempDir } from '../helpers/server.js'

const RECORD = jobKind<{ tag: string }>('record')
const FLAKY = jobKind<Record<string, never>>('flaky')
const BROKEN = jobKind<Record<string, never>>('broken')

// The runner claims jobs differently where rows can be locked: run on both databases.
const databases = ['sqlite::memory:']
if (process.env.MSGSTORE_TEST_DATABASE_URL) databases.push('postgres')

async function open(kind: string) {
  return openDatabase(kind === 'postgres' ? (await databaseFor(tempDir('msgstore-jobs-')))! : kind)
}

for (const kind of databases) {
  describe(`job runner on ${kind === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
    async function setup() {
      const database = await open(kind)
      const clock = new ManualClock(Date.UTC(2030, 0, 1))
      const errors: string[] = []
      const runner = new JobRunner({
        db: database.db,
        dialect: database.dialect,
        clock,
        log: { error: (_o, msg) => errors.push(msg) },
      })
      const ran: string[] = []
      runner.register({
        kind: RECORD,
        transactional: true,
        async handle(payload, ctx) {
          ran.push(payload.tag)
          await ctx.db
            .insertInto('meta')
            .values({ key: payload.tag, value: String(ctx.now) })
            .execute()
        },
      })
      return { database, clock, runner, ran, errors }
    }

    test('a job runs once, when the clock reaches its time, and not before', async () => {
      const { database, clock, runner, ran } = await setup()
      const t0 = clock.now()
      await enqueue(database.db, RECORD, { tag: 'later' }, t0 + 60_000)
      await enqueue(database.db, RECORD, { tag: 'now' }, t0)
      await runner.settle()
      assert.deepEqual(ran, ['now'])
      await clock.moveTo(t0 + 60_000)
      await runner.settle()
      await runner.settle()
      assert.deepEqual(ran, ['now', 'later'])
      const rows = await database.db.selectFrom('jobs').selectAll().execute()
      assert.equal(rows.length, 0)
      await database.close()
    })

    test('a failing job is retried with backoff, and its effects roll back each time', async () => {
      const { database, clock, runner, errors } = await setup()
      let calls = 0
      runner.register({
        kind: FLAKY,
        transactional: true,
        async handle(_payload, ctx) {
          calls++
          await ctx.db
            .insertInto('meta')
            .values({ key: `try-${calls}`, value: 'x' })
            .execute()
          if (calls < 3) throw new Error('not yet')
        },
      })
      await enqueue(database.db, FLAKY, {}, clock.now())
      await runner.settle()
      assert.equal(calls, 1)
      for (let i = 0; i < 3; i++) {
        await clock.moveTo(clock.now() + 10_000)
        await runner.settle()
      }
      assert.equal(calls, 3)
      assert.equal(errors.length, 2)
      const keys = (
        await database.db.selectFrom('meta').select('key').where('key', 'like', 'try-%').execute()
      ).map((r) => r.key)
      assert.deepEqual(keys, ['try-3'])
      await database.close()
    })

    test('a job that keeps failing is left dead, never due again', async () => {
      const { database, clock, runner } = await setup()
      let calls = 0
      runner.register({
        kind: BROKEN,
        transactional: true,
        maxAttempts: 2,
        async handle() {
          calls++
          throw new Error('always')
        },
      })
      await enqueue(database.db, BROKEN, {}, clock.now())
      for (let i = 0; i < 5; i++) {
        await runner.settle()
        await clock.moveTo(clock.now() + 3600_000)
      }
      assert.equal(calls, 2)
      const job = await database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow()
      assert.equal(job.last_error, 'always')
      await database.close()
    })

    test('a row written by an older version of a job kind runs upgraded to the current payload', async () => {
      const { database, clock, runner, errors } = await setup()
      // Version 2 of `greet` renamed `who` to `name`; rows of version 1 are still stored.
      const GREET = jobKind<{ name: string }>('greet', {
        version: 2,
        upgrade: (stored) => ({ name: String(stored.who) }),
      })
      const greeted: string[] = []
      runner.register({
        kind: GREET,
        transactional: true,
        async handle(payload) {
          greeted.push(payload.name)
        },
      })
      await enqueueJob(database.db, 'greet', JSON.stringify({ who: 'old row' }), clock.now())
      await enqueue(database.db, GREET, { name: 'new row' }, clock.now())
      const stored = await database.db.selectFrom('jobs').select('payload').orderBy('id').execute()
      assert.deepEqual(JSON.parse(stored[1]!.payload), { name: 'new row', v: 2 })
      await runner.settle()
      assert.deepEqual(greeted.sort(), ['new row', 'old row'])
      assert.deepEqual(errors, [])
      await database.close()
    })
  })
}
