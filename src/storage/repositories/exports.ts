import { type Kysely, sql } from 'kysely'
import type { DB } from '../schema.js'

/** Message store exports: report tasks, their archives, and the pages of data an export reads. */

export type TaskRow = {
  id: string
  accountId: string
  extensionId: string
  status: string
  dateFrom: number
  dateTo: number
  messageTypes?: string[]
  createdAt: number
  finishTime: number | null
  snapshotMessageId: number | null
  attempts: number
  expiresAt: number | null
}

export type ArchiveRow = {
  idx: number
  firstAttachmentId: number | null
  lastAttachmentId: number | null
  entries: number
  status: 'planned' | 'done'
  size: number | null
  location: string | null
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))

export async function insertTask(
  db: Kysely<DB>,
  task: Pick<
    TaskRow,
    'id' | 'accountId' | 'extensionId' | 'status' | 'dateFrom' | 'dateTo' | 'messageTypes' | 'createdAt'
  >,
): Promise<void> {
  await db
    .insertInto('export_tasks')
    .values({
      id: task.id,
      account_id: task.accountId,
      extension_id: task.extensionId,
      status: task.status,
      date_from: task.dateFrom,
      date_to: task.dateTo,
      message_types: task.messageTypes ? JSON.stringify(task.messageTypes) : null,
      created_at: task.createdAt,
      attempts: 0,
    })
    .execute()
}

export async function findTask(db: Kysely<DB>, id: string): Promise<TaskRow | undefined> {
  const r = await db.selectFrom('export_tasks').selectAll().where('id', '=', id).executeTakeFirst()
  if (!r) return undefined
  return {
    id: r.id,
    accountId: r.account_id,
    extensionId: r.extension_id,
    status: r.status,
    dateFrom: Number(r.date_from),
    dateTo: Number(r.date_to),
    messageTypes: r.message_types ? (JSON.parse(r.message_types) as string[]) : undefined,
    createdAt: Number(r.created_at),
    finishTime: num(r.finish_time),
    snapshotMessageId: num(r.snapshot_message_id),
    attempts: Number(r.attempts),
    expiresAt: num(r.expires_at),
  }
}

export type Acquired = 'acquired' | 'busy' | 'held' | 'finished'

/**
 * Claims a task for one build attempt: `InProgress`, a lease to `owner` until
 * `leaseUntil` (real time), one more attempt. `busy` when `limit` other tasks hold a
 * live lease (the task turns `Pending`); `held` when another node's lease on it is still
 * live; `finished` when it is gone or over. The UPDATE repeats the lease condition, so
 * of two nodes racing for the same task only one gets it.
 */
export async function acquireTask(
  db: Kysely<DB>,
  id: string,
  owner: string,
  realNow: number,
  leaseUntil: number,
  limit: number,
): Promise<Acquired> {
  const task = await db
    .selectFrom('export_tasks')
    .select(['status', 'lease_owner', 'lease_until'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!task || ['Completed', 'Failed', 'Cancelled'].includes(task.status)) return 'finished'
  if (task.lease_owner !== null && task.lease_owner !== owner && Number(task.lease_until) > realNow)
    return 'held'
  const running = await db
    .selectFrom('export_tasks')
    .select(sql<number>`count(*)`.as('n'))
    .where('status', '=', 'InProgress')
    .where('lease_until', '>', realNow)
    .where('id', '<>', id)
    .executeTakeFirstOrThrow()
  if (Number(running.n) >= limit) {
    await db
      .updateTable('export_tasks')
      .set({ status: 'Pending' })
      .where('id', '=', id)
      .where('status', 'in', ['Accepted', 'AttemptFailed'])
      .execute()
    return 'busy'
  }
  const result = await db
    .updateTable('export_tasks')
    .set((eb) => ({
      status: 'InProgress',
      lease_owner: owner,
      lease_until: leaseUntil,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', id)
    .where('status', 'not in', ['Completed', 'Failed', 'Cancelled'])
    .where((eb) =>
      eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', owner), eb('lease_until', '<=', realNow)]),
    )
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1 ? 'acquired' : 'held'
}

/** Extends the lease; false when the task is no longer this owner's. */
export async function renewLease(db: Kysely<DB>, id: string, owner: string, until: number): Promise<boolean> {
  const result = await db
    .updateTable('export_tasks')
    .set({ lease_until: until })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Sets fields of a task this owner holds; false when it lost the lease. */
export async function updateOwnedTask(
  db: Kysely<DB>,
  id: string,
  owner: string,
  fields: {
    status?: string
    finishTime?: number
    expiresAt?: number
    snapshotMessageId?: number
    lastError?: string | null
    release?: boolean
  },
): Promise<boolean> {
  const result = await db
    .updateTable('export_tasks')
    .set({
      ...(fields.status !== undefined ? { status: fields.status } : {}),
      ...(fields.finishTime !== undefined ? { finish_time: fields.finishTime } : {}),
      ...(fields.expiresAt !== undefined ? { expires_at: fields.expiresAt } : {}),
      ...(fields.snapshotMessageId !== undefined ? { snapshot_message_id: fields.snapshotMessageId } : {}),
      ...(fields.lastError !== undefined ? { last_error: fields.lastError?.slice(0, 2000) ?? null } : {}),
      ...(fields.release ? { lease_owner: null, lease_until: null } : {}),
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Tasks left unfinished by a node that stopped: `InProgress` with a lease that has
 * lapsed, or, with `anyOtherOwner` (a store only one server process opens), every
 * unfinished task not leased by `owner`. Their leases are cleared.
 */
export async function takeOrphanedTasks(
  db: Kysely<DB>,
  owner: string,
  realNow: number,
  anyOtherOwner: boolean,
): Promise<string[]> {
  let query = db
    .selectFrom('export_tasks')
    .select('id')
    .where('status', 'in', ['Accepted', 'Pending', 'InProgress', 'AttemptFailed'])
  query = anyOtherOwner
    ? query.where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '<>', owner)]))
    : query.where('status', '=', 'InProgress').where('lease_until', '<', realNow)
  const ids = (await query.execute()).map((r) => r.id)
  if (ids.length) {
    await db
      .updateTable('export_tasks')
      .set({ lease_owner: null, lease_until: null })
      .where('id', 'in', ids)
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '<>', owner)]))
      .execute()
  }
  return ids
}

