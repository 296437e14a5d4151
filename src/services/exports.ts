import { randomBytes } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { BlobStore } from '../blobs/blob-store.js'
import type { Clock } from '../domain/clock.js'
import { errors } from '../domain/errors.js'
import {
  isTerminal,
  newTaskId,
  parseReportRequest,
  TASK_ID,
  type TaskStatus,
  taskTime,
} from '../domain/export/task.js'
import type { Principal } from '../domain/principal.js'
import { reportPath } from '../domain/uris.js'
import { type ArchiveStore, BlobArchiveStore, FileArchiveStore } from '../exports/archive-store.js'
import { attachmentsArchive, messagesArchive, planAttachmentArchives } from '../exports/archive-writer.js'
import { openReadConnection } from '../exports/read-connection.js'
import type { ExportSettings } from '../exports/settings.js'
import { ZipMemory } from '../exports/zip.js'
import { encodePayload, enqueue, type JobContext } from '../jobs/job.js'
import type { JobRunner } from '../jobs/runner.js'
import { collectGarbage } from '../lib/collect-garbage.js'
import type { DialectInfo } from '../storage/dialects/dialect.js'
import {
  type ArchiveRow,
  acquireTask,
  deleteTask,
  type ExportScope,
  findTask,
  insertTask,
  listArchives,
  markArchiveDone,
  newestMessageId,
  renewLease,
  requeueBuild,
  savePlan,
  type TaskRow,
  takeOrphanedTasks,
  tasksWithoutJob,
  updateOwnedTask,
} from '../storage/repositories/exports.js'
import { DEAD } from '../storage/repositories/jobs.js'
import type { DB } from '../storage/schema.js'
import { EXPORT_BUILD, EXPORT_EXPIRE, exportJobs } from './export-jobs.js'
import { resolveAccount } from './mailbox-access.js'

/** A build holds its task for this long (real time) unless it renews the claim. */
const LEASE_MS = 15_000
const HEARTBEAT_MS = 5_000
/** How often a node looks for tasks a stopped node left unfinished. */
const SWEEP_MS = 5_000
/** A task waiting for a free export slot tries again after this much store-clock time. */
const BUSY_RETRY_MS = 5_000
/** Build attempts before a task is `Failed`; those before it are `AttemptFailed` and retried. */
export const MAX_BUILD_ATTEMPTS = 3

/** The user permission the report calls need: an account administrator's. */
const ADMIN_PERMISSION = 'Users'

class LeaseLost extends Error {
  constructor() {
    super('another node took the export task over')
  }
}

export interface ExportServiceDeps {
  db: Kysely<DB>
  dialect: DialectInfo
  blobs: BlobStore
  clock: Clock
  /** The public base URL, as text and bytes (records carry a mark where it goes). */
  publicUrl: { readonly value: string; readonly bytes: Buffer }
  settings: ExportSettings
  /** Crash tests only (config/test-hooks.ts): stand still once this archive is written. */
  stallAfterArchive?: number
  dataDir: string
  /** The store's database URL: on SQLite an export reads through a connection of its own. */
  databaseUrl: string
  /** Where blobs are, and so where new archives go: files under the data folder, or the (shared) database. */
  blobStore: 'fs' | 'database'
  log: { error(obj: object, msg: string): void }
}

export interface ArchiveDownload {
  size: number
  etag: string
  fileName: string
  open(range?: { start: number; end: number }): Promise<Readable>
}

/**
 * Message store reports (createMessageStoreReport and the calls that follow it): tasks
 * that run as jobs on the store clock and write zip archives (exports/archive-writer.ts).
 *
 * Restart safety. A build claims its task with a lease (real time, renewed every few
 * seconds) and records each finished archive; the archives are planned up front and
 * fixed, with the newest message id as a snapshot, so a build that starts again writes
 * only the archives still missing and writes the same ones. A task left `InProgress` by
 * a node that stopped is found by a sweep (at start, and every few seconds for a lapsed
 * lease) and its job put back due at once; on SQLite, which one server process opens, every
 * unfinished task found at start is resumed at once. After `MAX_BUILD_ATTEMPTS` failed
 * or interrupted attempts the task is `Failed`: never left running forever.
 */
export class ExportService {
  readonly nodeId = randomBytes(8).toString('hex')
  private readonly db: Kysely<DB>
  private readonly files: FileArchiveStore
  private readonly blobArchives: BlobArchiveStore
  private timer?: NodeJS.Timeout
  private sweeping?: Promise<void>

  constructor(private readonly deps: ExportServiceDeps) {
    this.db = deps.db
    this.files = new FileArchiveStore(deps.dataDir)
    this.blobArchives = new BlobArchiveStore(deps.blobs)
  }

  registerJobs(jobs: JobRunner): void {
    for (const job of exportJobs(this)) jobs.register(job)
  }

  // The API ---------------------------------------------------------------------------

  /** createMessageStoreReport: a new task, `Accepted`, its build job due now. */
  async create(principal: Principal, accountParam: string, body: unknown): Promise<Record<string, unknown>> {
    const accountId = this.authorize(principal, accountParam)
    const now = this.deps.clock.now()
    const range = parseReportRequest(body, now)
    const task = {
      id: newTaskId(accountId, principal.extensionId),
      accountId,
      extensionId: principal.extensionId,
      status: 'Accepted' as TaskStatus,
      dateFrom: range.dateFrom,
      dateTo: range.dateTo,
      messageTypes: range.messageTypes,
      createdAt: now,
    }
    await this.db.transaction().execute(async (trx) => {
      await insertTask(trx, task)
      await enqueue(trx, EXPORT_BUILD, { taskId: task.id }, now)
    })
    return this.present({ ...task, finishTime: null })
  }

