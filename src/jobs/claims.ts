import type { Kysely } from 'kysely'
import { type ClaimedJob, releaseClaim, renewClaim } from '../storage/repositories/jobs.js'
import type { DB } from '../storage/schema.js'
import { ClaimEnded, type JobClaim } from './job.js'

export interface ClaimLogger {
  error(obj: object, msg: string): void
}

/**
 * The claims of the standalone jobs a runner is running, kept alive: each lease is
 * renewed every third of its length while its job runs, so a job of any length keeps
 * its claim, and another node takes the job over only once this one stops renewing (it
 * died). A renewal that finds the claim gone aborts the job.
 */
export class HeldClaims {
  private readonly held = new Map<number, { job: ClaimedJob; abort: AbortController }>()
  private timer?: NodeJS.Timeout
  private renewing?: Promise<void>

  constructor(
    private readonly db: Kysely<DB>,
    private readonly leaseMs: number,
    private readonly log: ClaimLogger,
  ) {}

  /** Starts keeping the claim on `job`, leased by the runner until now + the lease. */
  hold(job: ClaimedJob, maxAttempts: number): JobClaim {
    const abort = new AbortController()
    this.held.set(job.id, { job, abort })
    if (!this.timer) {
      // Not unref'd: a job running is work in progress, and `stop` (or the last job's end) clears it.
      this.timer = setInterval(() => this.renewAll(), Math.max(10, Math.floor(this.leaseMs / 3)))
    }
    return {
      token: `${job.id}.${job.attempts}`,
      attempt: job.attempts,
      last: job.attempts >= maxAttempts,
      signal: abort.signal,
    }
  }

  /** The job ended: its claim is no longer renewed. */
  drop(job: ClaimedJob): void {
    this.held.delete(job.id)
    if (this.held.size === 0 && this.timer) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  /** Asks every running job to stop (the runner is stopping). */
  abortAll(): void {
    for (const { abort } of this.held.values()) abort.abort(new ClaimEnded('the job runner is stopping'))
  }

  /** Gives the claim up at once, for a job stopped before it ended, so that another node need not wait out its lease. */
  release(job: ClaimedJob): Promise<void> {
    return releaseClaim(this.db, job)
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    await this.renewing
  }

  private renewAll(): void {
    if (this.renewing) return
    this.renewing = this.renew().finally(() => {
      this.renewing = undefined
    })
  }

  private async renew(): Promise<void> {
    for (const { job, abort } of [...this.held.values()]) {
      if (abort.signal.aborted) continue
      try {
        const kept = await renewClaim(this.db, job, Date.now() + this.leaseMs)
        // Gone: completed in the meantime (then dropped just after), or taken over by another node.
        if (!kept && this.held.has(job.id))
          abort.abort(new ClaimEnded(`another node took job ${job.id} over`))
      } catch (err) {
        // The lease may still hold; if it lapses meanwhile, the next renewal finds the claim gone.
        this.log.error({ err, job: job.name }, 'job claim renewal failed')
      }
    }
  }
}