export async function deleteTask(db: Kysely<DB>, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('export_archives').where('task_id', '=', id).execute()
    await trx.deleteFrom('export_tasks').where('id', '=', id).execute()
  })
}

// Archives -------------------------------------------------------------------------------

export async function listArchives(db: Kysely<DB>, taskId: string): Promise<ArchiveRow[]> {
  const rows = await db
    .selectFrom('export_archives')
    .selectAll()
    .where('task_id', '=', taskId)
    .orderBy('idx')
    .execute()
  return rows.map((r) => ({
    idx: Number(r.idx),
    firstAttachmentId: num(r.first_attachment_id),
    lastAttachmentId: num(r.last_attachment_id),
    entries: Number(r.entries),
    status: r.status as ArchiveRow['status'],
    size: num(r.size),
    location: r.location,
  }))
}

/** Records the planned archives and the snapshot they were planned on, together, if the owner still holds the task. */
export async function savePlan(
  db: Kysely<DB>,
  taskId: string,
  accountId: string,
  owner: string,
  snapshotMessageId: number,
  archives: Pick<ArchiveRow, 'idx' | 'firstAttachmentId' | 'lastAttachmentId' | 'entries'>[],
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await updateOwnedTask(trx, taskId, owner, { snapshotMessageId }))) return false
    await trx.deleteFrom('export_archives').where('task_id', '=', taskId).execute()
    for (let i = 0; i < archives.length; i += 200) {
      await trx
        .insertInto('export_archives')
        .values(
          archives.slice(i, i + 200).map((a) => ({
            task_id: taskId,
            idx: a.idx,
            account_id: accountId,
            first_attachment_id: a.firstAttachmentId,
            last_attachment_id: a.lastAttachmentId,
            entries: a.entries,
            status: 'planned',
          })),
        )
        .execute()
    }
    return true
  })
}

