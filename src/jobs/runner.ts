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
import { HeldClaims } from './claims.js'
import {
  ClaimEnded,
  decodePayload,
  enqueue,
  type JobClaim,
  type JobContext,
  type JobDefinition,
  type StandaloneJob,
} from './job.js'
import { claimWithRoom, kindHasRoom } from './kind-room.js'

/** How long a batch of transactional jobs is claimed for on SQLite (real time); they run one after another. */
const BATCH_LEASE_MS = 5 * 60_000
/** A standalone job's lease (real time), renewed while it runs (claims.ts). */
const STANDALONE_LEASE_MS = 15_000
const BATCH = 20
const POLL_MS = 250
const DEFAULT_ATTEMPTS = 5
const DEFAULT_CONCURRENCY = 4

/** A job that lost its claim to another node: its transaction is rolled back. */
class ClaimLost extends Error {}

export interface JobLogger {
  error(obj: object, msg: string): void
}

export interface JobRunnerOptions {
  db: Kysely<DB>
  dialect: DialectInfo
  clock: Clock
  log: JobLogger
  /** Reads a manual clock shared by several nodes, which another node may have moved. */
  syncClock?: () => Promise<void>
  /** A standalone job's lease, renewed every third of it (tests shorten it). */
  standaloneLeaseMs?: number
}

/**
 * Runs due jobs: polls the jobs table on a timer, and on demand when the manual
 * clock moves. Transactional jobs run one after another; standalone jobs (exports) run
 * beside them, at most their kind's `concurrency` at once across all nodes, under claims
 * kept alive while they run. Failed jobs are retried with backoff (in store-clock time),
 * then left in place marked dead.
 */
export class JobRunner {
  private readonly definitions = new Map<string, JobDefinition<unknown>>()
  private readonly db: Kysely<DB>
  private readonly claims: HeldClaims
  private readonly standaloneLeaseMs: number
  /** Standalone jobs running now. */
  private readonly active = new Set<Promise<void>>()
  private timer?: NodeJS.Timeout
  private running?: Promise<void>
  private stopped = false

  constructor(private readonly options: JobRunnerOptions) {
    this.db = options.db
    this.standaloneLeaseMs = options.standaloneLeaseMs ?? STANDALONE_LEASE_MS
    this.claims = new HeldClaims(this.db, this.standaloneLeaseMs, options.log)
  }

  register<P>(definition: JobDefinition<P>): void {
    this.definitions.set(definition.kind.name, definition as JobDefinition<unknown>)
  }

  start(): void {
    this.stopped = false
    const tick = () => {
      if (this.stopped) return
      this.runDue()
        .catch((err) => this.options.log.error({ err }, 'job poll failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, POLL_MS)
        })
    }
    this.timer = setTimeout(tick, POLL_MS)
  }

