import type { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { BlobStore } from '../../blobs/blob-store.js'
import type { Clock } from '../../domain/clock.js'
import { errors } from '../../domain/errors.js'
import { newTaskId, parseReportRequest, TASK_ID, type TaskStatus } from '../../domain/export/task.js'
import type { Principal } from '../../domain/principal.js'
import { ArchiveStores } from '../../exports/archive-store.js'
import type { ExportSettings } from '../../exports/settings.js'
import { enqueue, type StandaloneContext } from '../../jobs/job.js'
import type { JobRunner } from '../../jobs/runner.js'
import { findTask, insertTask, listArchives, type TaskRow } from '../../storage/repositories/export-tasks.js'
import type { DB } from '../../storage/schema.js'
import { resolveAccount } from '../mailbox-access.js'
import { ExportBuild, MAX_BUILD_ATTEMPTS } from './build.js'
import { EXPORT_BUILD, exportJobs } from './jobs.js'

/** The user permission the report calls need: an account administrator's. */
const ADMIN_PERMISSION = 'Users'

export interface ExportServiceDeps {
  db: Kysely<DB>
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

/** A report task as the API shows it (http/presenters/message-store-report.ts renders it). */
export type ReportTask = Pick<
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
>

/** One finished archive of a task. */
export interface ReportArchive {
  idx: number
  size: number
}

export interface ArchiveDownload {
  size: number
  etag: string
  fileName: string
  open(range?: { start: number; end: number }): Promise<Readable>
}

/**
 * Message store reports (createMessageStoreReport and the calls that follow it): the
 * report API. Tasks run as jobs on the store clock and write zip archives: the build and
 * the expiry are in build.ts. The job runner keeps a build's claim alive while it runs and
 * hands the build to another node (or the next start) when its node stops.
 */
export class ExportService {
  private readonly db: Kysely<DB>
  private readonly stores: ArchiveStores
  private readonly builds: ExportBuild

  constructor(private readonly deps: ExportServiceDeps) {
    this.db = deps.db
    this.stores = new ArchiveStores(deps.dataDir, deps.blobs, deps.blobStore)
    this.builds = new ExportBuild(deps, this.stores)
  }

  registerJobs(jobs: JobRunner): void {
    const settings = { concurrency: this.deps.settings.concurrency, maxAttempts: MAX_BUILD_ATTEMPTS }
    for (const job of exportJobs(this, settings)) jobs.register(job)
  }

  // The API ---------------------------------------------------------------------------

  /** createMessageStoreReport: a new task, `Accepted`, its build job due now. */
  async create(principal: Principal, accountParam: string, body: unknown): Promise<ReportTask> {
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
    return { ...task, finishTime: null }
  }

  /** readMessageStoreReportTask */
  get(principal: Principal, accountParam: string, taskId: string): Promise<ReportTask> {
    return this.findOwnTask(principal, accountParam, taskId)
  }

  /** readMessageStoreReportArchive: the archives of a `Completed` task (none before). */
  async archives(
    principal: Principal,
    accountParam: string,
    taskId: string,
  ): Promise<{ task: ReportTask; archives: ReportArchive[] }> {
    const task = await this.findOwnTask(principal, accountParam, taskId)
    if (task.status !== 'Completed') return { task, archives: [] }
    const archives = await listArchives(this.db, task.id)
    return {
      task,
      archives: archives.filter((a) => a.status === 'done').map((a) => ({ idx: a.idx, size: a.size! })),
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
          return await this.stores.of(location).open(location, range)
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

  /** The build job (build.ts). */
  build(taskId: string, ctx: StandaloneContext): Promise<void> {
    return this.builds.build(taskId, ctx)
  }

  /** The expiry job (build.ts). */
  expire(taskId: string, ctx: StandaloneContext): Promise<void> {
    return this.builds.expire(taskId, ctx)
  }

  /** Removes the archive files or blobs of a task whose rows are already gone (a reset of the store). */
  discardArchives(taskId: string, locations: string[]): Promise<void> {
    return this.stores.removeTask(taskId, locations)
  }
}