export async function markArchiveDone(
  db: Kysely<DB>,
  taskId: string,
  idx: number,
  owner: string,
  size: number,
  location: string,
): Promise<boolean> {
  const result = await db
    .updateTable('export_archives')
    .set({ status: 'done', size, location })
    .where('task_id', '=', taskId)
    .where('idx', '=', idx)
    .where((eb) =>
      eb.exists(
        eb.selectFrom('export_tasks').select('id').where('id', '=', taskId).where('lease_owner', '=', owner),
      ),
    )
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

// What an export reads -------------------------------------------------------------------

/** What an export covers: an account's messages of a time range, of some types, up to a snapshot id. */
export interface ExportScope {
  accountId: string
  dateFrom: number
  dateTo: number
  messageTypes?: string[]
  /** Messages with larger ids arrived after the export was planned and stay out. */
  snapshotMessageId: number
}

/** Exports hold every message not yet Purged: Alive ones and Deleted ones (still restorable). */
export const EXPORTED_AVAILABILITIES = ['Alive', 'Deleted'] as const

/** The newest id of the whole store's id sequence (cross-account: one index seek). */
export async function newestMessageId(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst()
  return Number(row?.id ?? 0)
}

export async function accountMailboxes(db: Kysely<DB>, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('mailboxes')
    .select('extension_id')
    .where('account_id', '=', accountId)
    .orderBy('extension_id')
    .execute()
  return rows.map((r) => r.extension_id)
}

export interface RecordRow {
  id: number
  creationTime: number
  record: Buffer
}

/**
 * One page of a mailbox's records of one availability, oldest first, after the
 * `(creationTime, id)` of the last row of the previous page. The condition is a range
 * on the list index (mailbox, availability, creation time, id), so every page costs
 * its own rows only, however deep into the mailbox it lies.
 */
export async function recordsPage(
  db: Kysely<DB>,
  scope: ExportScope,
  extensionId: string,
  availability: string,
  after: { creationTime: number; id: number } | undefined,
  limit: number,
): Promise<RecordRow[]> {
  let query = db
    .selectFrom('messages')
    .select(['id', 'creation_time', 'record'])
    .where('account_id', '=', scope.accountId)
    .where('extension_id', '=', extensionId)
    .where('availability', '=', availability)
    .where('creation_time', '>=', scope.dateFrom)
    .where('creation_time', '<=', scope.dateTo)
    .where('id', '<=', scope.snapshotMessageId)
  if (scope.messageTypes) query = query.where('type', 'in', scope.messageTypes)
  if (after) query = query.where(sql<boolean>`(creation_time, id) > (${after.creationTime}, ${after.id})`)
  const rows = await query.orderBy('creation_time').orderBy('id').limit(limit).execute()
  return rows.map((r) => ({ id: Number(r.id), creationTime: Number(r.creation_time), record: r.record }))
}

export interface AttachmentRow {
  id: number
  messageId: number
  extensionId: string
  size: number
  blobKey: string
  fileName: string | null
  contentType: string
  creationTime: number
}

/**
 * One page of the attachments of the exported messages, in attachment id order, after
 * `afterId` and up to `lastId`. Attachments without bytes (Purged) are left out.
 */
export async function attachmentsPage(
  db: Kysely<DB>,
  scope: ExportScope,
  afterId: number,
  lastId: number | undefined,
  limit: number,
): Promise<AttachmentRow[]> {
  let query = db
    .selectFrom('attachments as a')
    .innerJoin('messages as m', (join) =>
      join.onRef('m.account_id', '=', 'a.account_id').onRef('m.id', '=', 'a.message_id'),
    )
    .select([
      'a.id',
      'a.message_id',
      'm.extension_id',
      'a.size',
      'a.blob_key',
      'a.file_name',
      'a.content_type',
      'm.creation_time',
    ])
    .where('a.account_id', '=', scope.accountId)
    .where('a.id', '>', afterId)
    .where('a.blob_key', 'is not', null)
    .where('m.availability', 'in', [...EXPORTED_AVAILABILITIES])
    .where('m.creation_time', '>=', scope.dateFrom)
    .where('m.creation_time', '<=', scope.dateTo)
    .where('m.id', '<=', scope.snapshotMessageId)
  if (lastId !== undefined) query = query.where('a.id', '<=', lastId)
  if (scope.messageTypes) query = query.where('m.type', 'in', scope.messageTypes)
  const rows = await query.orderBy('a.id').limit(limit).execute()
  return rows.map((r) => ({
    id: Number(r.id),
    messageId: Number(r.message_id),
    extensionId: r.extension_id,
    size: Number(r.size),
    blobKey: r.blob_key!,
    fileName: r.file_name,
    contentType: r.content_type,
    creationTime: Number(r.creation_time),
  }))
}

/** How many messages an export of `scope` holds (index-only counts, mailbox by mailbox). */
export async function countExportMessages(db: Kysely<DB>, scope: ExportScope): Promise<number> {
  let total = 0
  for (const extensionId of await accountMailboxes(db, scope.accountId)) {
    let query = db
      .selectFrom('messages')
      .select(sql<number>`count(*)`.as('n'))
      .where('account_id', '=', scope.accountId)
      .where('extension_id', '=', extensionId)
      .where('availability', 'in', [...EXPORTED_AVAILABILITIES])
      .where('creation_time', '>=', scope.dateFrom)
      .where('creation_time', '<=', scope.dateTo)
      .where('id', '<=', scope.snapshotMessageId)
    if (scope.messageTypes) query = query.where('type', 'in', scope.messageTypes)
    total += Number((await query.executeTakeFirstOrThrow()).n)
  }
  return total
}

/**
 * Unfinished tasks that nothing will run: no live lease and no job that is still to
 * run (the job row is gone, or failed for good). A task always has a job row while it is
 * unfinished, so these are left over from crashes between steps.
 */
export async function tasksWithoutJob(
  db: Kysely<DB>,
  jobName: string,
  realNow: number,
  deadRunAt: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('export_tasks as t')
    .select('t.id')
    .where('t.status', 'in', ['Accepted', 'Pending', 'InProgress', 'AttemptFailed'])
    .where((eb) => eb.or([eb('t.lease_until', 'is', null), eb('t.lease_until', '<', realNow)]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('jobs as j')
            .select('j.id')
            .where('j.name', '=', jobName)
            .where('j.payload', '=', sql<string>`'{"taskId":"' || t.id || '"}'`)
            .where('j.run_at', '<', deadRunAt),
        ),
      ),
    )
    .execute()
  return rows.map((r) => r.id)
}

/** Replaces a task's build jobs with one due at `runAt`. */
export async function requeueBuild(
  db: Kysely<DB>,
  jobName: string,
  /** The build job's encoded payload. */
  payload: string,
  runAt: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('jobs').where('name', '=', jobName).where('payload', '=', payload).execute()
    await trx.insertInto('jobs').values({ name: jobName, payload, run_at: runAt, attempts: 0 }).execute()
  })
}
