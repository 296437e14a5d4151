import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ManualClock } from '../../src/domain/clock.js'
import { JobRunner } from '../../src/jobs/runner.js'
import { openDatabase } from '../../src/storage/database.js'
import { enqueueJob } from '../../src/storage/repositories/jobs.js'
import { databaseFor, tempDir } from '../helpers/server.js'

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
      const runner = new JobRunner(database.db, database.dialect, clock, {
        error: (_o, msg) => errors.push(msg),
      })
      const ran: string[] = []
      runner.register<{ tag: string }>({
        name: 'record',
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
      await enqueueJob(database.db, 'record', { tag: 'later' }, t0 + 60_000)
      await enqueueJob(database.db, 'record', { tag: 'now' }, t0)
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
        name: 'flaky',
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
      await enqueueJob(database.db, 'flaky', {}, clock.now())
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
        name: 'broken',
        transactional: true,
        maxAttempts: 2,
        async handle() {
          calls++
          throw new Error('always')
        },
      })
      await enqueueJob(database.db, 'broken', {}, clock.now())
      for (let i = 0; i < 5; i++) {
        await runner.settle()
        await clock.moveTo(clock.now() + 3600_000)
      }
      assert.equal(calls, 2)
      const job = await database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow()
      assert.equal(job.last_error, 'always')
      await database.close()
    })
  })
}