  /** Stops polling, asks the standalone jobs running to stop where they are, and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    await this.running
    this.claims.abortAll()
    await Promise.allSettled([...this.active])
    await this.claims.stop()
  }

  /**
   * Runs every transactional job due now, including those that fall due as others run,
   * and starts the standalone ones there is room for; one pass at a time.
   */
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
   * including jobs other nodes (or this one, standalone) are running at the moment.
   */
  async settle(): Promise<void> {
    for (let round = 0; round < 10_000; round++) {
      await this.runDue()
      if ((await countDueJobs(this.db, this.options.clock.now())) === 0) return
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  private async drain(): Promise<void> {
    // Kinds found running as many jobs as they may, during this pass.
    const full = new Set<string>()
    for (;;) {
      if (this.stopped) return
      // A shared manual clock may have been moved by another node.
      await this.options.syncClock?.()
      if (this.options.dialect.supportsRowLocks) {
        if (!(await this.runNextLocked(full))) return
        continue
      }
      const now = this.options.clock.now()
      const standalone = this.standaloneNames()
      const jobs = await claimDueJobs(this.db, this.options.dialect, now, Date.now(), BATCH_LEASE_MS, BATCH, {
        except: standalone,
      })
      for (const job of jobs) await this.run(job)
      const started = await claimWithRoom(
        this.db,
        this.options.dialect,
        standalone,
        (name) => this.concurrencyOf(name),
        now,
        this.standaloneLeaseMs,
      )
      for (const job of started) this.startInBackground(job)
      if (jobs.length === 0 && started.length === 0) return
    }
  }

  /**
   * Where rows can be locked: a transactional job runs in the transaction that locks
   * its row, so a crash frees it at once; a standalone job is leased there, if its kind
   * has room (kind-room.ts), and started beside. Answers whether a job was due.
   */
  private async runNextLocked(full: Set<string>): Promise<boolean> {
    let locked: ClaimedJob | undefined
    let leased: ClaimedJob | undefined
    let failure: unknown
    const { clock, dialect } = this.options
    try {
      await this.db.transaction().execute(async (trx) => {
        const leaseNow = Date.now()
        locked = await lockNextDueJob(trx, clock.now(), leaseNow, [...full])
        if (!locked) return
        const definition = this.definitions.get(locked.name)
        if (!definition?.transactional) {
          if (
            definition &&
            !(await kindHasRoom(trx, dialect, locked, this.concurrencyOf(locked.name), leaseNow))
          ) {
            full.add(locked.name)
            return
          }
          leased = await leaseLockedJob(trx, locked, leaseNow + this.standaloneLeaseMs)
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
      this.options.log.error({ err: failure, job: job.name, attempt: job.attempts + 1 }, 'job failed')
      await failLockedJob(this.db, job.id, retryAt, errorText(failure))
    }
    if (leased) {
      if (this.definitions.has(leased.name)) this.startInBackground(leased)
      else await this.run(leased)
    }
    return true
  }

  /** A transactional job claimed in a batch (SQLite), or a job with no definition. */
  private async run(job: ClaimedJob): Promise<void> {
    const definition = this.definitions.get(job.name)
    if (!definition) {
      await retryJob(this.db, job, DEAD, `no job named ${job.name}`)
      return
    }
    if (!definition.transactional) {
      // Standalone kinds are claimed apart (kind-room.ts); one registered after the claim runs here.
      this.startInBackground(job)
      return
    }
    try {
      const payload = decodePayload(definition.kind, job.payload)
      await this.db.transaction().execute(async (trx) => {
        await definition.handle(payload, this.context(trx))
        if (!(await completeJob(trx, job))) throw new ClaimLost()
      })
    } catch (err) {
      if (err instanceof ClaimLost) return
      // A leased claim counted its attempt when it was taken.
      this.options.log.error({ err, job: job.name, attempt: job.attempts }, 'job failed')
      await retryJob(this.db, job, this.retryAt(definition, job.attempts), errorText(err))
    }
  }

  /** Runs a claimed standalone job beside the rest, keeping its claim alive until it ends. */
  private startInBackground(job: ClaimedJob): void {
    const definition = this.definitions.get(job.name)
    if (!definition || definition.transactional) return
    const claim = this.claims.hold(job, definition.maxAttempts ?? DEFAULT_ATTEMPTS)
    const run: Promise<void> = this.runStandalone(definition, job, claim)
      .catch((err) => this.options.log.error({ err, job: job.name }, 'job bookkeeping failed'))
      .finally(() => {
        this.claims.drop(job)
        this.active.delete(run)
        // Its place is free: another job of its kind may be waiting.
        if (!this.stopped) this.runDue().catch((err) => this.options.log.error({ err }, 'job poll failed'))
      })
    this.active.add(run)
  }

  private async runStandalone(
    definition: StandaloneJob<unknown>,
    job: ClaimedJob,
    claim: JobClaim,
  ): Promise<void> {
    try {
      const payload = decodePayload(definition.kind, job.payload)
      await definition.handle(payload, { ...this.context(this.db), claim })
      // Only the claim that still holds the job removes it.
      await completeJob(this.db, job)
    } catch (err) {
      if (err instanceof ClaimEnded || claim.signal.aborted) {
        // Stopped by this node: free it now. Taken over by another node: nothing is this claim's any more.
        if (this.stopped) await this.claims.release(job)
        return
      }
      this.options.log.error({ err, job: job.name, attempt: job.attempts }, 'job failed')
      await retryJob(this.db, job, this.retryAt(definition, job.attempts), errorText(err))
    }
  }

  private standaloneNames(): string[] {
    return [...this.definitions.values()].filter((d) => !d.transactional).map((d) => d.kind.name)
  }

  private concurrencyOf(name: string): number {
    const definition = this.definitions.get(name)
    return (definition && !definition.transactional && definition.concurrency) || DEFAULT_CONCURRENCY
  }

  /** The retry policy, one for every job: backoff doubling per attempt on the store clock, then dead. */
  private retryAt(definition: JobDefinition<unknown> | undefined, attempt: number): number {
    const attempts = definition?.maxAttempts ?? DEFAULT_ATTEMPTS
    return attempt >= attempts ? DEAD : this.options.clock.now() + 1000 * 2 ** attempt
  }

  private context<D extends Kysely<DB>>(db: D): JobContext<D> {
    return {
      db,
      now: this.options.clock.now(),
      enqueue: (kind, payload, runAt) => enqueue(db, kind, payload, runAt),
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
