import type { Kysely } from 'kysely'
import { encodePayload } from '../../jobs/job.js'
import {
  requeueBuild,
  takeOrphanedTasks,
  tasksWithoutJob,
} from '../../storage/repositories/export-recovery.js'
import { DEAD } from '../../storage/repositories/jobs.js'
import type { DB } from '../../storage/schema.js'
import { EXPORT_BUILD } from './jobs.js'
import type { ExportServiceDeps } from './report-api.js'

/** How often a node looks for tasks a stopped node left unfinished. */
const SWEEP_MS = 5_000

/**
 * Recovery of report builds. A task left `InProgress` by a node that stopped is found by a
 * sweep (at start, and every few seconds for a lapsed lease) and its build job put back,
 * due at once; on SQLite, which one server process opens, every unfinished task found at
 * start is resumed at once.
 */
export class ExportRecovery {
  private readonly db: Kysely<DB>
  private timer?: NodeJS.Timeout
  private sweeping?: Promise<void>

  constructor(
    private readonly deps: ExportServiceDeps,
    private readonly nodeId: string,
  ) {
    this.db = deps.db
  }

  /** Starts the sweep for tasks that stopped nodes left unfinished (servers only, not one-off commands). */
  start(): void {
    if (this.timer) return
    const run = (startup: boolean) => {
      if (this.sweeping) return
      this.sweeping = this.sweep(startup)
        .catch((err) => this.deps.log.error({ err }, 'export sweep failed'))
        .finally(() => {
          this.sweeping = undefined
        })
    }
    run(true)
    this.timer = setInterval(() => run(false), SWEEP_MS)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    await this.sweeping
  }

  /**
   * Puts back, due now, the build job of every task that nothing runs: `InProgress` with
   * a lapsed lease, or with no job left. At start on a store only this process opens
   * (SQLite), every unfinished task: whoever held it is gone.
   */
  async sweep(startup: boolean): Promise<void> {
    const realNow = Date.now()
    const orphaned = await takeOrphanedTasks(
      this.db,
      this.nodeId,
      realNow,
      startup && !this.deps.dialect.sharedByNodes,
    )
    const jobless = await tasksWithoutJob(this.db, EXPORT_BUILD.name, realNow, DEAD)
    for (const taskId of new Set([...orphaned, ...jobless])) {
      await requeueBuild(
        this.db,
        EXPORT_BUILD.name,
        encodePayload(EXPORT_BUILD, { taskId }),
        this.deps.clock.now(),
      )
    }
  }
}