  /** readMessageStoreReportTask */
  async get(principal: Principal, accountParam: string, taskId: string): Promise<Record<string, unknown>> {
    return this.present(await this.findOwnTask(principal, accountParam, taskId))
  }

  /** readMessageStoreReportArchive: the archives of a `Completed` task (none before). */
  async archives(
    principal: Principal,
    accountParam: string,
    taskId: string,
  ): Promise<{ records: { size: number; uri: string }[] }> {
    const task = await this.findOwnTask(principal, accountParam, taskId)
    if (task.status !== 'Completed') return { records: [] }
    const archives = await listArchives(this.db, task.id)
    return {
      records: archives
        .filter((a) => a.status === 'done')
        .map((a) => ({ size: a.size!, uri: `${this.taskUri(task)}/archive/${a.idx}` })),
    }
  }

  /** One archive of a `Completed` task, for download. */
  async archive(
    principal: Principal,
    accountParam: string,
    taskId: string,
    archiveId: string,
  ): Promise<ArchiveDownload> {
    const task = await this.findOwnTask(principal, accountParam, taskId)
    if (task.status !== 'Completed' || !/^\d{1,6}$/.test(archiveId)) throw errors.notFound('archiveId')
    const idx = Number(archiveId)
    const archive = (await listArchives(this.db, task.id)).find((a) => a.idx === idx)
    if (!archive || archive.status !== 'done' || archive.location === null || archive.size === null) {
      throw errors.notFound('archiveId')
    }
    const location = archive.location
    return {
      size: archive.size,
      etag: `"${task.id}.${idx}.${archive.size}"`,
      fileName: `message-store-report-${task.id}-${idx}.zip`,
      open: async (range) => {
        try {
          return await this.storeOf(location).open(location, range)
        } catch {
          // Expired between the lookup and the read.
          throw errors.notFound('archiveId')
        }
      },
    }
  }

  private authorize(principal: Principal, accountParam: string): string {
    const accountId = resolveAccount(principal, accountParam)
    if (principal.role !== 'SuperAdmin') throw errors.userPermissionRequired(ADMIN_PERMISSION)
    return accountId
  }

  private async findOwnTask(principal: Principal, accountParam: string, taskId: string): Promise<TaskRow> {
    const accountId = this.authorize(principal, accountParam)
    const task = TASK_ID.test(taskId) ? await findTask(this.db, taskId) : undefined
    if (!task || task.accountId !== accountId) throw errors.notFound('taskId')
    return task
  }

  private taskUri(task: Pick<TaskRow, 'id' | 'accountId'>): string {
    return `${this.deps.publicUrl.value}${reportPath(task.accountId, task.id)}`
  }

  /** The `MessageStoreReport` record, in the seed document's field order. */
  private present(
    task: Pick<
      TaskRow,
      | 'id'
      | 'accountId'
      | 'extensionId'
      | 'status'
      | 'dateFrom'
      | 'dateTo'
      | 'messageTypes'
      | 'createdAt'
      | 'finishTime'
    >,
  ): Record<string, unknown> {
    const record: Record<string, unknown> = {
      uri: this.taskUri(task),
      id: task.id,
      status: task.status,
      startTime: taskTime(task.createdAt),
    }
    if (task.finishTime !== null) record.finishTime = taskTime(task.finishTime)
    record.accountId = task.accountId
    record.extensionId = task.extensionId
    record.dateFrom = taskTime(task.dateFrom)
    record.dateTo = taskTime(task.dateTo)
    if (task.messageTypes) record.messageTypes = task.messageTypes
    return record
  }

  // The jobs ----------------------------------------------------------------------------

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
      const plans = await planAttachmentArchives(
        source,
        this.scopeOf(task, snapshot),
        this.deps.settings.archiveMaxBytes,
        task.id,
      )
      const planned = [{ idx: 0, firstAttachmentId: null, lastAttachmentId: null, entries: 0 }, ...plans]
      if (!(await savePlan(db, task.id, task.accountId, owner, snapshot, planned))) throw new LeaseLost()
      archives = await listArchives(db, task.id)
    }
    const scope = this.scopeOf(task, snapshot)
    const store = this.deps.blobStore === 'database' ? this.blobArchives : this.files
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
      const zip =
        archive.idx === 0
          ? messagesArchive(source, scope, this.deps.publicUrl.bytes, {
              label: task.id,
              mtime: new Date(task.createdAt),
            })
          : attachmentsArchive(
              source,
              this.deps.blobs,
              scope,
              {
                idx: archive.idx,
                firstAttachmentId: archive.firstAttachmentId!,
                lastAttachmentId: archive.lastAttachmentId!,
              },
              { label: task.id },
            )
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

  /** Removes the archive files or blobs of a task whose rows are already gone (a reset of the store). */
  async discardArchives(taskId: string, locations: string[]): Promise<void> {
    await this.files.removeTask(taskId)
    await this.blobArchives.removeTask(taskId, locations)
  }

  private async removeArchives(taskId: string): Promise<void> {
    const locations = (await listArchives(this.db, taskId))
      .map((a) => a.location)
      .filter((l): l is string => l !== null)
    await this.files.removeTask(taskId)
    await this.blobArchives.removeTask(taskId, locations)
  }

  private storeOf(location: string): ArchiveStore {
    return location.startsWith('blob:') ? this.blobArchives : this.files
  }

  // Recovery ----------------------------------------------------------------------------

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
