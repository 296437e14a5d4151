import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { DialectInfo } from '../storage/dialects/dialect.js'
import {
  type ClaimedJob,
  claimDueJobs,
  completeJob,
  countDueJobs,
  DEAD,
  deleteJob,
  failLockedJob,
  leaseLockedJob,
  lockNextDueJob,
  retryJob,
} from '../storage/repositories/jobs.js'
import type { DB } from '../storage/schema.js'
import { decodePayload, enqueue, type JobContext, type JobDefinition } from './job.js'

const LEASE_MS = 5 * 60_000
const BATCH = 20
const POLL_MS = 250
const DEFAULT_ATTEMPTS = 5

/** A job that lost its claim to another node: its transaction is rolled back. */
class ClaimLost extends Error {}

export interface JobLogger {
  error(obj: object, msg: string): void
}

/**
 * Runs due jobs: polls the jobs table on a timer, and on demand when the manual
 * clock moves. Failed jobs are retried with backoff (in store-clock time), then left
 * in place marked dead.
 */
export class JobRunner {
  private readonly definitions = new Map<string, JobDefinition<unknown>>()
  private timer?: NodeJS.Timeout
  private running?: Promise<void>
  private stopped = false

  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: DialectInfo,
    private readonly clock: Clock,
    private readonly log: JobLogger,
    private readonly syncClock?: () => Promise<void>,
  ) {}

  register<P>(definition: JobDefinition<P>): void {
    this.definitions.set(definition.kind.name, definition as JobDefinition<unknown>)
  }

  start(): void {
    this.stopped = false
    const tick = () => {
      if (this.stopped) return
      this.runDue()
        .catch((err) => this.log.error({ err }, 'job poll failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, POLL_MS)
        })
    }
    this.timer = setTimeout(tick, POLL_MS)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    await this.running
  }

  /** Runs every job due now, including those that fall due as others run; one pass at a time. */
  runDue(): Promise<void> {
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = undefined
      })
    }
    return this.running
  }

  /**
   * For the manual clock: returns once no job due at the clock's time is left,
   * including jobs other nodes are running at the moment.
   */
  async settle(): Promise<void> {
    for (let round = 0; round < 10_000; round++) {
      await this.runDue()
      if ((await countDueJobs(this.db, this.clock.now())) === 0) return
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  private async drain(): Promise<void> {
    for (;;) {
      // A shared manual clock may have been moved by another node.
      await this.syncClock?.()
      if (this.dialect.supportsRowLocks) {
        if (!(await this.runNextLocked())) return
        continue
      }
      const jobs = await claimDueJobs(this.db, this.dialect, this.clock.now(), Date.now(), LEASE_MS, BATCH)
      if (jobs.length === 0) return
      for (const job of jobs) await this.run(job)
    }
  }

  /**
   * Where rows can be locked: a transactional job runs in the transaction that locks
   * its row, so a crash frees it at once; other jobs are leased there and run after.
   * Answers whether a job was due.
   */
  private async runNextLocked(): Promise<boolean> {
    let locked: ClaimedJob | undefined
    let leased: ClaimedJob | undefined
    let failure: unknown
    try {
      await this.db.transaction().execute(async (trx) => {
        locked = await lockNextDueJob(trx, this.clock.now(), Date.now())
        if (!locked) return
        const definition = this.definitions.get(locked.name)
        if (!definition?.transactional) {
          leased = await leaseLockedJob(trx, locked, Date.now() + LEASE_MS)
          return
        }
        await definition.handle(decodePayload(definition.kind, locked.payload), this.context(trx))
        await deleteJob(trx, locked.id)
      })
    } catch (err) {
      failure = err
    }
    if (!locked) {
      if (failure) throw failure
      return false
    }
    if (failure) {
      const job: ClaimedJob = locked
      // A locked run is not counted until it fails: this was attempt `attempts + 1`.
      const retryAt = this.retryAt(this.definitions.get(job.name), job.attempts + 1)
      this.log.error({ err: failure, job: job.name, attempt: job.attempts + 1 }, 'job failed')
      await failLockedJob(this.db, job.id, retryAt, errorText(failure))
    }
    if (leased) await this.run(leased)
    return true
  }

  private async run(job: ClaimedJob): Promise<void> {
    const definition = this.definitions.get(job.name)
    if (!definition) {
      await retryJob(this.db, job, DEAD, `no job named ${job.name}`)
      return
    }
    try {
      const payload = decodePayload(definition.kind, job.payload)
      if (definition.transactional) {
        await this.db.transaction().execute(async (trx) => {
          await definition.handle(payload, this.context(trx))
          if (!(await completeJob(trx, job))) throw new ClaimLost()
        })
      } else {
        await definition.handle(payload, this.context(this.db))
        await completeJob(this.db, job)
      }
    } catch (err) {
      if (err instanceof ClaimLost) return
      // A leased claim counted its attempt when it was taken.
      this.log.error({ err, job: job.name, attempt: job.attempts }, 'job failed')
      await retryJob(this.db, job, this.retryAt(definition, job.attempts), errorText(err))
    }
  }

  /** The retry policy, one for every job: backoff doubling per attempt on the store clock, then dead. */
  private retryAt(definition: JobDefinition<unknown> | undefined, attempt: number): number {
    const attempts = definition?.maxAttempts ?? DEFAULT_ATTEMPTS
    return attempt >= attempts ? DEAD : this.clock.now() + 1000 * 2 ** attempt
  }

  private context<D extends Kysely<DB>>(db: D): JobContext<D> {
    return {
      db,
      now: this.clock.now(),
      enqueue: (kind, payload, runAt) => enqueue(db, kind, payload, runAt),
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
