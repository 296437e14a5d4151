import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ManualClock } from '../../src/domain/clock.js'
import { ClaimEnded, enqueue, type JobClaim, jobKind } from '../../src/jobs/job.js'
import { JobRunner } from '../../src/jobs/runner.js'
import { type Database, openDatabase } from '../../src/storage/database.js'
import { databaseFor, tempDir } from '../helpers/server.js'

/**
 * Standalone jobs (exports): run beside the runner's other work, at most their kind's
 * concurrency at once across runners, under claims kept alive while they run, and handed
 * to another runner when theirs stops or loses them. Two runners on one database stand
 * for two nodes.
 */

const SLOW = jobKind<{ n: number }>('slow')
const QUICK = jobKind<{ n: number }>('quick')

const databases = ['sqlite::memory:']
if (process.env.MSGSTORE_TEST_DATABASE_URL) databases.push('postgres')

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A slow job's run, held until the test lets it go, or until its claim ends. */
interface Run {
  n: number
  claim: JobClaim
  finish(): void
  fail(): void
  ended: Promise<'finished' | 'failed' | 'aborted'>
}

for (const kind of databases) {
  describe(`standalone jobs on ${kind === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
    async function setup(options: { concurrency?: number; leaseMs?: number; maxAttempts?: number } = {}) {
      const database: Database = await openDatabase(
        kind === 'postgres' ? (await databaseFor(tempDir('msgstore-jobs-')))! : kind,
      )
      const clock = new ManualClock(Date.UTC(2030, 0, 1))
      const runs: Run[] = []
      const quick: number[] = []
      const errors: string[] = []
      const runner = () => {
        const r = new JobRunner({
          db: database.db,
          dialect: database.dialect,
          clock,
          log: { error: (_o, msg) => errors.push(msg) },
          standaloneLeaseMs: options.leaseMs,
        })
        r.register({
          kind: SLOW,
          transactional: false,
          concurrency: options.concurrency ?? 2,
          maxAttempts: options.maxAttempts,
          handle(payload, { claim }) {
            let finish!: () => void
            let fail!: () => void
            const ended = new Promise<'finished' | 'failed' | 'aborted'>((resolve) => {
              finish = () => resolve('finished')
              fail = () => resolve('failed')
              claim.signal.addEventListener('abort', () => resolve('aborted'), { once: true })
            })
            runs.push({ n: payload.n, claim, finish, fail, ended })
            return ended.then((how) => {
              if (how === 'aborted') throw claim.signal.reason
              if (how === 'failed') throw new Error('broken')
            })
          },
        })
        r.register({
          kind: QUICK,
          transactional: true,
          async handle(payload) {
            quick.push(payload.n)
          },
        })
        return r
      }
      const jobsLeft = async () => (await database.db.selectFrom('jobs').select('id').execute()).length
      return { database, clock, runs, quick, errors, runner, jobsLeft }
    }

    test('no more run at once than the kind allows, across runners, and the rest of the work goes on beside them', async () => {
      const { database, clock, runs, quick, runner, jobsLeft } = await setup({ concurrency: 2 })
      const [a, b] = [runner(), runner()]
      for (let n = 1; n <= 5; n++) await enqueue(database.db, SLOW, { n }, clock.now())
      await enqueue(database.db, QUICK, { n: 1 }, clock.now())
      await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()])
      await until('two slow jobs running', () => runs.length === 2)
      // The transactional job did not wait for the long ones.
      assert.deepEqual(quick, [1])
      await Promise.all([a.runDue(), b.runDue()])
      assert.equal(runs.length, 2, 'a third started while two ran')
      // Each that ends makes room for the next, until all five have run, each once.
      for (let done = 1; done <= 5; done++) {
        runs[done - 1]!.finish()
        await until(`job ${done} done`, async () => (await jobsLeft()) === 5 - done)
        await Promise.all([a.runDue(), b.runDue()])
        assert.equal(runs.length - done, Math.min(2, 5 - done), 'jobs running at once')
      }
      await until('every job done', async () => (await jobsLeft()) === 0)
      assert.deepEqual(runs.map((r) => r.n).sort(), [1, 2, 3, 4, 5])
      await Promise.all([a.stop(), b.stop()])
      await database.close()
    })

    test('a job that outlasts its lease keeps its claim: no other runner starts it again', async () => {
      const { database, clock, runs, runner, jobsLeft } = await setup({ leaseMs: 600 })
      const [a, b] = [runner(), runner()]
      await enqueue(database.db, SLOW, { n: 1 }, clock.now())
      await a.runDue()
      await until('the job running', () => runs.length === 1)
      // Five leases long, with the other runner looking for due work all along. (A lease of 600 ms,
      // renewed every 200 ms, holds through the pauses of a busy machine.)
      const end = Date.now() + 3000
      while (Date.now() < end) {
        await b.runDue()
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      assert.equal(runs.length, 1, 'the job was started twice')
      assert.equal(runs[0]!.claim.signal.aborted, false)
      runs[0]!.finish()
      await until('the job done', async () => (await jobsLeft()) === 0)
      await Promise.all([a.stop(), b.stop()])
      await database.close()
    })

    test('a claim taken over by another runner aborts the first run; the second completes the job', async () => {
      const { database, clock, runs, runner, jobsLeft } = await setup({ leaseMs: 150 })
      const [a, b] = [runner(), runner()]
      await enqueue(database.db, SLOW, { n: 1 }, clock.now())
      await a.runDue()
      await until('the job running', () => runs.length === 1)
      // As if runner a had stood still past its lease: the claim lapses and b takes the job.
      await database.db.updateTable('jobs').set({ locked_until: 0 }).execute()
      await b.runDue()
      await until('the job running again', () => runs.length === 2)
      assert.notEqual(runs[1]!.claim.token, runs[0]!.claim.token)
      assert.equal(runs[1]!.claim.attempt, runs[0]!.claim.attempt + 1)
      assert.equal(await runs[0]!.ended, 'aborted')
      assert.ok(runs[0]!.claim.signal.reason instanceof ClaimEnded)
      runs[1]!.finish()
      await until('the job done', async () => (await jobsLeft()) === 0)
      await Promise.all([a.stop(), b.stop()])
      await database.close()
    })

    test('a runner that stops aborts its run and frees the claim at once, for another to resume', async () => {
      const { database, clock, runs, runner, jobsLeft } = await setup()
      const [a, b] = [runner(), runner()]
      await enqueue(database.db, SLOW, { n: 1 }, clock.now())
      await a.runDue()
      await until('the job running', () => runs.length === 1)
      await a.stop()
      assert.equal(await runs[0]!.ended, 'aborted')
      const row = await database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow()
      assert.equal(row.locked_until, null)
      // Not a failure: due now, not after a backoff.
      assert.equal(Number(row.run_at), clock.now())
      await b.runDue()
      await until('the job resumed', () => runs.length === 2)
      runs[1]!.finish()
      await until('the job done', async () => (await jobsLeft()) === 0)
      await b.stop()
      await database.close()
    })

    test('a failed run is retried after the backoff, and the last attempt knows it is the last', async () => {
      const { database, clock, runs, runner, errors } = await setup({ maxAttempts: 2 })
      const a = runner()
      const job = () => database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow()
      await enqueue(database.db, SLOW, { n: 1 }, clock.now())
      await a.runDue()
      await until('attempt 1', () => runs.length === 1)
      assert.deepEqual([runs[0]!.claim.attempt, runs[0]!.claim.last], [1, false])
      runs[0]!.fail()
      await until('attempt 1 recorded', async () => (await job()).last_error === 'broken')
      assert.equal(Number((await job()).run_at), clock.now() + 2000)
      await a.runDue()
      assert.equal(runs.length, 1, 'retried before the backoff')
      await clock.moveTo(clock.now() + 2000)
      await a.runDue()
      await until('attempt 2', () => runs.length === 2)
      assert.deepEqual([runs[1]!.claim.attempt, runs[1]!.claim.last], [2, true])
      runs[1]!.fail()
      await until('left dead', async () => Number((await job()).run_at) > clock.now() + 1e12)
      assert.deepEqual(errors, ['job failed', 'job failed'])
      await a.stop()
      await database.close()
    })
  })
}
