import type { Kysely } from 'kysely'
import type { DB } from '../schema.js'

/** Message store report tasks: their rows and archives, written by the build's claim. */

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

/**
 * Starts a build attempt: `InProgress`, written from now on only by `claim` (the job
 * runner's claim, which no other node holds). The task as it is then, or undefined when
 * it is gone or over.
 */
export async function startAttempt(
  db: Kysely<DB>,
  id: string,
  claim: string,
  attempt: number,
): Promise<TaskRow | undefined> {
  const result = await db
    .updateTable('export_tasks')
    .set({ status: 'InProgress', build_claim: claim, attempts: attempt })
    .where('id', '=', id)
    .where('status', 'not in', ['Completed', 'Failed', 'Cancelled'])
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1 ? findTask(db, id) : undefined
}

/** Sets fields of a task if `claim` still builds it; false when another claim took it over. */
export async function updateOwnedTask(
  db: Kysely<DB>,
  id: string,
  claim: string,
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
      ...(fields.release ? { build_claim: null } : {}),
    })
    .where('id', '=', id)
    .where('build_claim', '=', claim)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
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

/** Records the planned archives and the snapshot they were planned on, together, if `claim` still builds the task. */
export async function savePlan(
  db: Kysely<DB>,
  taskId: string,
  accountId: string,
  claim: string,
  snapshotMessageId: number,
  archives: Pick<ArchiveRow, 'idx' | 'firstAttachmentId' | 'lastAttachmentId' | 'entries'>[],
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await updateOwnedTask(trx, taskId, claim, { snapshotMessageId }))) return false
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
  claim: string,
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
        eb.selectFrom('export_tasks').select('id').where('id', '=', taskId).where('build_claim', '=', claim),
      ),
    )
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
