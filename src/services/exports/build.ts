import type { Kysely } from 'kysely'
import { isTerminal, type TaskStatus } from '../../domain/export/task.js'
import type { ArchiveStore, ArchiveStores } from '../../exports/archive-store.js'
import { planReportArchives, reportArchive } from '../../exports/archive-writer.js'
import { openReadConnection } from '../../exports/read-connection.js'
import { ZipMemory } from '../../exports/zip-memory.js'
import { enqueue, type JobContext } from '../../jobs/job.js'
import { collectGarbage } from '../../lib/collect-garbage.js'
import { type ExportScope, newestMessageId } from '../../storage/repositories/export-reads.js'
import {
  type ArchiveRow,
  acquireTask,
  deleteTask,
  findTask,
  listArchives,
  markArchiveDone,
  renewLease,
  savePlan,
  type TaskRow,
  updateOwnedTask,
} from '../../storage/repositories/export-tasks.js'
import type { DB } from '../../storage/schema.js'
import { EXPORT_BUILD, EXPORT_EXPIRE } from './jobs.js'
import type { ExportServiceDeps } from './report-api.js'

/** A build holds its task for this long (real time) unless it renews the claim. */
export const LEASE_MS = 15_000
const HEARTBEAT_MS = 5_000
/** A task waiting for a free export slot tries again after this much store-clock time. */
const BUSY_RETRY_MS = 5_000
/** Build attempts before a task is `Failed`; those before it are `AttemptFailed` and retried. */
export const MAX_BUILD_ATTEMPTS = 3

class LeaseLost extends Error {
  constructor() {
    super('another node took the export task over')
  }
}

/**
 * The jobs of a message store report: the build, which claims its task under a lease
 * (real time, renewed every few seconds), writes the archives it still lacks (planned up
 * front, with the newest message id as a snapshot, so a build that starts again writes the
 * same ones) and finishes the task; and the expiry, which removes them when their time is up.
 */
export class ExportBuild {
  private readonly db: Kysely<DB>

  constructor(
    private readonly deps: ExportServiceDeps,
    /** This node's name in the tasks' leases. */
    private readonly nodeId: string,
    private readonly stores: ArchiveStores,
  ) {
    this.db = deps.db
  }

  /** The build job: claims the task, writes the archives it still lacks, and finishes it. */
  async build(taskId: string, ctx: JobContext): Promise<void> {
    const realNow = Date.now()
    const claim = await acquireTask(
      this.db,
      taskId,
      this.nodeId,
      realNow,
      realNow + LEASE_MS,
      this.deps.settings.concurrency,
    )
    if (claim === 'finished') return
    if (claim !== 'acquired') {
      // Waiting for a free slot (busy), or another node is building it (held): look again later.
      await enqueue(
        this.db,
        EXPORT_BUILD,
        { taskId },
        ctx.now + (claim === 'busy' ? BUSY_RETRY_MS : LEASE_MS),
      )
      return
    }
    const task = (await findTask(this.db, taskId))!
    let lost = false
    const heartbeat = setInterval(() => {
      renewLease(this.db, taskId, this.nodeId, Date.now() + LEASE_MS).then(
        (held) => {
          if (!held) lost = true
        },
        (err) => this.deps.log.error({ err, taskId }, 'export lease renewal failed'),
      )
    }, HEARTBEAT_MS)
    heartbeat.unref()
    try {
      await this.writeArchives(task, () => lost)
      await this.finish(task, 'Completed', null)
    } catch (err) {
      if (err instanceof LeaseLost || lost) return
      const message = err instanceof Error ? err.message : String(err)
      if (task.attempts >= MAX_BUILD_ATTEMPTS) {
        this.deps.log.error({ err, taskId, attempt: task.attempts }, 'export task failed')
        await this.finish(task, 'Failed', message)
        return
      }
      await updateOwnedTask(this.db, taskId, this.nodeId, {
        status: 'AttemptFailed',
        lastError: message,
        release: true,
      })
      // The job runner tries again after its backoff (store clock).
      throw err
    } finally {
      clearInterval(heartbeat)
    }
  }

  private async finish(task: TaskRow, status: 'Completed' | 'Failed', error: string | null): Promise<void> {
    const now = this.deps.clock.now()
    const expiresAt = now + this.deps.settings.ttlMs
    if (status === 'Failed') await this.removeArchives(task.id)
    const done = await this.db.transaction().execute(async (trx) => {
      const owned = await updateOwnedTask(trx, task.id, this.nodeId, {
        status,
        finishTime: now,
        expiresAt,
        lastError: error,
        release: true,
      })
      if (owned) await enqueue(trx, EXPORT_EXPIRE, { taskId: task.id }, expiresAt)
      return owned
    })
    if (!done) throw new LeaseLost()
  }

  private async writeArchives(task: TaskRow, lost: () => boolean): Promise<void> {
    const reader = await openReadConnection(this.deps.databaseUrl, this.db)
    try {
      await this.writeArchivesFrom(reader.db, task, lost)
    } finally {
      await reader.close()
    }
  }

  /** Reads through `source`; records progress through the shared connection. */
  private async writeArchivesFrom(source: Kysely<DB>, task: TaskRow, lost: () => boolean): Promise<void> {
    const { db } = this
    const owner = this.nodeId
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
      if (!(await savePlan(db, task.id, task.accountId, owner, snapshot, planned))) throw new LeaseLost()
      archives = await listArchives(db, task.id)
    }
    const scope = this.scopeOf(task, snapshot)
    const store = this.stores.forNew()
    await this.writeEach(task, archives, scope, source, store, lost)
  }

  private async writeEach(
    task: TaskRow,
    archives: ArchiveRow[],
    scope: ExportScope,
    source: Kysely<DB>,
    store: ArchiveStore,
    lost: () => boolean,
  ): Promise<void> {
    const { db } = this
    const owner = this.nodeId
    // One read-ahead ring and file buffer for all of the task's archives.
    const memory = new ZipMemory()
    for (const archive of archives) {
      if (lost()) throw new LeaseLost()
      if (archive.status === 'done') continue
      const zip = reportArchive(source, this.deps.blobs, scope, archive, {
        label: task.id,
        mtime: new Date(task.createdAt),
        baseUrl: this.deps.publicUrl.bytes,
      })
      const saved = await store.save(task.id, archive.idx, { ...zip, memory })
      if (!(await markArchiveDone(db, task.id, archive.idx, owner, saved.size, saved.location))) {
        throw new LeaseLost()
      }
      // What the archive left behind goes now, not on top of the next one's (see collect-garbage.ts).
      collectGarbage()
      await this.stallHook(task.id, archive.idx)
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

  /** Test hook (MSGSTORE_TEST_EXPORT_STALL_AFTER): stands still after archive N until the process is killed. */
  private async stallHook(taskId: string, idx: number): Promise<void> {
    if (this.deps.stallAfterArchive !== idx) return
    process.stderr.write(`msgstore: export ${taskId} stalled after archive ${idx} (test hook)\n`)
    await new Promise<never>(() => {})
  }

  /** The expiry job: removes a finished task's archives, then the task. */
  async expire(taskId: string, ctx: JobContext): Promise<void> {
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
