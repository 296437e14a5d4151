import type { Kysely } from 'kysely'
import { isTerminal, type TaskStatus } from '../../domain/export/task.js'
import type { ArchiveStore, ArchiveStores } from '../../exports/archive-store.js'
import { planReportArchives, reportArchive } from '../../exports/archive-writer.js'
import { openReadConnection } from '../../exports/read-connection.js'
import { ZipMemory } from '../../exports/zip-memory.js'
import { ClaimEnded, enqueue, type JobClaim, type StandaloneContext } from '../../jobs/job.js'
import { collectGarbage } from '../../lib/collect-garbage.js'
import { type ExportScope, newestMessageId } from '../../storage/repositories/export-reads.js'
import {
  type ArchiveRow,
  deleteTask,
  findTask,
  listArchives,
  markArchiveDone,
  savePlan,
  startAttempt,
  type TaskRow,
  updateOwnedTask,
} from '../../storage/repositories/export-tasks.js'
import type { DB } from '../../storage/schema.js'
import { EXPORT_EXPIRE } from './jobs.js'
import type { ExportServiceDeps } from './report-api.js'

/**
 * Build attempts before a task is `Failed`; those before it are `AttemptFailed` and retried
 * after the job runner's backoff (store clock).
 */
export const MAX_BUILD_ATTEMPTS = 3

/**
 * The jobs of a message store report: the build, which the job runner runs under a claim
 * (kept alive while it runs, taken over by another node if this one dies), writes the
 * archives it still lacks (planned up front, with the newest message id as a snapshot, so a
 * build that starts again writes the same ones) and finishes the task; and the expiry,
 * which removes them when their time is up.
 */
export class ExportBuild {
  private readonly db: Kysely<DB>

  constructor(
    private readonly deps: ExportServiceDeps,
    private readonly stores: ArchiveStores,
  ) {
    this.db = deps.db
  }

  /** The build job: writes the archives the task still lacks, and finishes it. */
  async build(taskId: string, { claim }: StandaloneContext): Promise<void> {
    const task = await startAttempt(this.db, taskId, claim.token, claim.attempt)
    if (!task) return
    try {
      await this.writeArchives(task, claim)
      await this.finish(task, claim, 'Completed', null)
    } catch (err) {
      // Stopped, or taken over: the next claim goes on from the archives written.
      if (err instanceof ClaimEnded || claim.signal.aborted) throw err
      const message = err instanceof Error ? err.message : String(err)
      if (claim.last) {
        this.deps.log.error({ err, taskId, attempt: claim.attempt }, 'export task failed')
        await this.finish(task, claim, 'Failed', message)
        return
      }
      await updateOwnedTask(this.db, taskId, claim.token, { status: 'AttemptFailed', lastError: message })
      throw err
    }
  }

  private async finish(
    task: TaskRow,
    claim: JobClaim,
    status: 'Completed' | 'Failed',
    error: string | null,
  ): Promise<void> {
    const now = this.deps.clock.now()
    const expiresAt = now + this.deps.settings.ttlMs
    if (status === 'Failed') await this.removeArchives(task.id)
    const done = await this.db.transaction().execute(async (trx) => {
      const owned = await updateOwnedTask(trx, task.id, claim.token, {
        status,
        finishTime: now,
        expiresAt,
        lastError: error,
        release: true,
      })
      if (owned) await enqueue(trx, EXPORT_EXPIRE, { taskId: task.id }, expiresAt)
      return owned
    })
    if (!done) throw claimLost(task.id)
  }

  private async writeArchives(task: TaskRow, claim: JobClaim): Promise<void> {
    const reader = await openReadConnection(this.deps.databaseUrl, this.db)
    try {
      await this.writeArchivesFrom(reader.db, task, claim)
    } finally {
      await reader.close()
    }
  }

  /** Reads through `source`; records progress through the shared connection. */
  private async writeArchivesFrom(source: Kysely<DB>, task: TaskRow, claim: JobClaim): Promise<void> {
    const { db } = this
    let archives = await listArchives(db, task.id)
    let snapshot = task.snapshotMessageId
    if (snapshot === null || archives.length === 0) {
      snapshot = await newestMessageId(source)
      const planned = await planReportArchives(
        source,
        this.scopeOf(task, snapshot),
        this.deps.settings.archiveMaxBytes,
        task.id,
      )
      if (!(await savePlan(db, task.id, task.accountId, claim.token, snapshot, planned))) {
        throw claimLost(task.id)
      }
      archives = await listArchives(db, task.id)
    }
    const scope = this.scopeOf(task, snapshot)
    const store = this.stores.forNew()
    await this.writeEach(task, archives, scope, source, store, claim)
  }

  private async writeEach(
    task: TaskRow,
    archives: ArchiveRow[],
    scope: ExportScope,
    source: Kysely<DB>,
    store: ArchiveStore,
    claim: JobClaim,
  ): Promise<void> {
    const { db } = this
    // One read-ahead ring and file buffer for all of the task's archives.
    const memory = new ZipMemory()
    for (const archive of archives) {
      claim.signal.throwIfAborted()
      if (archive.status === 'done') continue
      const zip = reportArchive(source, this.deps.blobs, scope, archive, {
        label: task.id,
        mtime: new Date(task.createdAt),
        baseUrl: this.deps.publicUrl.bytes,
      })
      const saved = await store.save(task.id, archive.idx, { ...zip, memory })
      if (!(await markArchiveDone(db, task.id, archive.idx, claim.token, saved.size, saved.location))) {
        throw claimLost(task.id)
      }
      // What the archive left behind goes now, not on top of the next one's (see collect-garbage.ts).
      collectGarbage()
      await this.stallHook(task.id, archive.idx, claim.signal)
    }
  }

  private scopeOf(task: TaskRow, snapshotMessageId: number): ExportScope {
    return {
      accountId: task.accountId,
      dateFrom: task.dateFrom,
      dateTo: task.dateTo,
      messageTypes: task.messageTypes,
      snapshotMessageId,
    }
  }

  /** Test hook (MSGSTORE_TEST_EXPORT_STALL_AFTER): stands still after archive N until the process is killed or stops. */
  private async stallHook(taskId: string, idx: number, signal: AbortSignal): Promise<void> {
    if (this.deps.stallAfterArchive !== idx) return
    process.stderr.write(`msgstore: export ${taskId} stalled after archive ${idx} (test hook)\n`)
    await new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    })
  }

  /** The expiry job: removes a finished task's archives, then the task. */
  async expire(taskId: string, ctx: StandaloneContext): Promise<void> {
    const task = await findTask(this.db, taskId)
    if (
      !task ||
      task.expiresAt === null ||
      task.expiresAt > ctx.now ||
      !isTerminal(task.status as TaskStatus)
    ) {
      return
    }
    await this.removeArchives(taskId)
    await deleteTask(this.db, taskId)
  }

  private async removeArchives(taskId: string): Promise<void> {
    const locations = (await listArchives(this.db, taskId))
      .map((a) => a.location)
      .filter((l): l is string => l !== null)
    await this.stores.removeTask(taskId, locations)
  }
}

function claimLost(taskId: string): ClaimEnded {
  return new ClaimEnded(`another claim took export task ${taskId} over`)
}
